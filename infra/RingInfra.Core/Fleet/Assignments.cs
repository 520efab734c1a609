namespace RingInfra.Core.Fleet;

/// <summary>What the registry holds for a ring: its tenants, whether it is the default, whether it is active.</summary>
public sealed record RingAssignment(IReadOnlyList<string> Tenants, bool IsDefault, bool Active)
{
    /// <summary>The home regions of the ring's tenants that have one (tenant → region; doc 004).</summary>
    public IReadOnlyDictionary<string, string> Regions { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
}

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
            ? r with { Config = r.Config with { Tenants = [.. a.Tenants.Order(StringComparer.Ordinal)], TenantRegions = Regions(a), IsDefault = a.IsDefault, Active = a.Active } }
            : r)];
    }

    /// <summary>The home regions of the ring's pinned tenants, sorted (what <c>tenantRegions</c> says).</summary>
    private static SortedDictionary<string, string> Regions(RingAssignment a) =>
        new(a.Regions.Where(kv => a.Tenants.Contains(kv.Key, StringComparer.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>
    /// What a ring's stack file must be told so that it says what the registry holds: each differing key
    /// (<c>tenants</c>, <c>default</c>, <c>active</c>) with its value as JSON text, nothing when they agree
    /// (a tenant list in another order agrees).
    /// </summary>
    public static IReadOnlyList<(string Key, string Json)> Writes(RingAssignment file, RingAssignment registry)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(registry);
        var writes = new List<(string, string)>();
        if (!file.Tenants.ToHashSet(StringComparer.Ordinal).SetEquals(registry.Tenants))
        {
            writes.Add((Config.ConfigKeys.Tenants, System.Text.Json.JsonSerializer.Serialize(registry.Tenants.Order(StringComparer.Ordinal).ToArray())));
        }

        var (fileRegions, registryRegions) = (Regions(file), Regions(registry));
        if (!fileRegions.SequenceEqual(registryRegions))
        {
            writes.Add((Config.ConfigKeys.TenantRegions, System.Text.Json.JsonSerializer.Serialize(registryRegions)));
        }

        if (file.IsDefault != registry.IsDefault)
        {
            writes.Add((Config.ConfigKeys.Default, registry.IsDefault ? "true" : "false"));
        }

        if (file.Active != registry.Active)
        {
            writes.Add((Config.ConfigKeys.Active, registry.Active ? "true" : "false"));
        }

        return writes;
    }

    /// <summary>
    /// Where a ring's stack file disagrees with the registry: one line per key (<c>tenants</c>, <c>default</c>,
    /// <c>active</c>) saying what the file has and what the registry holds. Empty when they agree.
    /// </summary>
    public static IReadOnlyList<string> Drift(string ring, RingAssignment file, RingAssignment registry) =>
        [.. Writes(file, registry).Select(w => w.Key switch
        {
            Config.ConfigKeys.Tenants => TenantDrift(ring, file.Tenants, registry.Tenants),
            Config.ConfigKeys.TenantRegions => $"Pulumi.{ring}.yaml tenantRegions {System.Text.Json.JsonSerializer.Serialize(Regions(file))}, the registry {w.Json}",
            Config.ConfigKeys.Default => $"Pulumi.{ring}.yaml default {(file.IsDefault ? "true" : "false")}, the registry {w.Json}",
            _ => $"Pulumi.{ring}.yaml active {(file.Active ? "true" : "false")}, the registry {w.Json}",
        })];

    private static string TenantDrift(string ring, IReadOnlyList<string> file, IReadOnlyList<string> registry)
    {
        var extra = file.Except(registry, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var missing = registry.Except(file, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return $"Pulumi.{ring}.yaml tenants [{string.Join(", ", file.Order(StringComparer.Ordinal))}], the registry [{string.Join(", ", registry.Order(StringComparer.Ordinal))}]"
            + (extra.Count > 0 ? $"; not in this ring: {string.Join(", ", extra)}" : "") + (missing.Count > 0 ? $"; missing: {string.Join(", ", missing)}" : "");
    }
}
