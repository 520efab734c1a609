namespace RingInfra.Core.Shared;

/// <summary>
/// What a ring needs to know about the shared stack: its service catalog, its non-secret config, the
/// <em>names</em> of its secrets and the rings connector credentials are bound to. Never secret values:
/// those stay Pulumi secret outputs and reach the ring's Secret objects at deploy time only.
/// </summary>
public sealed record SharedFacts
{
    public required string Namespace { get; init; }

    public required IReadOnlyList<SharedService> Services { get; init; }

    public required IReadOnlyList<KeyValuePair<string, string>> Config { get; init; }

    /// <summary>Keys of the app secret map (APP_KEY, DB_PASSWORD, …), sorted.</summary>
    public required IReadOnlyList<string> AppSecretKeys { get; init; }

    /// <summary>Connector credential name → the ring it is bound to (doc 001's credential isolation).</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> ConnectorCredentials { get; init; }

    /// <summary>The shared secrets' revision (changes when any secret changes); a pod-template annotation carries it.</summary>
    public required string SecretsRevision { get; init; }

    /// <summary>The Pod Security level the shared namespace enforces (audit and warn are always restricted).</summary>
    public string NamespacePodSecurity { get; init; } = "restricted";

    /// <summary>Who besides the rings may reach the shared services (the shared stack's own policies).</summary>
    public IReadOnlyList<SharedIngressAllow> AllowIngress { get; init; } = [];

    public SharedService? FindService(string name) => Services.FirstOrDefault(s => s.Name == name);

    public string? CredentialRing(string credential) =>
        ConnectorCredentials.FirstOrDefault(c => c.Key == credential) is { Key: not null } kv ? kv.Value : null;
}
