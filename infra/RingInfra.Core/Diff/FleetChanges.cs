using RingInfra.Core.Config;
using RingInfra.Core.Fleet;
using RingInfra.Core.Locks;
using RingInfra.Core.Rendering;

namespace RingInfra.Core.Diff;

/// <summary>
/// A fleet as an operation leaves it (a tenant moved, a module promoted), and what that changes in the
/// rendered objects: what dry runs show and what the change-set minimality rules are checked against.
/// </summary>
public static class FleetChanges
{
    /// <summary>The fleet with <paramref name="tenant"/> pinned to <paramref name="to"/> instead of <paramref name="from"/>.</summary>
    public static RingFleet MoveTenant(RingFleet fleet, string tenant, string from, string to) => MoveTenants(fleet, [new(tenant, from, to)]);

    /// <summary>The fleet with every move applied (a wave, or a whole run): each tenant leaves its ring and is pinned to its target.</summary>
    public static RingFleet MoveTenants(RingFleet fleet, IReadOnlyCollection<Tenants.TenantMoveSpec> moves)
    {
        var leaving = moves.ToLookup(m => m.From, m => m.Tenant);
        var arriving = moves.ToLookup(m => m.To, m => m.Tenant);
        // A tenant's home region goes with it (the registry keeps it per tenant).
        var homes = fleet.Rings.SelectMany(r => r.Config.TenantRegions).GroupBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);
        return fleet with
        {
            Rings = [.. fleet.Rings.Select(r =>
            {
                if (!leaving.Contains(r.Name) && !arriving.Contains(r.Name))
                {
                    return r;
                }

                var gone = leaving[r.Name].ToHashSet(StringComparer.Ordinal);
                var kept = r.Config.Tenants.Where(t => !gone.Contains(t));
                return r with
                {
                    Config = r.Config with
                    {
                        Tenants = arriving.Contains(r.Name) ? [.. kept.Concat(arriving[r.Name]).Distinct().Order(StringComparer.Ordinal)] : [.. kept],
                        TenantRegions = new SortedDictionary<string, string>(
                            r.Config.TenantRegions.Where(kv => !gone.Contains(kv.Key))
                                .Concat(arriving[r.Name].Where(homes.ContainsKey).Select(t => new KeyValuePair<string, string>(t, homes[t])))
                                .GroupBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal), StringComparer.Ordinal),
                    },
                };
            })],
        };
    }

    /// <summary>The fleet with <paramref name="ring"/> as the default ring (and no other).</summary>
    public static RingFleet SetDefault(RingFleet fleet, string ring) => fleet with
    {
        Rings = [.. fleet.Rings.Select(r => r with { Config = r.Config with { IsDefault = r.Name == ring } })],
    };

    /// <summary>The fleet with <paramref name="tenant"/> added to <paramref name="ring"/>, or removed from every ring when <paramref name="ring"/> is null.</summary>
    public static RingFleet SetTenant(RingFleet fleet, string tenant, string? ring) => fleet with
    {
        Rings = [.. fleet.Rings.Select(r => r with
        {
            Config = r.Config with
            {
                Tenants = r.Name == ring ? [.. r.Config.Tenants.Append(tenant).Distinct().Order(StringComparer.Ordinal)] : [.. r.Config.Tenants.Where(t => t != tenant)],
            },
        })],
    };

    /// <summary>The fleet with <paramref name="module"/> set in <paramref name="ring"/>'s lock.</summary>
    public static RingFleet Promote(RingFleet fleet, string ring, LockedModule module) => Promote(fleet, ring, module, upgrade: []);

    /// <summary>
    /// A promotion whose new lock also upgrades <paramref name="upgrade"/> (the aliases no ring upgraded to this version
    /// yet): the ring's <c>upgrade</c> entry names them for the new lock, so it renders the module upgrade Job.
    /// </summary>
    public static RingFleet Promote(RingFleet fleet, string ring, LockedModule module, IReadOnlyList<string> upgrade) => fleet with
    {
        Rings = [.. fleet.Rings.Select(r => r.Name != ring ? r : With(r, r.Lock.With(module), upgrade))],
    };

    private static RingDefinition With(RingDefinition r, Locks.ModuleLock next, IReadOnlyList<string> upgrade) => r with
    {
        Lock = next,
        Config = upgrade.Count == 0 ? r.Config : r.Config with { Upgrade = new ModuleUpgrade(next.Hash, upgrade) },
    };

    /// <summary>
    /// The object changes between two fleets' renders, over every ring or only the named ones. Objects of a cluster of a
    /// ring with clusters are compared within that cluster and named by it: <c>cluster eu-1: Ingress autocom-edge/ring</c>.
    /// </summary>
    public static IReadOnlyList<ObjectChange> Compare(RingFleet before, RingFleet after, IReadOnlyCollection<string>? rings = null)
    {
        IEnumerable<RenderedRing> Of(RingFleet fleet) => fleet.Rings
            .Where(r => rings is null || rings.Contains(r.Name))
            .SelectMany(r => RingRenderer.RenderClusters(r, fleet));
        return Compare(Of(before), Of(after));
    }

    /// <summary>The object changes between two sets of renders, compared cluster by cluster (a named cluster's ids carry its name).</summary>
    public static IReadOnlyList<ObjectChange> Compare(IEnumerable<RenderedRing> before, IEnumerable<RenderedRing> after)
    {
        static ILookup<string, Kube.KubeObject> Objects(IEnumerable<RenderedRing> renders) => renders
            .SelectMany(r => r.Objects.Select(o => (Cluster: r.Cluster.Name, Object: o)))
            .ToLookup(x => x.Cluster, x => x.Object, StringComparer.Ordinal);
        var (old, now) = (Objects(before), Objects(after));
        return [.. old.Select(g => g.Key).Union(now.Select(g => g.Key), StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .SelectMany(cluster => ObjectDiff.Compare(old[cluster], now[cluster]).Select(c => cluster.Length == 0 ? c : c with { Id = $"cluster {cluster}: {c.Id}" }))];
    }

    /// <summary>The fleet with <paramref name="tenant"/>'s home region set to <paramref name="region"/> (null: no home) in the ring that pins it.</summary>
    public static RingFleet SetHomeRegion(RingFleet fleet, string tenant, string? region) => fleet with
    {
        Rings = [.. fleet.Rings.Select(r => !r.Config.Tenants.Contains(tenant, StringComparer.Ordinal) ? r : r with
        {
            Config = r.Config with
            {
                TenantRegions = region is null
                    ? new SortedDictionary<string, string>(r.Config.TenantRegions.Where(kv => kv.Key != tenant).ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal)
                    : new SortedDictionary<string, string>(r.Config.TenantRegions.ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal) { [tenant] = region },
            },
        })],
    };
}
