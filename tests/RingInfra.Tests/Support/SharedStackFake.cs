using RingInfra.Core.Shared;
using Pulumi;

using RingInfra.Core.Tests.Support;

namespace RingInfra.Tests.Support;

/// <summary>
/// The shared stack's outputs as a StackReference returns them: the repository's real facts (catalog,
/// config, credential bindings) and known, recognisable secret values that must never show up in clear.
/// </summary>
public sealed class SharedStackFake
{
    public const string Revision = "rev-0123456789abcdef";
    public const string StackName = "organization/ring-infra-shared/shared";

    public SharedStackFake()
    {
        Facts = Repo.LoadFleet().Shared;
        Secrets = Facts.AppSecretKeys.ToDictionary(k => k, k => $"CANARY-{k}-4f9c1e", StringComparer.Ordinal);
        Connectors = Facts.ConnectorCredentials.ToDictionary(c => c.Key, c => $"CANARY-{c.Key}-77aa01", StringComparer.Ordinal);
    }

    public SharedFacts Facts { get; }

    public Dictionary<string, string> Secrets { get; }

    public Dictionary<string, string> Connectors { get; }

    public string ImagePull { get; } = "{\"auths\":{\"registry.gitlab.com\":{\"auth\":\"CANARY-pull-token-31d2\"}}}";

    public List<string> RequestedStacks { get; } = [];

    /// <summary>Changes the outputs the StackReference returns (a shared stack exporting something wrong).</summary>
    public Action<Dictionary<string, object>>? ChangeOutputs { get; set; }

    /// <summary>Every secret value the fake hands out (what a leak scan looks for).</summary>
    public IReadOnlyList<string> AllSecretValues => [.. Secrets.Values, .. Connectors.Values, "CANARY-pull-token-31d2"];

    /// <summary>Changes the outputs of one shared stack (by its name: a region's shared stack exporting other facts).</summary>
    public Action<string, Dictionary<string, object>>? ChangeOutputsOf { get; set; }

    public Dictionary<string, object> StackReferenceState(string name)
    {
        RequestedStacks.Add(name);
        var outputs = new Dictionary<string, object>
        {
            [SharedStackExports.Namespace] = Facts.Namespace,
            [SharedStackExports.ServiceCatalog] = SharedStackExports.Catalog(Facts),
            [SharedStackExports.Config] = SharedStackExports.ConfigMap(Facts),
            [SharedStackExports.AppSecretKeys] = Facts.AppSecretKeys.Cast<object>().ToList(),
            [SharedStackExports.CredentialBindings] = SharedStackExports.Bindings(Facts),
            [SharedStackExports.SecretsRevision] = Revision,
            [SharedStackExports.Secrets] = Output.CreateSecret(Secrets.ToDictionary(kv => kv.Key, kv => (object)kv.Value)),
            [SharedStackExports.ImagePullConfig] = Output.CreateSecret(ImagePull),
            [SharedStackExports.ConnectorCredentials] = Output.CreateSecret(Connectors.ToDictionary(kv => kv.Key, kv => (object)kv.Value)),
        };
        ChangeOutputs?.Invoke(outputs);
        ChangeOutputsOf?.Invoke(name, outputs);
        return new Dictionary<string, object>
        {
            ["name"] = name,
            ["outputs"] = outputs,
            ["secretOutputNames"] = new List<string> { SharedStackExports.Secrets, SharedStackExports.ImagePullConfig, SharedStackExports.ConnectorCredentials },
        };
    }
}
