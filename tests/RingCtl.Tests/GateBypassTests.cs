using System.Text.Json.Nodes;
using Moq;
using RingCtl.Cli;
using RingCtl.Registry;
using RingCtl.Stacks;
using RingCtl.Tests.Support;

namespace RingCtl.Tests;

/// <summary>
/// Every way around the gates that issue 12 found, tried as an operator would, against the real registry and a
/// strict mock stack runner. Each refusal asserts the exit code, the message naming the gate and the value, zero
/// stack calls, unchanged files and registry, and the refusal row the log keeps.
/// </summary>
[Collection("postgres")]
public sealed class GateBypassTests
{
    private const string Sha = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string FrozenUntil = "2099-01-01T00:00:00Z";

    private readonly PostgresFixture _pg;

    public GateBypassTests(PostgresFixture pg)
    {
        _pg = pg;
    }

    private sealed record Refusal(RingCtlRunner.Result Result, string Kind, string[] Rings, string Reasons, string[] Overrides, string? ApprovedBy);

    /// <summary>Runs a command that must be refused: nothing but one closed refusal row may change.</summary>
    private static async Task<Refusal> RefusedAsync(OpsHarness h, int exit, params string[] args)
    {
        var stacks = new Mock<IStackRunner>(MockBehavior.Strict);
        var registry = await RegistryDump.OfAsync(h.ConnectionString, withoutRefusals: true);
        var before = (await RegistryDump.RefusalsAsync(h.ConnectionString)).Count;
        var files = Snapshot.Of(h.Repo.Root);

        var result = await h.RunAsync(stacks.Object, args);

        result.ExitCode.ShouldBe(exit, result.Err);
        stacks.Invocations.ShouldBeEmpty();
        Snapshot.Of(h.Repo.Root).ShouldBe(files);
        (await RegistryDump.OfAsync(h.ConnectionString, withoutRefusals: true)).ShouldBe(registry);
        var refusals = await RegistryDump.RefusalsAsync(h.ConnectionString);
        refusals.Count.ShouldBe(before + 1, "exactly one refusal row");
        var row = refusals[^1];
        return new Refusal(result, row.Kind, row.Rings, row.Error, row.Overrides, row.ApprovedBy);
    }

    private static async Task<JsonArray> HistoryAsync(OpsHarness h)
    {
        var history = await h.RunAsync(new FakeStacks(h.Repo.Root), "history", "--json");
        history.ExitCode.ShouldBe(0, history.Err);
        return JsonNode.Parse(history.Out)!.AsArray();
    }

    private static void FreezeStable(OpsHarness h) => FreezeStable(h.Repo);

    private static void FreezeStable(RingInfra.Core.Tests.Support.TempRepo repo) =>
        repo.Replace("Pulumi.stable.yaml", RingInfra.Core.Tests.Support.TempRepo.Freeze, $"start: \"2026-01-01T00:00:00Z\"\n      end: \"{FrozenUntil}\"");

    /// <summary>Edge's Salesforce connector uses the credential bound to stable (doc 001's credential isolation).</summary>
    private static void LeakStableCredentialIntoEdge(OpsHarness h) =>
        h.Repo.Replace("Pulumi.edge.yaml", "credential: salesforce-uat-cred", "credential: salesforce-prod-cred");

    private static void HandEditEdgeLock(RingInfra.Core.Tests.Support.TempRepo repo) =>
        repo.Replace("stacks/locks/edge.lock.json", "\"version\": \"1.6.0\",\n      \"artifact\": \"Orders-1.6.0.zip\"", "\"version\": \"1.6.1\",\n      \"artifact\": \"Orders-1.6.1.zip\"");

    // --- rollback ---------------------------------------------------------------------------------

