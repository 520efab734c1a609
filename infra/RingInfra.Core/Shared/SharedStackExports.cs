namespace RingInfra.Core.Shared;

/// <summary>
/// The shared stack's outputs — their names (the contract every ring's StackReference reads) and
/// their non-secret values as Pulumi-serializable trees (dictionaries, lists, strings, <c>int</c>).
/// </summary>
public static class SharedStackExports
{
    public const string Namespace = "namespace";
    public const string ServiceCatalog = "serviceCatalog";
    public const string Config = "config";
    public const string AppSecretKeys = "appSecretKeys";
    public const string CredentialBindings = "connectorCredentialBindings";
    public const string SecretsRevision = "secretsRevision";
    public const string TenantDatabases = "tenantDatabases";

    /// <summary>Secret outputs: the app secret map, the image-pull .dockerconfigjson, connector credentials, tenant passwords.</summary>
    public const string Secrets = "secrets";
    public const string ImagePullConfig = "imagePullConfig";
    public const string ConnectorCredentials = "connectorCredentials";
    public const string TenantPasswords = "tenantPasswords";

    /// <summary>name → {namespace, host, port, targetPort, podLabels}.</summary>
    public static Dictionary<string, object> Catalog(SharedFacts facts) =>
        facts.Services.ToDictionary(s => s.Name, s => (object)new Dictionary<string, object>
        {
            ["namespace"] = s.Namespace,
            ["host"] = s.Host,
            ["port"] = s.Port,
            ["targetPort"] = s.TargetPort,
            ["podLabels"] = s.PodLabels.ToDictionary(l => l.Key, l => (object)l.Value),
        });

    public static Dictionary<string, object> ConfigMap(SharedFacts facts) => facts.Config.ToDictionary(c => c.Key, c => (object)c.Value);

    /// <summary>credential → the ring it is bound to.</summary>
    public static Dictionary<string, object> Bindings(SharedFacts facts) => facts.ConnectorCredentials.ToDictionary(c => c.Key, c => (object)c.Value);
}
