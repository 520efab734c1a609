using RingCtl.Cli;
using RingCtl.Tests.Support;

namespace RingCtl.Tests;

/// <summary>Operations racing each other through the real registry: nothing is lost, losers get the conflict code.</summary>
[Collection("postgres")]
public sealed class ConcurrencyTests
{
    private static readonly string[] Rings = ["stable", "edge", "canary"];
    private readonly PostgresFixture _pg;

    public ConcurrencyTests(PostgresFixture pg)
    {
        _pg = pg;
    }

    [Fact]
    public async Task SixtyFourConcurrentTenantMoves_LoseNothing_AndEveryLoserGetsTheConflictCode()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var stacks = new FakeStacks(h.Repo.Root) { DuringUpdate = () => Task.Delay(5) };
        var initial = (await h.Registry.TenantsAsync(null, default)).ToDictionary(t => t.Tenant, t => t.Ring);
        var tenants = initial.Keys.Order(StringComparer.Ordinal).ToArray();
        var random = new Random(20261122);
        var moves = Enumerable.Range(0, 64).Select(i => (Tenant: tenants[random.Next(tenants.Length)], To: Rings[random.Next(Rings.Length)])).ToList();

        var results = await Task.WhenAll(moves.Select(m => Task.Run(() => h.RunAsync(stacks, "tenant", "assign", m.Tenant, m.To, "--yes", "--json"))));

        results.Where(r => r.ExitCode is not (ExitCodes.Ok or ExitCodes.Conflict)).Select(r => r.Err).ShouldBeEmpty();
        foreach (var loser in results.Where(r => r.ExitCode == ExitCodes.Conflict))
        {
            loser.ErrLines.Last().ShouldMatch("^ringctl: (ring busy: .* is held by .* since .*|assign .* to .*: .* is no longer in .* \\(now in .*\\); nothing was changed|ring .* has an unfinished operation .*)$");
        }

        // Every tenant is in exactly one ring, and the log holds exactly the successful moves, in an order that explains the final state.
        var final = (await h.Registry.TenantsAsync(null, default)).ToDictionary(t => t.Tenant, t => t.Ring);
        final.Keys.ShouldBe(initial.Keys, ignoreOrder: true);
        var log = (await h.Log.HistoryAsync(null, null, null, 1000, default)).OrderBy(o => o.Id).ToList();
        log.ShouldAllBe(o => o.Kind == "tenant-move" && o.Status == "succeeded");
        var moved = results.Count(r => r.ExitCode == ExitCodes.Ok && r.Out.Contains("\"changed\": true", StringComparison.Ordinal));
        log.Count.ShouldBe(moved);
        var replay = new Dictionary<string, string>(initial);
        foreach (var op in log)
        {
            replay[op.Tenant!].ShouldBe(op.FromValue, $"operation #{op.Id} moved {op.Tenant} from {op.FromValue}");
            replay[op.Tenant!] = op.ToValue!;
        }

