using RingInfra.Core.Rendering;

namespace RingInfra.Core.Policies;

/// <summary>
/// Doc 004: a tenant is served only in its home region. A ring that pins a tenant homed in a region where it has no
/// cluster would serve it nowhere (or outside its region): every change that leaves a fleet so — a move, a wave, a
/// revert, a resume — is refused by the policy gate, whichever command made it. Judged once per ring (on its first cluster).
/// </summary>
public static class HomeRegionPolicy
{
    public const string Rule = "home-region";

    public static IEnumerable<Violation> Check(RenderedRing ring)
    {
        ArgumentNullException.ThrowIfNull(ring);
        if (ring.Cluster != ring.Config.Clusters[0])
        {
            yield break;
        }

        var id = ring.Find("Ingress", "ring")?.Id ?? $"ring {ring.Ring}";
        foreach (var (tenant, home) in ring.Config.TenantRegions)
        {
            if (!ring.Config.ServesRegion(home))
            {
                yield return new Violation(id, $"tenantRegions.{tenant}", home, Rule,
                    $"must be a region ring '{ring.Ring}' has a cluster in ({string.Join(", ", ring.Config.Regions)}): tenant {tenant} is served only in its home region");
            }
        }
    }
}
