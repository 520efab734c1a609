using RingInfra.Core.Fleet;

namespace RingInfra.Core.Preview;

/// <summary>
/// Which ring stacks a change touches, from the paths it changes: a ring's stack file or lock → that
/// ring; <c>infra/</c>, <c>Pulumi.yaml</c> or the shared stack → every ring; anything else (docs, the
/// tool, tests, CI files) → none.
/// </summary>
public static class AffectedRings
{
    public sealed record Result(IReadOnlyList<string> Rings, bool All, IReadOnlyList<string> Reasons)
    {
        /// <summary>The shared stack is affected too: its own files (<c>stacks/shared/</c>) or the programs and Core (<c>infra/</c>).</summary>
        public bool Shared { get; init; }
    }

    /// <param name="changedPaths">Repository-relative paths changed between the two revisions.</param>
    /// <param name="knownRings">Every ring that exists at either revision.</param>
    public static Result From(IEnumerable<string> changedPaths, IEnumerable<string> knownRings)
    {
        var rings = new SortedSet<string>(StringComparer.Ordinal);
        var reasons = new List<string>();
        var all = false;
        var shared = false;
        foreach (var path in changedPaths.Select(p => p.Replace('\\', '/')).Distinct())
        {
            if (path == FleetLoader.ProjectFile || path.StartsWith("infra/", StringComparison.Ordinal) || path.StartsWith("stacks/shared/", StringComparison.Ordinal))
            {
                all = true;
                shared |= path != FleetLoader.ProjectFile;
                reasons.Add($"{path}: every ring");
            }
            else if (!path.Contains('/', StringComparison.Ordinal) && FleetLoader.IsRingFile(path))
            {
                var ring = path["Pulumi.".Length..^".yaml".Length];
                rings.Add(ring);
                reasons.Add($"{path}: {ring}");
            }
            else if (path.StartsWith("stacks/locks/", StringComparison.Ordinal) && path.EndsWith(".lock.json", StringComparison.Ordinal) && path.Count(c => c == '/') == 2)
            {
                var ring = path["stacks/locks/".Length..^".lock.json".Length];
                rings.Add(ring);
                reasons.Add($"{path}: {ring}");
            }
        }

        if (all)
        {
            rings.UnionWith(knownRings);
        }

        return new Result([.. rings], all, reasons) { Shared = shared };
    }
}