        replay.ShouldBe(final);
        moved.ShouldBeGreaterThan(0);
        (await h.Log.PendingAsync(null, default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task TwoConcurrentPromotionsIntoOneRing_ExactlyOneRuns()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var release = new TaskCompletionSource();
        var stacks = new FakeStacks(h.Repo.Root) { DuringUpdate = () => release.Task };
        var sha = new string('a', 64);

        var first = Task.Run(() => h.RunAsync(stacks, "promote", "orders", "--version", "1.8.0", "--sha256", sha, "--to", "canary", "--yes"));
        await WaitUntilAsync(() => stacks.Calls.Contains("update canary"));
        // The same change again: its gates pass (canary does not run 1.8.0 yet), and the lease stops it.
        var second = await h.RunAsync(stacks, "promote", "orders", "--version", "1.8.0", "--sha256", sha, "--to", "canary", "--yes");
        release.SetResult();
        var winner = await first;

        winner.ExitCode.ShouldBe(ExitCodes.Ok, winner.Err);
        second.ExitCode.ShouldBe(ExitCodes.Conflict);
        second.ErrLines.Last().ShouldStartWith("ringctl: ring busy: canary is held by tester (host ");
        var ops = await h.Log.HistoryAsync("canary", null, "orders", 10, default);
        ops.ShouldHaveSingleItem().Status.ShouldBe("succeeded");
        stacks.Calls.Count(c => c == "update canary").ShouldBe(1);
    }

    [Fact]
    public async Task ARunThatDied_HoldingItsLease_IsNamed_WithItsOperationAndReconcile_AndReconcileLeavesNoDrift()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var stacks = new FakeStacks(h.Repo.Root);
        using (var gone = System.Diagnostics.Process.Start("true")!)
        {
            gone.WaitForExit();
            var owner = $"crashed-run (host {Environment.MachineName}, pid {gone.Id}, run 0a0b0c0d)";
            var dead = await h.Log.BeginAsync(new RingCtl.Registry.OperationIntent("tenant-move", ["stable", "edge"], "crashed-run", "") { Tenant = "acme", From = "stable", To = "edge" }, default);
            await using var c = new Npgsql.NpgsqlConnection(h.ConnectionString);
            await c.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand($"insert into ring_leases (ring, owner, expires_at, operation_id) values ('edge', @owner, now() + interval '30 minutes', {dead})", c);
            cmd.Parameters.AddWithValue("owner", owner);
            await cmd.ExecuteNonQueryAsync();

            var blocked = await h.RunAsync(stacks, "promote", "ai", "--from", "canary", "--to", "edge", "--yes");

            blocked.ExitCode.ShouldBe(ExitCodes.Conflict);
            blocked.ErrLines.Last().ShouldStartWith($"ringctl: ring edge is blocked: the run that holds it ({owner}) is dead; it left operation #{dead} (tenant-move acme stable → edge, at step 'intent', started ");
            blocked.ErrLines.Last().ShouldEndWith("by crashed-run) unfinished: run `ringctl reconcile --apply` to resume or abandon it");
            stacks.Calls.ShouldBeEmpty();
        }

        var applied = await h.RunAsync(stacks, "reconcile", "--apply");
        applied.ExitCode.ShouldBe(0, applied.Err + applied.Out);
        var after = await h.RunAsync(stacks, "reconcile");
        after.ExitCode.ShouldBe(0, after.Err);
        after.ErrLines.Last().ShouldBe("reconcile: 0 unfinished operation(s), 0 drift finding(s) (report only; --apply to act)");
        (await h.Log.PendingAsync(null, default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task AnAbandonedRun_BlocksItsRing_UntilReconcileResolvesIt()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var stacks = new FakeStacks(h.Repo.Root);
        // A promotion that died after writing its intent row, before touching anything.
        var dead = await h.Log.BeginAsync(new RingCtl.Registry.OperationIntent("promote", ["canary"], "crashed-run", "") { Module = "orders", From = "1.7.0-beta.1", To = "1.9.0" }, default);

        var blocked = await h.RunAsync(stacks, "tenant", "assign", "test-canary", "edge", "--yes");
        blocked.ExitCode.ShouldBe(ExitCodes.Conflict);
        blocked.ErrLines.Last().ShouldStartWith($"ringctl: ring canary has an unfinished operation #{dead} (promote orders 1.7.0-beta.1 → 1.9.0, at step 'intent', started ");
        blocked.ErrLines.Last().ShouldEndWith("by crashed-run): run `ringctl reconcile --apply` to resume or abandon it");
        (await h.Registry.RingOfTenantAsync("test-canary", default)).ShouldBe("canary");

        var report = await h.RunAsync(stacks, "reconcile");
        report.ExitCode.ShouldBe(0);
        report.OutLines.ShouldContain($"pending #{dead}: #{dead} promote orders canary 1.7.0-beta.1 → 1.9.0 [pending at intent] by crashed-run -> abandon: the lock was never rewritten, nothing changed");
        (await h.Log.FindAsync(dead, default))!.Status.ShouldBe("pending");

        var applied = await h.RunAsync(stacks, "reconcile", "--apply");
        applied.ExitCode.ShouldBe(0, applied.Err);
        (await h.Log.FindAsync(dead, default))!.Status.ShouldBe("abandoned");

        var retried = await h.RunAsync(stacks, "tenant", "assign", "test-canary", "edge", "--yes");
        retried.ExitCode.ShouldBe(0, retried.Err);
        (await h.Registry.RingOfTenantAsync("test-canary", default)).ShouldBe("edge");
    }

    [Fact]
    public async Task ReconcileApply_ResumesAnInterruptedTenantMove_ToTheRegistrysState()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var stacks = new FakeStacks(h.Repo.Root);
        // The registry's compare-and-set and intent committed; the run died before any stack was updated.
        var id = await h.Registry.MoveTenantAsync("acme", "stable", "canary",
            new RingCtl.Registry.OperationIntent("tenant-move", ["stable", "canary"], "crashed-run", "") { Tenant = "acme", From = "stable", To = "canary" }, default);

        var applied = await h.RunAsync(stacks, "reconcile", "--apply");

        applied.ExitCode.ShouldBe(0, applied.Err);
        (await h.Log.FindAsync(id!.Value, default))!.Status.ShouldBe("succeeded");
        stacks.Deployed("canary")!.Value.Tenants.ShouldBe(["acme", "test-canary"]);
        stacks.Deployed("stable")!.Value.Tenants.ShouldBe(["foo"]);
        stacks.Calls.Where(c => c.StartsWith("update", StringComparison.Ordinal)).ShouldBe(["update canary", "update stable"]);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        condition().ShouldBeTrue("timed out waiting for the first operation to reach its stack update");
    }
}
