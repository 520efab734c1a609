using RingCtl.Preview;
using RingInfra.Core.Fleet;
using RingInfra.Core.Locks;

namespace RingCtl.Operations;

/// <summary>
/// Seeds an empty registry from the repository. Each module version's landing time — its bake clock — is the
/// time of the commit that put that version into the ring's lock (git history); only a version with no such
/// commit (no git, no history, an uncommitted edit) starts baking now. The message says which was used.
/// </summary>
public static class Seeding
{
    /// <summary>Seeds when the registry has no rings; returns what was done, or null when it was already seeded.</summary>
    public static async Task<string?> SeedAsync(OperationContext ops, CancellationToken ct)
    {
        if ((await ops.Registry.ListRingsAsync(ct).ConfigureAwait(false)).Count > 0)
        {
            // Already seeded: the files are not read (an invalid one must not stop a read-only command).
            return null;
        }

        var fleet = ops.LoadFleet();
        var git = new GitRepository(ops.Root);
        var result = await ops.Registry.SeedAsync(fleet, ct, ring => git.LockLandings(ring)).ConfigureAwait(false);
        if (result is null)
        {
            return null;
        }

        var now = result.Landings - result.FromHistory;
        var clock = now == 0
            ? $"all {result.Landings} module landings dated from git history"
            : result.FromHistory == 0
                ? $"all {result.Landings} module landings dated now (no git history of the locks): promotions out of these rings wait a full bake time"
                : $"{result.FromHistory} module landings dated from git history, {now} dated now (no commit carries their version)";
        return $"registry seeded from the stack files: {result.Rings} rings, {result.Tenants} tenants; {clock}";
    }
}
