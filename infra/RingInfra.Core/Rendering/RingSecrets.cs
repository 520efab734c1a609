using RingInfra.Core.Config;

namespace RingInfra.Core.Rendering;

/// <summary>
/// The Secrets a ring needs and where each key comes from in the shared stack's secret outputs:
/// <c>ring-app-secrets</c> (every key of the <c>secrets</c> map), <c>ring-image-pull</c> (the
/// <c>imagePullConfig</c> output) and, with connectors, <c>ring-connectors</c> (only the credentials the
/// ring's connectors name). Names only: the values never pass through Core.
/// </summary>
public static class RingSecrets
{
    public const string App = "ring-app-secrets";
    public const string ImagePull = "ring-image-pull";
    public const string Connectors = "ring-connectors";
    public const string DockerConfigKey = ".dockerconfigjson";

    /// <summary>A valid, empty docker config: what an image-pull Secret holds where values are not written.</summary>
    public const string EmptyDockerConfig = "{\"auths\":{}}";

    /// <param name="config">The ring.</param>
    /// <param name="appSecretKeys">The keys of the shared <c>secrets</c> map (from the shared stack's facts).</param>
    public static IReadOnlyList<SecretSpec> Specs(RingConfig config, IReadOnlyList<string> appSecretKeys)
    {
        var specs = new List<SecretSpec>
        {
            new(App, "Opaque", [.. appSecretKeys.Select(k => new SecretKeyRef(k, SecretSource.AppSecrets, k))]),
            new(ImagePull, "kubernetes.io/dockerconfigjson", [new SecretKeyRef(DockerConfigKey, SecretSource.ImagePull, "imagePullConfig")]),
        };
        if (config.Connectors.Count > 0)
        {
            specs.Add(new(Connectors, "Opaque", [.. CredentialNames(config).Select(k => new SecretKeyRef(k, SecretSource.ConnectorCredentials, k))]));
        }

        return specs;
    }

    /// <summary>The connector credentials the ring uses, sorted and distinct.</summary>
    public static IReadOnlyList<string> CredentialNames(RingConfig config) =>
        [.. config.Connectors.Select(x => x.Credential).Distinct().Order(StringComparer.Ordinal)];
}
