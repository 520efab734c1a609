namespace RingInfra.Core.Locks;

/// <summary>
/// When each module's current version entered a ring's lock, from the lock's history (oldest first): the
/// bake clock of a registry seeded from the files starts at the commit that put the version there, not at
/// the seeding. A version that changed and came back counts from its return; a module whose current
/// version no commit carries (an uncommitted edit) has no time.
/// </summary>
public static class LockHistory
{
    /// <param name="history">The lock at each commit that touched it, oldest first (null where it did not parse or did not exist).</param>
    /// <param name="current">The lock as the registry is seeded from it.</param>
    public static IReadOnlyDictionary<string, DateTimeOffset> Landings(IEnumerable<(DateTimeOffset Time, ModuleLock? Lock)> history, ModuleLock current)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(current);
        var since = new Dictionary<string, (SemanticVersion Version, DateTimeOffset Time)>(StringComparer.Ordinal);
        foreach (var (time, lockAt) in history)
        {
            var present = new HashSet<string>(StringComparer.Ordinal);
            foreach (var m in lockAt?.Modules ?? [])
            {
                present.Add(m.Alias);
                if (!since.TryGetValue(m.Alias, out var s) || !s.Version.Equals(m.Version))
                {
                    since[m.Alias] = (m.Version, time);
                }
            }

            foreach (var gone in since.Keys.Where(k => !present.Contains(k)).ToList())
            {
                since.Remove(gone);
            }
        }

        return current.Modules
            .Where(m => since.TryGetValue(m.Alias, out var s) && s.Version.Equals(m.Version))
            .ToDictionary(m => m.Alias, m => since[m.Alias].Time, StringComparer.Ordinal);
    }
}