    [Fact]
    public async Task Rollback_ToANewerVersion_IsRefused_ItNeverRollsForward()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);

        var r = await RefusedAsync(h, ExitCodes.GateRefused, "rollback", "orders", "--ring", "edge", "--to-version", "1.7.0", "--yes");

        r.Result.ErrLines.ShouldBe([
            "ringctl: rollback orders 1.7.0 into edge refused:",
            "rollback: orders 1.7.0 is newer than 1.6.0 in edge: a rollback never rolls forward; promote instead",
        ]);
        (r.Kind, string.Join(",", r.Rings)).ShouldBe(("rollback", "edge"));
        r.Reasons.ShouldBe("rollback: orders 1.7.0 is newer than 1.6.0 in edge: a rollback never rolls forward; promote instead");
    }

    [Fact]
    public async Task Rollback_ToAVersionTheRingNeverRan_IsRefused_NamingWhatItCanGoBackTo()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        await h.Log.RecordAsync(new OperationIntent("promote", ["canary", "edge"], "someone", "earlier") { Module = "orders", From = "1.5.0", To = "1.6.0" }, default);

        var r = await RefusedAsync(h, ExitCodes.GateRefused, "rollback", "orders", "--ring", "edge", "--to-version", "1.4.0", "--yes");

        r.Result.Err.ShouldContain("rollback: edge never ran orders 1.4.0; it can go back to 1.5.0");
    }

    [Fact]
    public async Task RollingBackARollback_IsRefused_SayingToPromote_AndRollbackTakesNoOverride()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        // edge went 1.5.0 → 1.6.0 by a promotion (stable still runs 1.5.0, so its artifact is known).
        await h.Log.RecordAsync(new OperationIntent("promote", ["canary", "edge"], "someone", "earlier") { Module = "orders", From = "1.5.0", To = "1.6.0" }, default);
        var first = await h.RunAsync(new FakeStacks(h.Repo.Root), "rollback", "orders", "--ring", "edge", "--yes");
        first.ExitCode.ShouldBe(0, first.Err);
        first.Out.Trim().ShouldBe("rollback(edge): orders 1.6.0 → 1.5.0");

        var r = await RefusedAsync(h, ExitCodes.GateRefused, "rollback", "orders", "--ring", "edge", "--yes");

        r.Result.ErrLines.Last().ShouldBe("rollback: the last change of orders in edge was a rollback from 1.6.0: rolling it back would roll forward; promote orders 1.6.0 instead");
        r.Result.Err.ShouldNotContain("--override");
        r.Result.Err.ShouldNotContain("--force");
        var overridden = await h.RunAsync(new Mock<IStackRunner>(MockBehavior.Strict).Object, "rollback", "orders", "--ring", "edge", "--override", "rollback", "--reason", "x", "--yes");
        overridden.ExitCode.ShouldBe(ExitCodes.Usage);
        overridden.Err.ShouldContain("--override");
    }

    // --- new versions and approvals ------------------------------------------------------------------

    [Fact]
    public async Task ANewVersionStraightIntoStable_SelfApproved_IsRefusedForBoth()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);

        var r = await RefusedAsync(h, ExitCodes.GateRefused, "promote", "orders", "--version", "9.9.9", "--sha256", Sha, "--to", "stable",
            "--approved-by", "release-manager", "--actor", "release-manager", "--yes");

        r.Result.ErrLines.ShouldBe([
            "ringctl: promote orders 9.9.9 into stable refused:",
            "new-version: orders 9.9.9 runs in no ring yet: a new version enters at the least conservative ring (order 20), not stable (order 0)",
            "approval: release-manager cannot approve their own change to stable: another approver must (one of platform-lead, release-manager)",
        ]);
        r.ApprovedBy.ShouldBe("release-manager");
        r.Reasons.ShouldContain("new-version: orders 9.9.9 runs in no ring yet");
    }

    [Fact]
    public async Task AnApproverWhoIsNotListed_IsRefused_NamingTheListedOnes()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);

        var r = await RefusedAsync(h, ExitCodes.GateRefused, "promote", "orders", "--from", "edge", "--to", "stable", "--approved-by", "mallory", "--yes");

        r.Result.ErrLines.Last().ShouldBe("approval: mallory is not an approver of stable (its approvers: platform-lead, release-manager)");
    }

    [Fact]
    public async Task AnApprovedPromotion_StoresTheApprover_AndHistoryShowsIt()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);

        var result = await h.RunAsync(new FakeStacks(h.Repo.Root), "promote", "orders", "--from", "edge", "--to", "stable", "--approved-by", "release-manager", "--reason", "weekly release", "--yes", "--json");

        result.ExitCode.ShouldBe(0, result.Err);
        JsonNode.Parse(result.Out)!["approvedBy"]!.ToString().ShouldBe("release-manager");
        var op = (await HistoryAsync(h))[0]!;
        (op["kind"]!.ToString(), op["status"]!.ToString(), op["actor"]!.ToString(), op["approvedBy"]!.ToString()).ShouldBe(("promote", "succeeded", "tester", "release-manager"));
        var table = await h.RunAsync(new FakeStacks(h.Repo.Root), "history");
        table.Out.ShouldContain("approved by");
        table.Out.ShouldContain("release-manager");
    }

    [Fact]
    public async Task AnOverride_NeedsAReasonAndAnApprover_AndIsRecordedGateByGate()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var strict = new Mock<IStackRunner>(MockBehavior.Strict).Object;

        var noReason = await h.RunAsync(strict, "promote", "orders", "--version", "9.9.9", "--sha256", Sha, "--to", "stable", "--override", "new-version", "--yes");
        noReason.ExitCode.ShouldBe(ExitCodes.Usage);
        noReason.ErrLines.ShouldBe(["ringctl: --override new-version: an override needs --reason (the log records why each gate was overridden)"]);
        var approval = await h.RunAsync(strict, "promote", "orders", "--from", "edge", "--to", "stable", "--override", "approval", "--reason", "x", "--yes");
        approval.ExitCode.ShouldBe(ExitCodes.Usage);
        approval.ErrLines.ShouldBe(["ringctl: --override: 'approval' is not a gate that can be overridden (allowed: bake, freeze, health, metrics, new-version, order)"]);
        var noApprover = await RefusedAsync(h, ExitCodes.GateRefused, "promote", "orders", "--version", "9.9.9", "--sha256", Sha, "--to", "stable", "--override", "new-version", "--reason", "hotfix", "--yes");
        noApprover.Result.ErrLines.Last().ShouldBe("approval: stable is protected: name the approver with --approved-by (one of platform-lead, release-manager)");
        noApprover.Overrides.ShouldBe(["new-version"]);

        var result = await h.RunAsync(new FakeStacks(h.Repo.Root), "promote", "orders", "--version", "9.9.9", "--sha256", Sha, "--to", "stable",
            "--override", "new-version", "--reason", "CVE hotfix", "--approved-by", "platform-lead", "--yes");

        result.ExitCode.ShouldBe(0, result.Err);
        var op = (await HistoryAsync(h))[0]!;
        (op["kind"]!.ToString(), op["status"]!.ToString(), op["reason"]!.ToString(), op["approvedBy"]!.ToString()).ShouldBe(("promote", "succeeded", "CVE hotfix", "platform-lead"));
        op["overrides"]!.AsArray().Select(o => o!.ToString()).ShouldBe(["new-version"]);
    }

    [Fact]
    public async Task Force_OnlySkipsTheConfirmation_ItOverridesNoGate()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        await h.LandedAsync(TimeSpan.FromHours(1), "canary", "ai");

        var r = await RefusedAsync(h, ExitCodes.GateRefused, "promote", "ai", "--from", "canary", "--to", "edge", "--force");
        r.Result.ErrLines.Last().ShouldStartWith("bake: ai 2.5.0 landed in canary 1h 0m ago");

        await h.LandedAsync(TimeSpan.FromDays(3), "canary", "ai");
        var forced = await h.RunAsync(new FakeStacks(h.Repo.Root), "promote", "ai", "--from", "canary", "--to", "edge", "--force");
        forced.ExitCode.ShouldBe(0, forced.Err);
        forced.Out.Trim().ShouldBe("promote(edge): ai 2.4.0 → 2.5.0");
    }

    // --- freeze windows -------------------------------------------------------------------------------

    [Fact]
    public async Task AFrozenRing_RefusesUpAndPromote_ButRollbackRunsAndItsRowSaysSo()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        FreezeStable(h);
        var frozen = $"freeze: stable is frozen until {FrozenUntil} (year-end change freeze)";

        var up = await RefusedAsync(h, ExitCodes.GateRefused, "up", "stable", "--yes");
        up.Result.ErrLines.ShouldBe(["ringctl: up stable refused:", frozen]);
        (up.Kind, up.Reasons).ShouldBe(("up", frozen));
        var promote = await RefusedAsync(h, ExitCodes.GateRefused, "promote", "orders", "--from", "edge", "--to", "stable", "--approved-by", "release-manager", "--yes");
        promote.Result.ErrLines.Last().ShouldBe(frozen);

        // The emergency exit: stable ran 1.4.0 before 1.5.0.
        await h.Log.RecordAsync(new OperationIntent("promote", ["edge", "stable"], "someone", "earlier")
        {
            Module = "orders", From = "1.4.0", To = "1.5.0",
            Details = new Dictionary<string, string?> { ["fromArtifact"] = "Orders-1.4.0.zip", ["fromSha256"] = Sha },
        }, default);
        var rollback = await h.RunAsync(new FakeStacks(h.Repo.Root), "rollback", "orders", "--ring", "stable", "--approved-by", "release-manager", "--yes");
        rollback.ExitCode.ShouldBe(0, rollback.Err);
        rollback.Out.Trim().ShouldBe("rollback(stable): orders 1.5.0 → 1.4.0");
        var op = (await HistoryAsync(h))[0]!;
        (op["kind"]!.ToString(), op["status"]!.ToString()).ShouldBe(("rollback", "succeeded"));
        op["notes"]!.AsArray().Select(n => n!.ToString()).ShouldBe([$"ran inside a freeze window: stable is frozen until {FrozenUntil} (year-end change freeze)"]);
    }

    [Fact]
    public async Task AFreeze_CanBeOverriddenOnUp_OnlyWithAReasonAndAnApprover()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        FreezeStable(h);

        var r = await RefusedAsync(h, ExitCodes.GateRefused, "up", "stable", "--override", "freeze", "--reason", "incident 42", "--yes");
        r.Result.ErrLines.Last().ShouldBe("approval: stable is protected and gates are overridden: name the approver with --approved-by (one of platform-lead, release-manager)");

        var up = await h.RunAsync(new FakeStacks(h.Repo.Root), "up", "stable", "--override", "freeze", "--reason", "incident 42", "--approved-by", "platform-lead", "--yes");

        up.ExitCode.ShouldBe(0, up.Err);
        var op = (await HistoryAsync(h))[0]!;
        (op["kind"]!.ToString(), op["approvedBy"]!.ToString(), op["reason"]!.ToString()).ShouldBe(("up", "platform-lead", "incident 42"));
        op["overrides"]!.AsArray().Select(o => o!.ToString()).ShouldBe(["freeze"]);
    }

    [Fact]
    public async Task RingAdd_DuringAPlatformWideFreeze_IsRefused()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        h.Repo.Replace("Pulumi.yaml", "config:\n", $"config:\n  freezeWindows:\n    default:\n      - start: \"2026-01-01T00:00:00Z\"\n        end: \"{FrozenUntil}\"\n        reason: platform move\n");

        var r = await RefusedAsync(h, ExitCodes.GateRefused, "ring", "add", "qa", "--order", "30", "--segment", "qa", "--yes");

        r.Result.ErrLines.ShouldBe(["ringctl: ring add qa refused:", $"freeze: qa is frozen until {FrozenUntil} (platform move)"]);
        (r.Kind, string.Join(",", r.Rings)).ShouldBe(("ring-add", "qa"));
        File.Exists(h.Repo.PathOf("Pulumi.qa.yaml")).ShouldBeFalse();
    }

    [Fact]
    public async Task SecretsSync_RunsInsideAFreeze_AndItsRowSaysSo()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        FreezeStable(h);

        var sync = await h.RunAsync(new FakeStacks(h.Repo.Root), "secrets", "sync", "--yes");

        sync.ExitCode.ShouldBe(0, sync.Err);
        var op = (await HistoryAsync(h))[0]!;
        (op["kind"]!.ToString(), op["status"]!.ToString()).ShouldBe(("secrets-sync", "succeeded"));
        op["notes"]!.AsArray().Select(n => n!.ToString()).ShouldBe([$"ran inside a freeze window: stable is frozen until {FrozenUntil} (year-end change freeze)"]);
    }

    // --- policies -------------------------------------------------------------------------------------

    [Fact]
    public async Task APolicyViolation_RefusesPromoteAndUp_AsLintDoes()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        LeakStableCredentialIntoEdge(h);
        var lint = await RingCtlRunner.RunAsync(h.Repo.Root, "lint", "edge");
        lint.ExitCode.ShouldBe(ExitCodes.PolicyViolation);
        var violation = lint.OutLines.Concat(lint.ErrLines).Single(l => l.Contains("[credential-isolation]", StringComparison.Ordinal));
        violation.ShouldContain("salesforce-prod-cred");

        var up = await RefusedAsync(h, ExitCodes.PolicyViolation, "up", "edge", "--yes");
        var promote = await RefusedAsync(h, ExitCodes.PolicyViolation, "promote", "ai", "--from", "canary", "--to", "edge", "--yes");

        up.Result.ErrLines.ShouldBe(["ringctl: up edge refused:", "policy: " + violation]);
        promote.Result.ErrLines.ShouldBe(["ringctl: promote ai 2.5.0 into edge refused:", "policy: " + violation]);
        promote.Reasons.ShouldBe("policy: " + violation);
    }

    [Fact]
    public async Task APolicyViolation_InAFleetLoadedAndRenderedOnEveryCore_StillRefusesUpAndPromote()
    {
        // Nine rings: above Parallelism.Threshold, so the fleet is loaded and rendered in parallel (issue 18). The
        // cross-ring credential rule must still see every ring, and the gate must still refuse before any stack.
        await using var h = await OpsHarness.CreateAsync(_pg, repo => repo.AddStagingRings(6));
        h.Repo.Load().Rings.Count.ShouldBeGreaterThanOrEqualTo(RingInfra.Core.Fleet.Parallelism.Threshold);
        LeakStableCredentialIntoEdge(h);

        var up = await RefusedAsync(h, ExitCodes.PolicyViolation, "up", "edge", "--yes");
        var promote = await RefusedAsync(h, ExitCodes.PolicyViolation, "promote", "ai", "--from", "canary", "--to", "edge", "--yes");

        up.Result.ErrLines[0].ShouldBe("ringctl: up edge refused:");
        up.Result.ErrLines.ShouldContain(l => l.StartsWith("policy: ", StringComparison.Ordinal) && l.Contains("[credential-isolation]", StringComparison.Ordinal));
        promote.Reasons.ShouldContain("[credential-isolation]");
    }

    [Fact]
    public async Task ReconcileResume_RefusesAPolicyViolation_AndLeavesTheOperationPending()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var pending = await h.Log.BeginAsync(new OperationIntent("up", ["edge"], "crashed-run", ""), default);
        LeakStableCredentialIntoEdge(h);

        var r = await RefusedAsync(h, ExitCodes.PolicyViolation, "reconcile", "--apply");

        r.Result.Out.ShouldContain($"#{pending}");
        r.Result.Out.ShouldContain("-> REFUSED: policy: ");
        r.Result.Out.ShouldContain("salesforce-prod-cred");
        (r.Kind, string.Join(",", r.Rings)).ShouldBe(("reconcile", "edge"));
        (await h.Log.FindAsync(pending, default))!.Status.ShouldBe("pending");
    }

    // --- lock provenance ----------------------------------------------------------------------------

    [Fact]
    public async Task ReconcileFinishingAWave_RefusesAPolicyViolation_AndLeavesTheRunAndItsWavePending()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        // A wave run that died after its registry transaction: acme is in edge in the registry, no stack was updated.
        var moves = new List<RingInfra.Core.Tenants.TenantMoveSpec> { new("acme", "stable", "edge") };
        var run = await h.Registry.Waves.BeginRunAsync(new OperationIntent("tenant-waves", ["edge", "stable"], "crashed-run", ""), [moves], 1, 1, null, null, default);
        var wave = await h.Registry.Waves.MoveWaveAsync(run, 1, 1, moves, "crashed-run", "", default);
        LeakStableCredentialIntoEdge(h);

        var stacks = new Mock<IStackRunner>(MockBehavior.Strict);
        var files = Snapshot.Of(h.Repo.Root);

        // The registry's move of acme is drift in both stack files too; their convergence is refused while the run is
        // unfinished (exit 6 for those findings), so nothing at all reaches a stack.
        var r = await h.RunAsync(stacks.Object, "reconcile", "--apply");

        r.ExitCode.ShouldBe(ExitCodes.Infrastructure, r.Out + r.Err);
        r.Out.ShouldContain($"#{run}");
        r.Out.ShouldContain("finish the current wave");
        r.Out.ShouldContain("-> REFUSED: policy: ");
        r.Out.ShouldContain("salesforce-prod-cred");
        stacks.Invocations.ShouldBeEmpty();
        Snapshot.Of(h.Repo.Root).ShouldBe(files);
        (await h.Log.FindAsync(run, default))!.Status.ShouldBe("pending");
        (await h.Log.FindAsync(wave.WaveId, default))!.Status.ShouldBe("pending");
    }

    [Fact]
    public async Task ReconcileApply_DoesNotDeployAHandEditedLock_WhileRemovingTenantDrift()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        HandEditEdgeLock(h.Repo);
        h.Repo.Replace("Pulumi.edge.yaml", "    - bar\n", "");

        var r = await RefusedAsync(h, ExitCodes.GateRefused, "reconcile", "--apply");

        r.Result.OutLines.ShouldContain(l => l.StartsWith("drift edge: ", StringComparison.Ordinal) && l.Contains("-> REFUSED: provenance: edge's lock carries orders 1.6.1", StringComparison.Ordinal)
            && l.EndsWith("then reconcile --apply again (nothing was written)", StringComparison.Ordinal));
        (r.Kind, string.Join(",", r.Rings)).ShouldBe(("reconcile", "edge"));
    }

    [Fact]
    public async Task AHandEditedLock_IsRefusedByUpAndSecretsSync_UnlessNewVersionIsOverridden()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        HandEditEdgeLock(h.Repo);
        var unrecorded = "provenance: edge's lock carries orders 1.6.1, which was never promoted into it (the registry records 1.6.0): promote it, or override new-version";

        var up = await RefusedAsync(h, ExitCodes.GateRefused, "up", "edge", "--yes");
        up.Result.ErrLines.ShouldBe(["ringctl: up edge refused:", unrecorded]);
        var sync = await RefusedAsync(h, ExitCodes.GateRefused, "secrets", "sync", "--yes");
        sync.Result.ErrLines.ShouldBe(["ringctl: secrets sync canary, edge, stable refused:", unrecorded]);
        var promote = await RefusedAsync(h, ExitCodes.GateRefused, "promote", "ai", "--from", "canary", "--to", "edge", "--yes");
        promote.Result.ErrLines.Last().ShouldBe(unrecorded);

        var overridden = await h.RunAsync(new FakeStacks(h.Repo.Root), "up", "edge", "--override", "new-version", "--reason", "hand-built hotfix", "--yes");

        overridden.ExitCode.ShouldBe(0, overridden.Err);
        (await HistoryAsync(h))[0]!["overrides"]!.AsArray().Select(o => o!.ToString()).ShouldBe(["new-version"]);
    }

    [Fact]
    public async Task ATenantMove_IntoARingWithAHandEditedLock_IsRefused_ItWouldDeployTheEdit()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        HandEditEdgeLock(h.Repo);

        var r = await RefusedAsync(h, ExitCodes.GateRefused, "tenant", "assign", "acme", "edge", "--yes");

        r.Result.ErrLines.ShouldBe(["ringctl: assign acme to edge refused:",
            "provenance: edge's lock carries orders 1.6.1, which was never promoted into it (the registry records 1.6.0): promote it or restore the lock (git checkout stacks/locks/edge.lock.json), then move the tenant"]);
        (r.Kind, string.Join(",", r.Rings)).ShouldBe(("tenant-move", "stable,edge"));
        (await h.Registry.RingOfTenantAsync("acme", default)).ShouldBe("stable");
    }

    [Fact]
    public async Task ATenantsRegionChange_GoesThroughTheTenantAssignGates_AHandEditedLockRefusesIt()
    {
        // A region change updates the tenant's ring (cluster by cluster): it would deploy the ring's files as they are.
        await using var h = await OpsHarness.CreateAsync(_pg, r => r.AddClusters());
        HandEditEdgeLock(h.Repo);

        var r = await RefusedAsync(h, ExitCodes.GateRefused, "tenant", "assign", "widgets", "--region", "us", "--yes");

        r.Result.ErrLines[0].ShouldBe("ringctl: set widgets's home region: eu → us (ring edge) refused:");
        r.Result.ErrLines[1].ShouldStartWith("provenance: edge's lock carries orders 1.6.1, which was never promoted into it");
        (r.Kind, string.Join(",", r.Rings)).ShouldBe(("tenant-region", "edge"));
        (await h.Registry.HomeRegionsAsync(default))["widgets"].ShouldBe("eu");
    }

    [Fact]
    public async Task TenantWaves_IntoAFrozenRing_AreRefusedWhole_ThoughASingleAssignOnlyNotesTheFreeze()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        FreezeStable(h);

        var r = await RefusedAsync(h, ExitCodes.GateRefused, "tenant", "move", "--to", "stable", "--tenants", "test-canary,widgets", "--wave-size", "1", "--yes");

        r.Result.ErrLines.ShouldBe(["ringctl: move 2 tenant(s) to stable refused:", $"freeze: stable is frozen until {FrozenUntil} (year-end change freeze)"]);
        (r.Kind, string.Join(",", r.Rings)).ShouldBe(("tenant-waves", "stable,canary,edge"));
        var single = await h.RunAsync(new FakeStacks(h.Repo.Root), "tenant", "assign", "test-canary", "stable", "--yes");
        single.ExitCode.ShouldBe(0, single.Err);
        // Noted: the move's own row (written by the registry's compare-and-set) keeps the gate's note.
        var row = (await h.Log.HistoryAsync(null, "test-canary", null, 1, default)).ShouldHaveSingleItem();
        (row.Kind, row.Status).ShouldBe(("tenant-move", "succeeded"));
        row.Notes.ShouldBe([$"ran inside a freeze window: stable is frozen until {FrozenUntil} (year-end change freeze)"]);
    }

    [Fact]
    public async Task TenantWaves_IntoAHeldRing_AreRefusedWhole_AndSoIsAResumeOrARevertIntoIt()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        await using (var c = new Npgsql.NpgsqlConnection(h.ConnectionString))
        {
            await c.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand("update module_rings set held = true, held_reason = 'verify --metrics: error_rate 0.07 > 0.05' where name = 'canary'", c);
            await cmd.ExecuteNonQueryAsync();
        }

        var r = await RefusedAsync(h, ExitCodes.GateRefused, "tenant", "move", "--to", "canary", "--from-ring", "stable", "--yes");

        r.Result.ErrLines.ShouldBe(["ringctl: move 2 tenant(s) to canary refused:",
            "held: canary is held (verify --metrics: error_rate 0.07 > 0.05): it receives no tenants until it verifies again (ringctl verify canary)"]);

        // A run into edge that stopped after its first wave; then edge is held: --resume passes the same gates and is refused.
        using var failing = new LoopbackHttp((_, _) => (503, "{}"));
        var stopped = await h.RunAsync(new FakeStacks(h.Repo.Root), "tenant", "move", "--to", "edge", "--tenants", "acme,foo", "--wave-size", "1", "--url", failing.Url, "--yes");
        stopped.ExitCode.ShouldBe(ExitCodes.Infrastructure, stopped.Err);
        var run = (await h.Log.HistoryAsync(null, null, null, 100, default)).Single(o => o.Kind == "tenant-waves" && o.Status == "failed").Id;
        await using (var c = new Npgsql.NpgsqlConnection(h.ConnectionString))
        {
            await c.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand("update module_rings set held = true, held_reason = 'verify: 503' where name = 'edge'", c);
            await cmd.ExecuteNonQueryAsync();
        }

        var resumed = await RefusedAsync(h, ExitCodes.GateRefused, "tenant", "move", "--resume", run.ToString(System.Globalization.CultureInfo.InvariantCulture), "--yes");
        resumed.Result.Err.ShouldContain("held: edge is held (verify: 503)");
        (await h.Registry.RingOfTenantAsync("foo", default)).ShouldBe("stable");

        // The revert moves acme back into stable; stable is frozen now: refused too.
        FreezeStable(h);
        var reverted = await RefusedAsync(h, ExitCodes.GateRefused, "tenant", "move", "--revert", run.ToString(System.Globalization.CultureInfo.InvariantCulture), "--yes");
        reverted.Result.Err.ShouldContain($"freeze: stable is frozen until {FrozenUntil}");
        (await h.Registry.RingOfTenantAsync("acme", default)).ShouldBe("edge");
    }

    [Fact]
    public async Task TenantWaves_IntoARingWithAHandEditedLock_AreRefused_TheyWouldDeployTheEdit()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        HandEditEdgeLock(h.Repo);

        var r = await RefusedAsync(h, ExitCodes.GateRefused, "tenant", "move", "--to", "edge", "--tenants", "acme", "--yes");

        r.Result.ErrLines.ShouldBe(["ringctl: move 1 tenant(s) to edge refused:",
            "provenance: edge's lock carries orders 1.6.1, which was never promoted into it (the registry records 1.6.0): promote it or restore the lock (git checkout stacks/locks/edge.lock.json), then move the tenants"]);
    }

    [Fact]
    public async Task TheRollout_StopsAtAFrozenRingOrAHandEditedLock_WithTheGatesExitCode()
    {
        using var git = new GitRepo();
        HandEditEdgeLock(git.Files);
        git.Commit("a pull request edits edge's lock by hand");
        var registry = await CiScripts.RegistryAsync(_pg, git);
        // The registry knew edge at 1.6.0 before the edit.
        await using (var db = new RegistryDatabase(registry))
        {
            await new RingRegistry(db).RecordLandingAsync("edge", "orders", "1.6.0", default);
        }

        var scripts = new CiScripts(git);

        var (code, _, err) = scripts.Run("rollout.sh", registry);

        code.ShouldBe(ExitCodes.GateRefused, err);
        err.ShouldContain("provenance: edge's lock carries orders 1.6.1, which was never promoted into it (the registry records 1.6.0)");
        err.ShouldContain("rollout.sh: stopped at edge (refused by its gates, exit 4)");
        scripts.SimulatedCalls().ShouldNotContain("update edge");
        scripts.SimulatedCalls().ShouldNotContain("update stable");

        // Once the version is promoted (recorded), edge passes; a freeze on stable stops the rollout there.
        await using (var db = new RegistryDatabase(registry))
        {
            await new RingRegistry(db).RecordLandingAsync("edge", "orders", "1.6.1", default);
        }

        FreezeStable(git.Files);
        git.Commit("freeze stable");
        (code, _, err) = scripts.Run("rollout.sh", registry);

        code.ShouldBe(ExitCodes.GateRefused, err);
        err.ShouldContain($"freeze: stable is frozen until {FrozenUntil} (year-end change freeze)");
        err.ShouldContain("rollout.sh: stopped at stable (refused by its gates, exit 4)");
        scripts.SimulatedCalls().ShouldContain("update edge");
        scripts.SimulatedCalls().ShouldNotContain("update stable");
    }

    // --- input first ----------------------------------------------------------------------------------

    public static TheoryData<string[], string> BadInput() => new()
    {
        { ["promote", "no-such-module", "--from", "edge", "--to", "stable", "--yes"], "ringctl: module: 'no-such-module' is not in edge's lock (23 modules: " },
        { ["promote", "orders", "--version", "not-a-version", "--to", "edge", "--yes"], "ringctl: --version: must be a semantic version MAJOR.MINOR.PATCH such as 1.6.0 (got not-a-version)" },
        { ["rollback", "orders", "--ring", "no-ring", "--yes"], "ringctl: --ring: 'no-ring' is not a ring of this repository (known: stable, edge, canary)" },
        { ["rollback", "orders", "--ring", "edge", "--to-version", "1.x", "--yes"], "ringctl: --to-version: must be a semantic version MAJOR.MINOR.PATCH such as 1.6.0 (got 1.x)" },
        { ["promote", "orders", "--from", "edge", "--to", "stable", "--approved-by", "bad name", "--yes"], "ringctl: --approved-by: must be a user name (letters, digits, '.', '_', '-', '@') (got 'bad name')" },
        { ["promote", "orders", "--from", "edge", "--to", "stable", "--override", "bake,policy", "--reason", "x", "--yes"], "ringctl: --override: 'policy' is not a gate that can be overridden (allowed: bake, freeze, health, metrics, new-version, order)" },
        { ["up", "edge", "--override", "bakee", "--reason", "x", "--yes"], "ringctl: --override: 'bakee' is not a gate that can be overridden (allowed: bake, freeze, health, metrics, new-version, order)" },
        { ["ring", "add", "Q_A", "--order", "30", "--segment", "qa", "--yes"], "ringctl: name: must be a DNS label" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task BadInput_IsNamed_OnAMachineWithoutAStackBackendOrARegistry(string[] args, string message)
    {
        using var repo = new RingInfra.Core.Tests.Support.TempRepo();
        var files = Snapshot.Of(repo.Root);
        // Nothing listens on port 1: any attempt to open the registry would fail with exit 6.
        var options = new CliContextOptions("postgres://nobody@127.0.0.1:1/none", _ => new UnavailableStackRunner("no Pulumi here"));

        var result = await RingCtlRunner.RunAsync(repo.Root, options, args);

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.Err);
        result.ErrLines[0].ShouldStartWith(message);
        result.Err.ShouldNotContain("cannot update stacks here");
        Snapshot.Of(repo.Root).ShouldBe(files);
    }
}
