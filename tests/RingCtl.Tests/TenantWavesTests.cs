using System.Text.Json.Nodes;
using Moq;
using Npgsql;
using RingCtl.Cli;
using RingCtl.Operations;
using RingCtl.Stacks;
using RingCtl.Tests.Support;

namespace RingCtl.Tests;

/// <summary>
/// <c>tenant move</c> in waves against the real registry: the stack calls per wave (strict mock), a verification that
/// stops the run, a failed update that puts its wave back, tenants moved meanwhile, resume and revert, the dry run.
/// </summary>
[Collection("postgres")]
public sealed class TenantWavesTests
{
    private readonly PostgresFixture _pg;

    public TenantWavesTests(PostgresFixture pg)
    {
        _pg = pg;
    }

    /// <summary>Onboards a001…aNNN (they sort before acme and foo) into <paramref name="ring"/> in the registry (the truth; the stack files catch up at their next update).</summary>
    private static async Task AddTenantsAsync(OpsHarness h, int count, string ring = "stable")
    {
        await using var c = new NpgsqlConnection(h.ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "insert into tenants (name, module_ring_id) select 'a' || lpad(g::text, 3, '0'), (select id from module_rings where name = @ring) from generate_series(1, @count) g", c);
        cmd.Parameters.AddWithValue("ring", ring);
        cmd.Parameters.AddWithValue("count", count);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> TenantsOfAsync(OpsHarness h, string ring) =>
        [.. (await h.Registry.TenantsAsync(ring, default)).Select(t => t.Tenant)];

    private static string Health(string ring) => LoopbackHttp.HealthDocument(ring);

    /// <summary>A ring's /api/health that answers ok until <paramref name="failFrom"/> (1-based call), then 503.</summary>
    private static LoopbackHttp HealthServer(string ring, int failFrom = int.MaxValue)
    {
        var calls = 0;
        return new LoopbackHttp((_, _) => Interlocked.Increment(ref calls) >= failFrom ? (503, "{}") : (200, Health(ring)));
    }

    /// <summary>Every ring's deployed tenants (the fake engine's) equal the registry's.</summary>
    private static async Task StacksAgreeAsync(OpsHarness h, FakeStacks stacks, params string[] rings)
    {
        foreach (var ring in rings)
        {
            stacks.Deployed(ring)!.Value.Tenants.ShouldBe((await TenantsOfAsync(h, ring)).Order(StringComparer.Ordinal).ToList(), $"{ring}'s stack agrees with the registry");
        }
    }

    [Fact]
    public async Task FiveHundredTenants_InWavesOfAHundred_AreFiveTargetAndFiveSourceUpdates_InOrder()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        await AddTenantsAsync(h, 500);
        using var health = HealthServer("edge");
        var stacks = new Mock<IStackRunner>(MockBehavior.Strict);
        var calls = new List<string>();
        stacks.Setup(s => s.SelectOrCreateAsync(It.IsAny<StackId>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        // Config is written to the stack file as the Automation API runner writes it; the "deployed" exports are what the file says at the update.
        stacks.Setup(s => s.SetConfigAsync(It.IsAny<StackId>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback((StackId s, string key, string value, CancellationToken _) => StackConfigFile.Set(h.Repo.Root, s, key, StackConfigFile.Parse(value))).Returns(Task.CompletedTask);
        var deployed = new Dictionary<string, IReadOnlyList<string>>();
        stacks.Setup(s => s.UpdateAsync(It.IsAny<StackId>(), It.IsAny<IProgress<string>>(), It.IsAny<CancellationToken>()))
            .Callback((StackId s, IProgress<string> _, CancellationToken _) =>
            {
                calls.Add($"update {s.Name}");
                deployed[s.Name] = StackConfigFile.ReadAssignment(h.Repo.Root, s).Tenants;
            }).ReturnsAsync(StackChanges.None);
        stacks.Setup(s => s.GetOutputsAsync(It.IsAny<StackId>(), It.IsAny<CancellationToken>()))
            .Returns((StackId s, CancellationToken _) => Task.FromResult<IReadOnlyDictionary<string, object?>>(new Dictionary<string, object?> { ["tenants"] = deployed[s.Name].Cast<object>().ToArray() }));

        var result = await h.RunAsync(stacks.Object, "tenant", "move", "--to", "edge", "--from-ring", "stable", "--limit", "500", "--wave-size", "100", "--url", health.Url, "--yes", "--json");

        result.ExitCode.ShouldBe(0, result.Err);
        calls.ShouldBe([.. Enumerable.Repeat(new[] { "update edge", "update stable" }, 5).SelectMany(x => x)]);
        (await TenantsOfAsync(h, "stable")).ShouldBe(["acme", "foo"], "the a… tenants sort before acme and foo, so --limit 500 took exactly them");
        (await TenantsOfAsync(h, "edge")).Count.ShouldBe(502);
        var summary = JsonNode.Parse(result.Out)!;
        (summary["moved"]!.GetValue<int>(), summary["waves"]!.GetValue<int>(), summary["skipped"]!.AsArray().Count).ShouldBe((500, 5, 0));
        summary["stackUpdates"]!["edge"]!.GetValue<int>().ShouldBe(5);
        summary["stackUpdates"]!["stable"]!.GetValue<int>().ShouldBe(5);

        // The log: the run, five waves, a row per tenant; every one closed as succeeded, the tenants' rows under their wave.
        var log = await h.Log.HistoryAsync(null, null, null, 1000, default);
        log.Count(o => o.Kind == "tenant-waves").ShouldBe(1);
        log.Where(o => o.Kind == "tenant-wave").ShouldAllBe(o => o.ParentId == 1 && o.Status == "succeeded");
        log.Count(o => o.Kind == "tenant-wave").ShouldBe(5);
        log.Where(o => o.Kind == "tenant-move").Select(o => o.Tenant).Order(StringComparer.Ordinal).ShouldBe(Enumerable.Range(1, 500).Select(i => $"a{i:000}"));
        log.Where(o => o.Kind == "tenant-move").ShouldAllBe(o => o.Status == "succeeded" && o.FromValue == "stable" && o.ToValue == "edge" && o.ParentId > 1);
        log.Single(o => o.Kind == "tenant-waves").Status.ShouldBe("succeeded");
    }

    [Fact]
    public async Task AVerificationFailureAfterWaveTwo_StopsTheRun_WithExactlyTheTwoHundredMoved_ThenResumeAndRevert()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        await AddTenantsAsync(h, 500);
        var stacks = new FakeStacks(h.Repo.Root);
        var original = await TenantsOfAsync(h, "edge");
        using (var failing = HealthServer("edge", failFrom: 2))
        {
            var stopped = await h.RunAsync(stacks, "tenant", "move", "--to", "edge", "--from-ring", "stable", "--limit", "500", "--wave-size", "100", "--url", failing.Url, "--reason", "beta cohort", "--yes");

            stopped.ExitCode.ShouldBe(ExitCodes.Infrastructure, stopped.Err);
            stopped.Err.ShouldContain("stopped. verification after wave 2 failed: verify edge:");
            stopped.Err.ShouldContain("answered 503");
            stopped.Err.ShouldContain("200 tenant(s) moved by this run (waves 1–2 of 5 completed); the registry and the stacks agree with each other at wave 2, and nothing was held");
            stopped.Err.ShouldContain("Next wave: ringctl tenant move --resume 1; to move them back: ringctl tenant move --revert 1");
            stopped.Err.ShouldContain("git commit -m 'move(200 tenants): stable → edge, stopped after wave 2 (operation #1)'");
        }

        var edge = await TenantsOfAsync(h, "edge");
        edge.Except(original).ShouldBe(Enumerable.Range(1, 200).Select(i => $"a{i:000}"));
        await StacksAgreeAsync(h, stacks, "edge", "stable");
        // Every stack call, in order (as strict as a strict mock: nothing else was called): two waves, then the stop.
        var wave = new[] { "select edge", "config edge ring-infra:tenants", "update edge", "select stable", "config stable ring-infra:tenants", "update stable", "outputs edge", "outputs stable" };
        stacks.Calls.Select(c => c.StartsWith("config ", StringComparison.Ordinal) ? c[..c.IndexOf('=', StringComparison.Ordinal)] : c).ShouldBe([.. wave, .. wave]);
        (await h.Registry.FindRingAsync("edge", default))!.Held.ShouldBeFalse("a stopped run holds nothing");
        var run = (await h.Log.FindAsync(1, default))!;
        (run.Kind, run.Status).ShouldBe(("tenant-waves", "failed"));
        (await h.Log.PendingAsync(null, default)).ShouldBeEmpty();

        using var healthy = HealthServer("edge");
        var again = await h.RunAsync(stacks, "tenant", "move", "--resume", "1", "--url", healthy.Url, "--yes");
        again.ExitCode.ShouldBe(0, again.Err);
        again.Out.ShouldContain("moved 300 tenant(s) to edge in 3 wave(s)");
        (await TenantsOfAsync(h, "stable")).ShouldBe(["acme", "foo"]);
        await StacksAgreeAsync(h, stacks, "edge", "stable");
        var resumedAgain = await h.RunAsync(stacks, "tenant", "move", "--resume", "1", "--yes");
        resumedAgain.ExitCode.ShouldBe(ExitCodes.Usage);
        resumedAgain.Err.ShouldContain("--resume: operation #1 was already resumed by #");

        // --revert moves back exactly what run #1 moved (the first 200), in its waves of 100.
        var reverted = await h.RunAsync(stacks, "tenant", "move", "--revert", "1", "--url", HealthOf(h, "stable", out var stableHealth), "--yes");
        using (stableHealth)
        {
            reverted.ExitCode.ShouldBe(0, reverted.Err);
        }

        reverted.Out.ShouldContain("moved 200 tenant(s) to stable in 2 wave(s)");
        // The log keeps why: the operator's reason on every tenant's row, and which run a resume or a revert continues or undoes.
        (await h.Log.HistoryAsync(null, "a001", null, 10, default)).Select(o => o.Reason).ShouldBe(["moves back what #1 moved (wave 1/2 of #" + (await h.Log.HistoryAsync(null, null, null, 1000, default)).Where(o => o.Kind == "tenant-waves").Max(o => o.Id) + ")", "beta cohort (wave 1/5 of #1)"]);
        (await h.Log.HistoryAsync(null, null, null, 1000, default)).Where(o => o.Kind == "tenant-waves").Select(o => o.Reason).ShouldBe(["moves back what #1 moved", "resumes #1", "beta cohort"]);
        (await TenantsOfAsync(h, "stable")).Except(["acme", "foo"]).ShouldBe(Enumerable.Range(1, 200).Select(i => $"a{i:000}"));
        await StacksAgreeAsync(h, stacks, "edge", "stable");
    }

    private static string HealthOf(OpsHarness h, string ring, out LoopbackHttp server)
    {
        server = HealthServer(ring);
        return server.Url;
    }

    [Fact]
    public async Task TenMovedMeanwhileByASingleMove_AreSkippedAndReported_TheRestOfTheWaveGoesOn()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        await AddTenantsAsync(h, 100);
        var stacks = new FakeStacks(h.Repo.Root);
        using var health = HealthServer("edge");
        var move = new WaveMove(h.Context(stacks));
        var plan = await move.PlanAsync("edge", null, "stable", 100, 25, default);

        // Between the plan and the run (an operator reading the confirmation), support moves ten of them to canary.
        var moved = Enumerable.Range(41, 10).Select(i => $"a{i:000}").ToList();
        foreach (var tenant in moved)
        {
            (await h.RunAsync(stacks, "tenant", "assign", tenant, "canary", "--yes")).ExitCode.ShouldBe(0);
        }

        var outcome = await move.RunAsync(plan, new WaveMove.Options(TimeSpan.Zero, false, health.Url, "beta cohort"), default);

        outcome.Moved.Count.ShouldBe(90);
        outcome.Skipped.Select(s => (s.Move.Tenant, s.Now)).ShouldBe(moved.Select(t => (t, (string?)"canary")));
        (await TenantsOfAsync(h, "canary")).ShouldBe([.. moved, "test-canary"]);
        (await TenantsOfAsync(h, "stable")).ShouldBe(["acme", "foo"]);
        await StacksAgreeAsync(h, stacks, "edge", "stable", "canary");
        var waves = await h.Registry.Waves.WavesAsync(outcome.Id, default);
        waves.Select(w => (w.Number, w.Status, w.Moved.Count)).ShouldBe([(1, "succeeded", 25), (2, "succeeded", 15), (3, "succeeded", 25), (4, "succeeded", 25)]);
    }

    [Fact]
    public async Task TheSkippedTenants_AreListedInTheSummary_WhenAResumedRunMeetsThem()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        await AddTenantsAsync(h, 40);
        var stacks = new FakeStacks(h.Repo.Root);
        using (var failing = HealthServer("edge", failFrom: 1))
        {
            (await h.RunAsync(stacks, "tenant", "move", "--to", "edge", "--from-ring", "stable", "--limit", "40", "--wave-size", "10", "--url", failing.Url, "--yes")).ExitCode.ShouldBe(ExitCodes.Infrastructure);
        }

        foreach (var tenant in new[] { "a015", "a033" })
        {
            (await h.RunAsync(stacks, "tenant", "assign", tenant, "canary", "--yes")).ExitCode.ShouldBe(0);
        }

        using var health = HealthServer("edge");
        var resumed = await h.RunAsync(stacks, "tenant", "move", "--resume", "1", "--url", health.Url, "--yes");

        resumed.ExitCode.ShouldBe(0, resumed.Err);
        resumed.OutLines.ShouldBe([
            "moved 28 tenant(s) to edge in 3 wave(s) (operation #15); stack updates: edge 3, stable 3",
            "skipped 2 tenant(s) that moved meanwhile: a015 (now in canary), a033 (now in canary)",
        ]);
    }

    [Fact]
    public async Task AFailedUpdateInWaveTwo_PutsThatWaveBack_AndTheStacksAgreeAtWaveOne()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        await AddTenantsAsync(h, 30);
        using var health = HealthServer("edge");
        var stacks = new FakeStacks(h.Repo.Root);
        var calls = 0;
        stacks.DuringUpdate = () => Interlocked.Increment(ref calls) == 4 ? throw new StackUpdateFailedException(StackId.Ring("stable"), "injected: stable's update failed") : Task.CompletedTask;

        var result = await h.RunAsync(stacks, "tenant", "move", "--to", "edge", "--from-ring", "stable", "--limit", "30", "--wave-size", "10", "--url", health.Url, "--yes");

        result.ExitCode.ShouldBe(ExitCodes.Infrastructure, result.Err);
        result.Err.ShouldContain("wave 2 failed at update stable: ");
        result.Err.ShouldContain("The registry was put back for wave 2 (10 tenant(s) back where they were); stack(s) edge, stable re-converged.");
        result.Err.ShouldContain("10 tenant(s) moved by this run (waves 1–1 of 3 completed)");
        (await TenantsOfAsync(h, "edge")).Except(["bar", "widgets"]).ShouldBe(Enumerable.Range(1, 10).Select(i => $"a{i:000}"));
        await StacksAgreeAsync(h, stacks, "edge", "stable");
        var log = await h.Log.HistoryAsync(null, null, null, 100, default);
        log.Where(o => o.Kind == "tenant-wave").Select(o => o.Status).Reverse().ShouldBe(["succeeded", "failed"]);
        log.Where(o => o.Kind == "tenant-move").GroupBy(o => o.Status).Select(g => (g.Key, g.Count())).OrderBy(g => g.Key, StringComparer.Ordinal).ShouldBe([("failed", 10), ("succeeded", 10)]);
        (await h.Log.PendingAsync(null, default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task TheDryRun_PrintsEachWaveAndItsObjects_OneIngressPerWaveFromTheDefaultRing_AndChangesNothing()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        await AddTenantsAsync(h, 5);
        var stacks = new Mock<IStackRunner>(MockBehavior.Strict);
        var registry = await RegistryDump.OfAsync(h.ConnectionString);
        var files = Snapshot.Of(h.Repo.Root);

        var text = await h.RunAsync(stacks.Object, "tenant", "move", "--to", "edge", "--tenants", "a001,a002,a003,acme,widgets", "--wave-size", "2", "--dry-run");
        var json = await h.RunAsync(stacks.Object, "tenant", "move", "--to", "edge", "--tenants", "a001,a002,a003,acme,widgets", "--wave-size", "2", "--dry-run", "--json");

        text.ExitCode.ShouldBe(0, text.Err);
        text.OutLines.ShouldBe([
            "would move 4 tenant(s) to edge in 2 wave(s) of up to 2 (all gates pass); per wave: the registry, then edge, then the rings they leave",
            "wave 1/2: 2 tenant(s) (a001, a002) from stable; stack updates: edge, stable; objects that change: changed Ingress autocom-edge/ring",
            "wave 2/2: 2 tenant(s) (a003, acme) from stable; stack updates: edge, stable; objects that change: changed Ingress autocom-edge/ring",
        ]);
        text.Err.ShouldContain("already in edge, left out: widgets");
        var waves = JsonNode.Parse(json.Out)!["waves"]!.AsArray();
        waves.Select(w => w!["changes"]!.AsArray().Select(c => c!.ToString()).Single()).ShouldBe(["changed Ingress autocom-edge/ring", "changed Ingress autocom-edge/ring"]);
        stacks.Invocations.ShouldBeEmpty();
        (await RegistryDump.OfAsync(h.ConnectionString)).ShouldBe(registry);
        Snapshot.Of(h.Repo.Root).ShouldBe(files);
    }

    [Fact]
    public async Task AFreezeThatBeginsBetweenWaves_StopsTheRunBeforeTheNextWave()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        await AddTenantsAsync(h, 20);
        var stacks = new FakeStacks(h.Repo.Root);
        // edge's health is checked after wave 1: meanwhile someone declares a freeze of edge in its stack file.
        using var health = new LoopbackHttp((_, _) =>
        {
            h.Repo.Replace("Pulumi.edge.yaml", "ring-infra:tenants:", "ring-infra:freezeWindows:\n    - start: \"2026-01-01T00:00:00Z\"\n      end: \"2099-01-01T00:00:00Z\"\n      reason: incident review\n  ring-infra:tenants:");
            return (200, Health("edge"));
        });

        var result = await h.RunAsync(stacks, "tenant", "move", "--to", "edge", "--from-ring", "stable", "--limit", "20", "--wave-size", "10", "--url", health.Url, "--yes");

        result.ExitCode.ShouldBe(ExitCodes.GateRefused, result.Err);
        result.Err.ShouldContain("wave 2 was refused before it started: wave 2/2 refused:");
        result.Err.ShouldContain("freeze: edge is frozen until 2099-01-01T00:00:00Z (incident review)");
        (await TenantsOfAsync(h, "edge")).Except(["bar", "widgets"]).Count().ShouldBe(10);
        stacks.Calls.Count(c => c == "update edge").ShouldBe(1);
    }

    [Fact]
    public async Task ALeaseTakenOverDuringThePause_StopsTheRunBeforeTheNextWave_AsAConflict()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        await AddTenantsAsync(h, 4);
        var stacks = new FakeStacks(h.Repo.Root);
        // While edge is verified after wave 1, the run's leases are taken over (as if they had expired under another run).
        using var health = new LoopbackHttp((_, _) =>
        {
            using var c = new NpgsqlConnection(h.ConnectionString);
            c.Open();
            using var cmd = new NpgsqlCommand("update ring_leases set owner = 'someone else (host elsewhere, pid 1, run 0a0b0c0d)'", c);
            cmd.ExecuteNonQuery();
            return (200, Health("edge"));
        });

        var result = await h.RunAsync(stacks, "tenant", "move", "--to", "edge", "--tenants", "a001,a002,a003,a004", "--wave-size", "2", "--url", health.Url, "--yes");

        result.ExitCode.ShouldBe(ExitCodes.Conflict, result.Err);
        result.Err.ShouldContain("stopped. wave 2 could not start: the lease on edge, stable was lost (it expired and another run took it over): stopping before changing anything more. 2 tenant(s) moved by this run (waves 1–1 of 2 completed)");
        (await TenantsOfAsync(h, "stable")).ShouldBe(["a003", "a004", "acme", "foo"]);
        await StacksAgreeAsync(h, stacks, "edge", "stable");
    }

    [Fact]
    public async Task BadInput_IsNamed_EvenWhereNoRegistryCanBeReached()
    {
        using var repo = new RingInfra.Core.Tests.Support.TempRepo();
        var result = await RingCtlRunner.RunAsync(repo.Root, new CliContextOptions("Host=127.0.0.1;Port=1;Username=x;Password=y;Database=z;Timeout=2"),
            "tenant", "move", "--to", "Edge", "--tenants", "acme,Bad_Name", "--wave-size", "0", "--pause", "soon", "--yes");

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.Err);
        result.ErrLines.ShouldBe([
            "ringctl: --to: 'Edge' must be a DNS label (lower-case letters, digits and '-', starting with a letter, at most 63 characters)",
            "--tenants (item 2): 'Bad_Name' must be a tenant name: a DNS label of lower-case letters, digits and '-' (digits first allowed, no '-' at either end, at most 63 characters)",
            "--wave-size: must be a positive number of tenants per wave (got 0)",
            "--pause: must be a duration up to 6h such as 30s, 10m or 1h (got 'soon')",
            "nothing was changed",
        ]);
    }
}
