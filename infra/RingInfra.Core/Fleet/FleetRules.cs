using System.Globalization;
using RingInfra.Core.Config;
using RingInfra.Core.Shared;

namespace RingInfra.Core.Fleet;

/// <summary>
/// Rules that only hold across rings: exactly one default ring; unique promotion order, hostname
/// segment and namespace; every tenant pinned to exactly one active ring; at most one ring in the
/// shared namespace.
/// </summary>
public static class FleetRules
{
    /// <param name="rings">The rings.</param>
    /// <param name="shared">The shared stack's facts.</param>
    /// <param name="problems">Where problems go.</param>
    /// <param name="tenants">
    /// Whether the tenant rules run: false where the files' tenant lists are only a copy about to be replaced by
    /// the registry's (a changing command's input check), so that a stale copy cannot block the command that fixes it.
    /// </param>
    public static void Check(IReadOnlyList<RingDefinition> rings, SharedFacts? shared, List<ConfigProblem> problems, bool tenants = true)
    {
        if (rings.Count == 0)
        {
            problems.Add(new ConfigProblem("fleet", "Pulumi.<ring>.yaml", "no ring files", "must have at least one ring stack file"));
            return;
        }

        var defaults = rings.Where(r => r.Config.IsDefault).Select(r => r.Name).ToList();
        if (defaults.Count != 1)
        {
            problems.Add(new ConfigProblem("fleet", ConfigKeys.Default, defaults.Count == 0 ? "no default ring" : string.Join(", ", defaults), "must be true for exactly one ring"));
        }

        Unique(rings, r => r.Config.PromotionOrder.ToString(CultureInfo.InvariantCulture), ConfigKeys.PromotionOrder, problems);
        Unique(rings, r => r.Config.HostnameSegment, ConfigKeys.HostnameSegment, problems);
        Unique(rings, r => r.Config.Namespace, ConfigKeys.Namespace, problems);

        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var ring in tenants ? rings : [])
        {
            foreach (var tenant in ring.Config.Tenants)
            {
                if (owner.TryGetValue(tenant, out var other))
                {
                    problems.Add(new ConfigProblem($"ring '{ring.Name}'", ConfigKeys.Tenants, tenant, $"must not list a tenant already pinned to ring '{other}' (a tenant is in exactly one ring)"));
                }
                else
                {
                    owner[tenant] = ring.Name;
                }

                if (!ring.Config.Active)
                {
                    problems.Add(new ConfigProblem($"ring '{ring.Name}'", ConfigKeys.Tenants, tenant, "must be empty while the ring is inactive (tenants are only served by active rings)"));
                }

                if (ring.Config.TenantRegions.TryGetValue(tenant, out var home) && !ring.Config.ServesRegion(home))
                {
                    problems.Add(new ConfigProblem($"ring '{ring.Name}'", $"{ConfigKeys.TenantRegions}.{tenant}", home, Tenants.HomeRegions.NotServed(ring.Config.Clusters)));
                }
            }
        }

        // A failing ring's onFailure.rollback names rings upstream of it (less conservative: a higher order) that ran the version first.
        foreach (var ring in rings)
        {
            foreach (var other in ring.Config.Gates.OnFailureRollback)
            {
                var target = rings.FirstOrDefault(r => r.Name == other);
                if (target is null)
                {
                    problems.Add(new ConfigProblem($"ring '{ring.Name}'", $"{ConfigKeys.Gates}.onFailure.rollback", other, $"must name a ring of this repository (known: {string.Join(", ", rings.Select(r => r.Name))})"));
                }
                else if (target.Config.PromotionOrder <= ring.Config.PromotionOrder)
                {
                    problems.Add(new ConfigProblem($"ring '{ring.Name}'", $"{ConfigKeys.Gates}.onFailure.rollback", other,
                        $"must be upstream of {ring.Name} (a higher promotion order than {ring.Config.PromotionOrder}; {other} has {target.Config.PromotionOrder})"));
                }
            }
        }

        if (shared is not null)
        {
            foreach (var ring in rings.Where(r => r.Config.SharedNamespace != shared.Namespace))
            {
                problems.Add(new ConfigProblem($"ring '{ring.Name}'", ConfigKeys.SharedNamespace, ring.Config.SharedNamespace, $"must match the shared stack's namespace '{shared.Namespace}'"));
            }
        }
    }

    private static void Unique(IReadOnlyList<RingDefinition> rings, Func<RingDefinition, string> key, string name, List<ConfigProblem> problems)
    {
        foreach (var group in rings.GroupBy(key).Where(g => g.Count() > 1))
        {
            var first = group.First();
            foreach (var dup in group.Skip(1))
            {
                problems.Add(new ConfigProblem($"ring '{dup.Name}'", name, group.Key, $"must be unique across rings (ring '{first.Name}' uses it too)"));
            }
        }
    }
}
