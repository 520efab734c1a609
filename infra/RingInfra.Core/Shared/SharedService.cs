namespace RingInfra.Core.Shared;

/// <summary>
/// One entry of the shared stack's service catalog: where the real pods are (namespace and pod labels,
/// which a NetworkPolicy can target), the Service's port (what aliases and URLs use) and the pods' own
/// port (what NetworkPolicies must name: they see traffic after the Service has translated it). Rings
/// outside the shared namespace reach it by short name through an ExternalName alias.
/// </summary>
public sealed record SharedService(string Name, string Namespace, int Port, IReadOnlyList<KeyValuePair<string, string>> PodLabels)
{
    /// <summary>The pods' port (the Service's <c>targetPort</c>); the Service port when they are the same.</summary>
    public int TargetPort { get; init; } = Port;

    /// <summary>The cluster's DNS domain (<c>cluster.local</c> unless the cluster was built otherwise).</summary>
    public string ClusterDomain { get; init; } = "cluster.local";

    /// <summary>
    /// The Pod Security level the service's pods pass (<c>restricted</c>, <c>baseline</c>, <c>privileged</c>), or
    /// null when the catalog does not say: the shared namespace's enforce label is checked against it.
    /// </summary>
    public string? PodSecurity { get; init; }

    /// <summary>A DNS name the catalog gives explicitly (the shared stack's exports carry the one it computed).</summary>
    public string? HostOverride { get; init; }

    /// <summary>Deployed by the shared stack (<c>services.&lt;name&gt;.managed</c>), not only catalogued; see <see cref="ManagedServiceKind"/>.</summary>
    public bool Managed { get; init; }

    /// <summary>A managed service's image (the kind's default for redis, minio and meilisearch; required for the others).</summary>
    public string? Image { get; init; }

    /// <summary>A managed stateless service's replicas (stateful ones run one pod on their volume).</summary>
    public int Replicas { get; init; } = 2;

    /// <summary>A managed stateful service's volume size.</summary>
    public string StorageSize { get; init; } = "10Gi";

    /// <summary>A managed stateful service's storage class; null: the cluster's default.</summary>
    public string? StorageClass { get; init; }

    /// <summary>The in-cluster DNS name an ExternalName alias points at.</summary>
    public string Host => HostOverride ?? $"{Name}.{Namespace}.svc.{ClusterDomain}";
}
