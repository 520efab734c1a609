using System.Globalization;
using RingInfra.Core.Config;
using RingInfra.Core.Fleet;

namespace RingInfra.Core.Diff;

/// <summary>One difference between two rings: what (a module, an env var, a flag, a workload setting), and each side's value (null: absent).</summary>
public sealed record RingDifference(string Section, string Key, string? Left, string? Right);

/// <summary>
/// <c>ringctl ring diff A B</c> (issue 17, doc 003's cross-ring comparison): the modules whose version or artifact
/// differ, the env vars and feature flags that differ, and the workload settings that differ — in that order, each
/// section sorted. Env values are config, never secrets (validation refuses secret-looking names in ring files).
/// </summary>
public static class RingDiff
{
    public static IReadOnlyList<RingDifference> Compare(RingDefinition left, RingDefinition right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var found = new List<RingDifference>();
        foreach (var alias in left.Lock.Modules.Select(m => m.Alias).Union(right.Lock.Modules.Select(m => m.Alias)).Order(StringComparer.Ordinal))
        {
            var (l, r) = (left.Lock.Find(alias), right.Lock.Find(alias));
            if (l?.Version.Equals(r?.Version) != true || l?.Artifact != r?.Artifact)
            {
                found.Add(new("module", alias, l is null ? null : $"{l.Version} ({l.Artifact})", r is null ? null : $"{r.Version} ({r.Artifact})"));
            }
        }

        found.AddRange(Maps("env", left.Config.Env, right.Config.Env));
        found.AddRange(Maps("featureFlag", Flags(left.Config), Flags(right.Config)));
        found.AddRange(Maps("workload", Workloads(left.Config), Workloads(right.Config)));
        return found;
    }

    private static IEnumerable<KeyValuePair<string, string>> Flags(RingConfig c) =>
        c.FeatureFlags.Select(f => new KeyValuePair<string, string>(f.Key, f.Value ? "true" : "false"));

    private static IEnumerable<KeyValuePair<string, string>> Workloads(RingConfig c) => c.Workloads.OrderBy(w => w.Key).SelectMany(w =>
    {
        var name = w.Key.ToString().ToLowerInvariant();
        var s = w.Value;
        return new KeyValuePair<string, string>[]
        {
            new($"{name}.replicas", s.Replicas.ToString(CultureInfo.InvariantCulture)),
            new($"{name}.maxReplicas", s.MaxReplicas?.ToString(CultureInfo.InvariantCulture) ?? "none"),
            new($"{name}.cpu", Quantity.FormatCpu(s.CpuMillis)),
            new($"{name}.memory", Quantity.FormatMemory(s.MemoryBytes)),
            new($"{name}.timeoutSeconds", s.TimeoutSeconds.ToString(CultureInfo.InvariantCulture)),
        };
    });

    private static IEnumerable<RingDifference> Maps(string section, IEnumerable<KeyValuePair<string, string>> left, IEnumerable<KeyValuePair<string, string>> right)
    {
        var l = left.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var r = right.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        foreach (var key in l.Keys.Union(r.Keys).Order(StringComparer.Ordinal))
        {
            var (a, b) = (l.GetValueOrDefault(key), r.GetValueOrDefault(key));
            if (a != b)
            {
                yield return new RingDifference(section, key, a, b);
            }
        }
    }
}
