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

    /// <summary>
    /// <paramref name="text"/> (a metric gate's query, an <c>--url</c>) for this cluster: <c>$cluster</c> and <c>$region</c>
    /// replaced. The unnamed cluster replaces nothing.
    /// </summary>
    public string Substitute(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return IsUnnamed ? text : text.Replace("$cluster", Name, StringComparison.Ordinal).Replace("$region", Region ?? "", StringComparison.Ordinal);
    }

    /// <summary>
    /// The base URL this cluster is verified through: <paramref name="template"/> (<c>--url</c>) substituted, else the cluster's
    /// <see cref="Url"/>; null when neither is known. The unnamed cluster: the template as given.
    /// </summary>
    public string? AddressFrom(string? template) => template is not null ? Substitute(template) : IsUnnamed ? null : Url;

    /// <summary>Whether one <c>--url</c> gives each of <paramref name="clusters"/> its own address (it names <c>$cluster</c> or <c>$region</c>, or there is one cluster).</summary>
    public static bool TellsApart(string template, IReadOnlyList<ClusterSpec> clusters)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(clusters);
        return clusters.Count <= 1 || template.Contains("$cluster", StringComparison.Ordinal) || template.Contains("$region", StringComparison.Ordinal);
    }

    /// <summary>Whether this cluster serves a tenant homed in <paramref name="homeRegion"/> (null: every region serves it).</summary>
    public bool Serves(string? homeRegion) => homeRegion is null || Region is null || Region == homeRegion;
}
