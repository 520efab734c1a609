using Pulumi;

namespace RingInfra.RingProgram;

/// <summary>
/// The options every Kubernetes resource and remote component is created with: the provider is always
/// passed explicitly. The .NET SDK hands a parent's providers to custom resources but not to remote
/// components such as <c>kubernetes:yaml/v2:ConfigGroup</c> (pulumi-dotnet#599), and default Kubernetes
/// providers are disabled in both projects, so a miss fails loudly instead of reaching another cluster.
/// </summary>
internal static class KubeOptions
{
    /// <summary>A Kubernetes custom resource (Namespace, Secret, …).</summary>
    public static CustomResourceOptions Resource(ProviderResource provider, Resource? parent = null) =>
        new() { Provider = provider, Parent = parent };

    /// <summary>A remote Kubernetes component (ConfigGroup): the provider in its own <c>Providers</c>.</summary>
    public static ComponentResourceOptions Remote(ProviderResource provider, Resource? parent = null, params Resource[] dependsOn) =>
        new() { Providers = { provider }, Parent = parent, DependsOn = dependsOn };
}
