using RingInfra.Core.Config;

namespace RingInfra.Core.Tenants;

/// <summary>One tenant's move in a wave run: the ring it had when the plan was made (its compare-and-set) and its target.</summary>
public sealed record TenantMoveSpec(string Tenant, string From, string To);

/// <summary>
/// Tenant waves (<c>ringctl tenant move</c>): the tenant list as the operator gives it, checked whole, and split into
/// waves that each cost one update of every ring they touch, whatever their size.
/// </summary>
public static class TenantWaves
{
    /// <summary>
    /// The tenants of <c>--tenants a,b</c> (split on commas) or <c>--from-file</c> (one per line; blank lines and
    /// <c>#</c> comments skipped): every bad name and every repeated one, at once, with where it was found.
    /// </summary>
    /// <param name="entries">The raw entries with where each came from (<c>--tenants</c>, <c>tenants.txt:12</c>).</param>
    public static (IReadOnlyList<string> Tenants, IReadOnlyList<string> Problems) ParseList(IEnumerable<(string Where, string Text)> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var tenants = new List<string>();
        var problems = new List<string>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (where, text) in entries)
        {
            var name = text.Trim();
            if (!Names.IsTenantName(name))
            {
                problems.Add($"{where}: '{name}' {Names.TenantNameRule}");
            }
            else if (seen.TryGetValue(name, out var first))
            {
                problems.Add($"{where}: {name} is listed twice (first at {first})");
            }
            else
            {
                seen[name] = where;
                tenants.Add(name);
            }
        }

        return (tenants, problems);
    }

    /// <summary>The entries of a tenant file: one per line, without blank lines and <c>#</c> comments, each with its line.</summary>
    public static IEnumerable<(string Where, string Text)> FileEntries(string name, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var hash = line.IndexOf('#', StringComparison.Ordinal);
            var content = (hash >= 0 ? line[..hash] : line).Trim();
            if (content.Length > 0)
            {
                yield return ($"{name}:{i + 1}", content);
            }
        }
    }

    /// <summary>The entries of <c>--tenants a,b,c</c>, each named by its position.</summary>
    public static IEnumerable<(string Where, string Text)> OptionEntries(string list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var items = list.Split(',');
        for (var i = 0; i < items.Length; i++)
        {
            yield return ($"--tenants (item {i + 1})", items[i]);
        }
    }

    /// <summary>The moves in waves of <paramref name="waveSize"/> (all in one wave when null), in the order given.</summary>
    public static IReadOnlyList<IReadOnlyList<TenantMoveSpec>> Split(IReadOnlyList<TenantMoveSpec> moves, int? waveSize)
    {
        ArgumentNullException.ThrowIfNull(moves);
        if (waveSize is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(waveSize), waveSize, "a wave holds at least one tenant");
        }

        return moves.Count == 0 ? [] : [.. moves.Chunk(waveSize ?? moves.Count).Select(c => (IReadOnlyList<TenantMoveSpec>)c)];
    }

    /// <summary>Every ring a wave (or a run) updates, in the order it updates them: <see cref="Rings"/>' targets, then its sources.</summary>
    public static IReadOnlyList<string> UpdateOrder(IEnumerable<TenantMoveSpec> moves)
    {
        var (targets, sources) = Rings(moves);
        return [.. targets, .. sources];
    }

    /// <summary>
    /// The waves of a plan still to run after the completed ones: a run numbers its waves from <paramref name="firstWave"/>
    /// and stops at its first failure, so everything after the highest completed number is left (a failed wave was put
    /// back and runs again). Returns them with the number the first of them keeps.
    /// </summary>
    public static (IReadOnlyList<IReadOnlyList<TenantMoveSpec>> Waves, int FirstWave) Remaining(
        IReadOnlyList<IReadOnlyList<TenantMoveSpec>> waves, int firstWave, IEnumerable<int> completed)
    {
        ArgumentNullException.ThrowIfNull(waves);
        var done = completed.DefaultIfEmpty(firstWave - 1).Max();
        return ([.. waves.Skip(done - firstWave + 1)], done + 1);
    }

    /// <summary>The rings a wave updates: those that receive tenants first, then those they leave (make before break).</summary>
    public static (IReadOnlyList<string> Targets, IReadOnlyList<string> Sources) Rings(IEnumerable<TenantMoveSpec> wave)
    {
        var moves = wave.ToList();
        var targets = moves.Select(m => m.To).Distinct().Order(StringComparer.Ordinal).ToList();
        return (targets, [.. moves.Select(m => m.From).Distinct().Where(r => !targets.Contains(r)).Order(StringComparer.Ordinal)]);
    }
}
