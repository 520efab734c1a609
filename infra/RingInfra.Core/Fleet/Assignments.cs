namespace RingInfra.Core.Fleet;

/// <summary>What the registry holds for a ring: its tenants, whether it is the default, whether it is active.</summary>
public sealed record RingAssignment(IReadOnlyList<string> Tenants, bool IsDefault, bool Active);

/// <summary>
/// The registry is the one source of truth for which ring serves which tenant, which ring is the default and
/// which are active (doc 000's <c>tenants.module_ring_id</c>). The stack files carry a copy that ringctl
/// writes before every stack update; this is the fleet as an update deploys it: the files' rings, with
/// the registry's assignment in place of the copy.
/// </summary>
public static class Assignments
{
    /// <summary>The fleet with each registered ring's tenants, default flag and active flag from <paramref name="registry"/>.</summary>
    public static RingFleet Apply(RingFleet fleet, IReadOnlyDictionary<string, RingAssignment> registry)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        return fleet with { Rings = Apply(fleet.Rings, registry) };
    }

    /// <summary>Each registered ring with the registry's tenants, default and active flags; others as they are.</summary>
    public static IReadOnlyList<RingDefinition> Apply(IEnumerable<RingDefinition> rings, IReadOnlyDictionary<string, RingAssignment> registry)
    {
        ArgumentNullException.ThrowIfNull(rings);
        ArgumentNullException.ThrowIfNull(registry);
        return [.. rings.Select(r => registry.TryGetValue(r.Name, out var a)
            ? r with { Config = r.Config with { Tenants = [.. a.Tenants.Order(StringComparer.Ordinal)], IsDefault = a.IsDefault, Active = a.Active } }
            : r)];
    }

    /// <summary>
    /// Where a ring's stack file disagrees with the registry: one line per key (<c>tenants</c>, <c>default</c>,
    /// <c>active</c>) saying what the file has and what the registry holds. Empty when they agree.
    /// </summary>
    public static IReadOnlyList<string> Drift(string ring, IReadOnlyList<string> fileTenants, bool fileDefault, bool fileActive, RingAssignment registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var drift = new List<string>();
        var file = fileTenants.ToHashSet(StringComparer.Ordinal);
        if (!file.SetEquals(registry.Tenants))
        {
            var extra = file.Except(registry.Tenants).Order(StringComparer.Ordinal).ToList();
            var missing = registry.Tenants.Except(file).Order(StringComparer.Ordinal).ToList();
            drift.Add($"Pulumi.{ring}.yaml tenants [{string.Join(", ", fileTenants.Order(StringComparer.Ordinal))}], the registry [{string.Join(", ", registry.Tenants.Order(StringComparer.Ordinal))}]"
                + (extra.Count > 0 ? $"; not in this ring: {string.Join(", ", extra)}" : "") + (missing.Count > 0 ? $"; missing: {string.Join(", ", missing)}" : ""));
        }

        if (fileDefault != registry.IsDefault)
        {
            drift.Add($"Pulumi.{ring}.yaml default {(fileDefault ? "true" : "false")}, the registry {(registry.IsDefault ? "true" : "false")}");
        }

        if (fileActive != registry.Active)
        {
            drift.Add($"Pulumi.{ring}.yaml active {(fileActive ? "true" : "false")}, the registry {(registry.Active ? "true" : "false")}");
        }

        return drift;
    }
}
