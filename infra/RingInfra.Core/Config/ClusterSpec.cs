namespace RingInfra.Core.Config;

/// <summary>
/// One cluster a ring runs in (doc 003: a ring is a set of clusters in one or more regions): its name (a DNS label,
/// unique within the ring), its kubeconfig context (null: render YAML to <c>out/&lt;ring&gt;/&lt;cluster&gt;/</c>), its
/// region (which shared stack it reads and which tenants it serves) and, optionally, the base URL ringctl verifies
/// it through (<c>/api/health</c>). A ring without <c>clusters</c> has one unnamed cluster: today's single target.
/// </summary>
public sealed record ClusterSpec(string Name, string? Context, string? Region, string? Url = null)
{
    /// <summary>The one cluster of a ring that declares none (no name, no region: every region's tenants, the plain shared stack).</summary>
    public static ClusterSpec Unnamed { get; } = new("", null, null);

    public bool IsUnnamed => Name.Length == 0;

    /// <summary>How messages name it: <c>cluster eu-1 (region eu)</c>; empty for the unnamed one.</summary>
    public string Describe() => IsUnnamed ? "" : Region is null ? $"cluster {Name}" : $"cluster {Name} (region {Region})";

    /// <summary>Whether this cluster serves a tenant homed in <paramref name="homeRegion"/> (null: every region serves it).</summary>
    public bool Serves(string? homeRegion) => homeRegion is null || Region is null || Region == homeRegion;
}
