namespace RingInfra.Core.Locks;

/// <summary>
/// Lock provenance: a ring's lock may carry only the module versions the registry recorded as landed in that ring
/// (by promote, rollback, ring add or seeding). What it carries beyond that was edited by hand.
/// </summary>
public static class LockProvenance
{
    /// <summary>The lock's entries whose version the registry did not record for the ring: (module, version, recorded version or null).</summary>
    public static IReadOnlyList<(string Module, string Version, string? Recorded)> Unrecorded(ModuleLock moduleLock, IReadOnlyDictionary<string, string> landed)
    {
        ArgumentNullException.ThrowIfNull(moduleLock);
        ArgumentNullException.ThrowIfNull(landed);
        return [.. moduleLock.Modules
            .Where(m => landed.GetValueOrDefault(m.Alias) != m.Version.ToString())
            .Select(m => (m.Alias, m.Version.ToString(), landed.GetValueOrDefault(m.Alias)))];
    }
}
