namespace RingCtl.Registry;

/// <summary>A row of <c>module_rings</c> (doc 000's data model, plus the held flag of a failed verification).</summary>
public sealed record RingRecord
{
    public long Id { get; init; }

    public string Name { get; init; } = "";

    public string DisplayName { get; init; } = "";

    public string Description { get; init; } = "";

    public string ManifestPath { get; init; } = "";

    public string K8sNamespace { get; init; } = "";

    public string K8sService { get; init; } = "";

    public string HostnameSegment { get; init; } = "";

    public int PromotionOrder { get; init; }

    public bool IsActive { get; init; }

    public bool IsDefault { get; init; }

    public bool Held { get; init; }

    public string? HeldReason { get; init; }

    public int TenantCount { get; init; }
}
