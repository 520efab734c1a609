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

    /// <summary>The clusters of <paramref name="ring"/> whose Ingress lists a pinned tenant homed in <paramref name="homeRegion"/>.</summary>
    public static IReadOnlyList<ClusterSpec> Serving(RingConfig ring, string? homeRegion) =>
        [.. ring.Clusters.Where(c => c.Serves(homeRegion))];
}
