using RingInfra.Core.Config;
using RingInfra.Core.Kube;

namespace RingInfra.Core.Rendering;

/// <summary>
/// A ring's desired state: every Kubernetes object (Secrets with keys only), the Secret specs the
/// stack fills from the shared stack, and the values the ring stack exports.
/// </summary>
public sealed record RenderedRing
{
    public required RingConfig Config { get; init; }

    public required IReadOnlyList<KubeObject> Objects { get; init; }

    public required IReadOnlyList<SecretSpec> Secrets { get; init; }

    public required IReadOnlyList<string> Hostnames { get; init; }

    public required string LockHash { get; init; }

    public required int ModuleCount { get; init; }

    public required string SecretsRevision { get; init; }

    public required IReadOnlyDictionary<WorkloadKind, ResolvedWorkload> Workloads { get; init; }

    public string Ring => Config.Name;

    /// <summary>The cluster this render is for (the unnamed one for a ring without clusters).</summary>
    public ClusterSpec Cluster => Config.Cluster;

    /// <summary>How messages name the render: <c>edge</c>, or <c>edge in cluster eu-1 (region eu)</c>.</summary>
    public string Where => Cluster.IsUnnamed ? Ring : $"{Ring} in {Cluster.Describe()}";

    public string Namespace => Config.Namespace;

    public IReadOnlyList<string> Tenants => Config.Tenants;

    /// <summary>The objects Pulumi applies as plain manifests: everything except Secrets (typed, with secret values).</summary>
    public IEnumerable<KubeObject> NonSecretObjects => Objects.Where(o => o.Kind != "Secret");

    public KubeObject? Find(string kind, string name) => Objects.FirstOrDefault(o => o.Kind == kind && o.Name == name);
}
