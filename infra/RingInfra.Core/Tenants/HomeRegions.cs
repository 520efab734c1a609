using RingInfra.Core.Config;

namespace RingInfra.Core.Tenants;

/// <summary>
/// Tenants and regions (doc 004): a tenant may be homed in a region; a ring serves it only where it has a cluster in
/// that region. A tenant with no home is served by every region of its ring; a ring without clusters serves every region.
/// </summary>
public static class HomeRegions
{
    /// <summary>The rule a home region breaks when no cluster of the ring is in it.</summary>
    public static string NotServed(IReadOnlyList<ClusterSpec> clusters) =>
        $"must be a region the ring has a cluster in ({string.Join(", ", clusters.Select(c => c.Region).OfType<string>().Distinct(StringComparer.Ordinal))}): a tenant is served only in its home region";

    /// <summary>
    /// Why <paramref name="tenant"/>, homed in <paramref name="homeRegion"/>, cannot be pinned to <paramref name="ring"/>; null when it can.
    /// </summary>
    public static string? RefuseMove(RingConfig ring, string tenant, string? homeRegion)
    {
        ArgumentNullException.ThrowIfNull(ring);
        return ring.ServesRegion(homeRegion) ? null
            : $"tenant {tenant} is homed in region {homeRegion}, and ring {ring.Name} has no cluster in region {homeRegion} (its regions: {string.Join(", ", ring.Regions)}): a tenant is served only in its home region";
    }

    /// <summary>
    /// Why <paramref name="region"/> cannot be a home region in <paramref name="fleet"/>: it is in no ring's clusters while some
    /// ring has clusters (a typo would otherwise pass for a tenant of a ring without clusters, which serves every region); null when it can.
    /// </summary>
    public static string? RefuseUnknown(Fleet.RingFleet fleet, string region)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        var known = fleet.Rings.SelectMany(r => r.Config.Regions).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return known.Count == 0 || known.Contains(region) ? null : $"'{region}' is not a region of any ring's clusters (known: {string.Join(", ", known)})";
    }

    /// <summary>The clusters of <paramref name="ring"/> whose Ingress lists a pinned tenant homed in <paramref name="homeRegion"/>.</summary>
    public static IReadOnlyList<ClusterSpec> Serving(RingConfig ring, string? homeRegion) =>
        [.. ring.Clusters.Where(c => c.Serves(homeRegion))];
}
