namespace RingInfra.Core.Config;

/// <summary>
/// How the ring program names each cluster's resources, and so the URNs ringctl targets to update one cluster at a
/// time (<c>pulumi up --target … --target-dependents</c>). A ring without clusters keeps the names it always had
/// (<c>kubernetes</c>, <c>namespace</c>, <c>secrets</c>, <c>manifests</c>): its URNs, and so its resources, do not change.
/// </summary>
public static class ClusterResources
{
    /// <summary>The component and resource types the ring program registers per cluster.</summary>
    public const string ProviderType = "pulumi:providers:kubernetes";
    public const string NamespaceType = "kubernetes:core/v1:Namespace";
    public const string SecretsType = "ringinfra:ring:Secrets";
    public const string ManifestsType = "ringinfra:ring:Manifests";

    /// <summary>The Kubernetes provider of a cluster: <c>kubernetes</c>, or <c>kubernetes-eu-1</c>.</summary>
    public static string Provider(ClusterSpec cluster) => cluster.IsUnnamed ? "kubernetes" : $"kubernetes-{cluster.Name}";

    /// <summary>A per-cluster resource's name: <c>namespace</c>, or <c>eu-1-namespace</c>.</summary>
    public static string Name(ClusterSpec cluster, string what) => cluster.IsUnnamed ? what : $"{cluster.Name}-{what}";

    /// <summary>
    /// The StackReference a cluster reads its region's shared stack through: <c>shared-stack</c> when the ring names one
    /// shared stack, <c>shared-stack-eu</c> per region when <c>sharedStack</c> is a map.
    /// </summary>
    public static string SharedReference(RingConfig ring, ClusterSpec cluster) =>
        ring.SharedStacks.Count == 0 || cluster.Region is null ? "shared-stack" : $"shared-stack-{cluster.Region}";

    /// <summary>
    /// What a targeted update of one cluster names: its provider and its top-level resources. With <c>--target-dependents</c>
    /// the engine adds every resource whose provider, parent or dependency is targeted (pulumi/pulumi
    /// <c>stepGenerator.isTargetedForUpdate</c>): the Secrets, the ConfigGroup and its objects, the upgrade Job — and nothing
    /// of another cluster, which shares none of them. The region's StackReference is not named: reads run in every update,
    /// targeted or not (<c>GenerateReadSteps</c> checks no target), and naming it would pull in the other clusters of its region.
    /// Every URN named exists in the program (the engine's <c>checkTargets</c> refuses a target neither in the state nor
    /// registered by the run): no Namespace for a ring in the shared namespace.
    /// </summary>
    public static IReadOnlyList<string> Targets(string project, string stack, RingConfig ring, ClusterSpec cluster)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(cluster);
        string Urn(string type, string name) => $"urn:pulumi:{stack}::{project}::{type}::{name}";
        return
        [
            Urn(ProviderType, Provider(cluster)),
            .. ring.InSharedNamespace ? Array.Empty<string>() : [Urn(NamespaceType, Name(cluster, "namespace"))],
            Urn(SecretsType, Name(cluster, "secrets")),
            Urn(ManifestsType, Name(cluster, "manifests")),
        ];
    }
}
