using RingInfra.Core.Config;
using RingInfra.Core.Locks;
using RingInfra.Core.Promotion;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Core.Tests;

/// <summary>
/// The gates as a table: every path × every gate, each case naming the refusals it must produce, word for word.
/// The table of which gate applies to which path is pinned too, so a new path cannot forget one.
/// </summary>
public sealed class GateTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset InFreeze = new(2026, 12, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly SemanticVersion V = SemanticVersion.Parse("1.6.0");

    private static RingConfig Ring(string name) => Repo.LoadFleet().Find(name)!.Config;

    private static SemanticVersion Ver(string v) => SemanticVersion.Parse(v);

    private static ChangeRequest Promote(string? from, string to, string version = "1.6.0", string? current = "1.5.0", double bakedHours = 24 * 8,
        bool healthy = true, string? approver = "platform-lead", DateTimeOffset? now = null, bool isNew = false, string overrides = "", string actor = "ci") => new()
    {
        Path = ChangePath.Promote,
        Module = "orders",
        Source = from is null ? null : Ring(from),
        Target = Ring(to),
        Version = Ver(version),
        Current = current is null ? null : Ver(current),
        LandedInSource = bakedHours < 0 ? null : (now ?? Now) - TimeSpan.FromHours(bakedHours),
        SourceHealthy = healthy,
        Orders = [0, 10, 20],
        IsNewVersion = isNew,
        ApprovedBy = approver,
        Actor = actor,
        Overrides = GateTable.ParseOverrides(overrides).Gates,
        Now = now ?? Now,
    };

    private static ChangeRequest Rollback(string ring, string version, string current = "1.6.0", string[]? ran = null, string? lastRollbackFrom = null,
        string? approver = "platform-lead", DateTimeOffset? now = null, string actor = "ci") => new()
    {
        Path = ChangePath.Rollback,
        Module = "orders",
        Target = Ring(ring),
        Version = Ver(version),
        Current = Ver(current),
        RanBefore = [.. (ran ?? ["1.4.0", "1.5.0", "1.6.0"]).Select(Ver)],
        LastRollbackFrom = lastRollbackFrom is null ? null : Ver(lastRollbackFrom),
        ApprovedBy = approver,
        Actor = actor,
        Now = now ?? Now,
    };

    private static ChangeRequest Other(ChangePath path, string ring, DateTimeOffset? now = null, string[]? violations = null, bool unrecorded = false,
        string overrides = "", string? approver = null) => new()
    {
        Path = path,
        Target = Ring(ring),
        Actor = "ci",
        ApprovedBy = approver,
        Now = now ?? Now,
        Violations = violations ?? [],
        Unrecorded = unrecorded ? [("orders", "9.9.9", "1.5.0")] : [],
        Overrides = GateTable.ParseOverrides(overrides).Gates,
    };

    public static TheoryData<string, ChangeRequest, string[]> Cases() => new()
    {
        // promote --from
        { "promote: adjacent, baked, healthy, approved", Promote("edge", "stable"), [] },
        { "promote: canary to edge after 25h, unprotected", Promote("canary", "edge", bakedHours: 25, approver: null), [] },
        { "promote: skip", Promote("canary", "stable"), ["order: canary -> stable skips the ring at order 10; promote through it first"] },
        { "promote: skip, order overridden", Promote("canary", "stable", overrides: "order"), [] },
        { "promote: backwards", Promote("stable", "edge"), ["order: stable (order 0) -> edge (order 10) moves backwards; promotions go towards order 0"] },
        { "promote: not baked", Promote("canary", "edge", bakedHours: 5),
            ["bake: orders 1.6.0 landed in canary 5h 0m ago (2026-11-22T07:00:00Z); its bake time is 1d, 19h 0m to go"] },
        { "promote: never landed", Promote("canary", "edge", bakedHours: -1),
            ["bake: orders 1.6.0 has no recorded landing in canary; it must bake there for 1d (ringctl promote it into canary first)"] },
        { "promote: not baked, bake overridden", Promote("canary", "edge", bakedHours: 5, overrides: "bake"), [] },
        { "promote: unhealthy source", Promote("edge", "stable", healthy: false), ["health: edge is held after a failed verification; fix it and run ringctl verify edge"] },
        { "promote: protected, no approver", Promote("edge", "stable", approver: null), ["approval: stable is protected: name the approver with --approved-by (one of platform-lead, release-manager)"] },
        { "promote: unknown approver", Promote("edge", "stable", approver: "mallory"), ["approval: mallory is not an approver of stable (its approvers: platform-lead, release-manager)"] },
        { "promote: self-approval", Promote("edge", "stable", approver: "platform-lead", actor: "platform-lead"),
            ["approval: platform-lead cannot approve their own change to stable: another approver must (one of platform-lead, release-manager)"] },
        { "promote: inside the freeze window", Promote("edge", "stable", now: InFreeze), ["freeze: stable is frozen until 2027-01-05T00:00:00Z (year-end change freeze)"] },
        { "promote: freeze overridden", Promote("edge", "stable", now: InFreeze, overrides: "freeze"), [] },
        { "promote: already there", Promote("edge", "stable", version: "1.5.0"), ["version: stable already runs orders 1.5.0"] },
        { "promote: never moves back", Promote("edge", "stable", version: "1.4.0"), ["version: orders 1.4.0 is older than 1.5.0 in stable: a promotion never moves back; use ringctl rollback"] },
        { "promote --version: a new version at the edge", Promote(null, "canary", version: "9.9.9", current: "1.5.0", isNew: true, approver: null), [] },
        { "promote --version: a new version straight into stable", Promote(null, "stable", version: "9.9.9", isNew: true),
            ["new-version: orders 9.9.9 runs in no ring yet: a new version enters at the least conservative ring (order 20), not stable (order 0)"] },
        { "promote --version: new-version overridden", Promote(null, "stable", version: "9.9.9", isNew: true, overrides: "new-version"), [] },
        { "promote: every gate at once", Promote("canary", "stable", version: "1.4.0", bakedHours: 1, healthy: false, approver: null, now: InFreeze),
            [
                "version: orders 1.4.0 is older than 1.5.0 in stable: a promotion never moves back; use ringctl rollback",
                "order: canary -> stable skips the ring at order 10; promote through it first",
                "bake: orders 1.4.0 landed in canary 1h 0m ago (2026-12-24T08:00:00Z); its bake time is 1d, 23h 0m to go",
                "health: canary is held after a failed verification; fix it and run ringctl verify canary",
                "approval: stable is protected: name the approver with --approved-by (one of platform-lead, release-manager)",
                "freeze: stable is frozen until 2027-01-05T00:00:00Z (year-end change freeze)",
            ] },
        { "promote: another module of the lock was hand-edited", Promote("edge", "stable") with { Unrecorded = [("orders", "1.5.0", "1.4.0"), ("billing", "9.9.9", "2.0.0")] },
            ["provenance: stable's lock carries billing 9.9.9, which was never promoted into it (the registry records 2.0.0): promote it, or override new-version"] },
        { "promote: a policy violation", Promote("edge", "stable") with { Violations = ["Secret autocom/x: bad [credential-isolation]"] }, ["policy: Secret autocom/x: bad [credential-isolation]"] },

        // rollback
        { "rollback: to an older version it ran", Rollback("edge", "1.5.0", approver: null), [] },
        { "rollback: never rolls forward", Rollback("edge", "1.7.0", approver: null), ["rollback: orders 1.7.0 is newer than 1.6.0 in edge: a rollback never rolls forward; promote instead"] },
        { "rollback: a version the ring never ran", Rollback("edge", "1.3.0", approver: null), ["rollback: edge never ran orders 1.3.0; it can go back to 1.5.0, 1.4.0"] },
        { "rollback: rolling back a rollback", Rollback("edge", "1.7.0", lastRollbackFrom: "1.7.0", approver: null),
            ["rollback: the last change of orders in edge was a rollback from 1.7.0: rolling it back would roll forward; promote orders 1.7.0 instead"] },
        { "rollback: already there", Rollback("edge", "1.6.0", approver: null), ["version: edge already runs orders 1.6.0"] },
        { "rollback: protected, no approver", Rollback("stable", "1.5.0", approver: null), ["approval: stable is protected: name the approver with --approved-by (one of platform-lead, release-manager)"] },
        { "rollback: unknown approver", Rollback("stable", "1.5.0", approver: "mallory"), ["approval: mallory is not an approver of stable (its approvers: platform-lead, release-manager)"] },
        { "rollback: self-approval", Rollback("stable", "1.5.0", approver: "release-manager", actor: "release-manager"),
            ["approval: release-manager cannot approve their own change to stable: another approver must (one of platform-lead, release-manager)"] },
        { "rollback: another module of the lock was hand-edited", Rollback("edge", "1.5.0", approver: null) with { Unrecorded = [("billing", "9.9.9", null)] },
            ["provenance: edge's lock carries billing 9.9.9, which was never promoted into it (the registry records no landing): restore the lock (git checkout stacks/locks/edge.lock.json), then roll back"] },
        { "rollback: inside a freeze it runs (and is noted)", Rollback("stable", "1.5.0", now: InFreeze), [] },
        { "rollback: a policy violation", Rollback("edge", "1.5.0", approver: null) with { Violations = ["v"] }, ["policy: v"] },

        // up and the rollout
        { "up: nothing wrong", Other(ChangePath.Up, "stable"), [] },
        { "up: frozen", Other(ChangePath.Up, "stable", now: InFreeze), ["freeze: stable is frozen until 2027-01-05T00:00:00Z (year-end change freeze)"] },
        { "up: frozen, overridden without approver on a protected ring", Other(ChangePath.Up, "stable", now: InFreeze, overrides: "freeze"),
            ["approval: stable is protected and gates are overridden: name the approver with --approved-by (one of platform-lead, release-manager)"] },
        { "up: frozen, overridden with an approver", Other(ChangePath.Up, "stable", now: InFreeze, overrides: "freeze", approver: "release-manager"), [] },
        { "up: overridden, unknown approver", Other(ChangePath.Up, "stable", now: InFreeze, overrides: "freeze", approver: "mallory"),
            ["approval: mallory is not an approver of stable (its approvers: platform-lead, release-manager)"] },
        { "up: overridden, self-approval", Other(ChangePath.Up, "stable", now: InFreeze, overrides: "freeze", approver: "release-manager") with { Actor = "release-manager" },
            ["approval: release-manager cannot approve their own change to stable: another approver must (one of platform-lead, release-manager)"] },
        { "up: a hand-edited lock", Other(ChangePath.Up, "edge", unrecorded: true),
            ["provenance: edge's lock carries orders 9.9.9, which was never promoted into it (the registry records 1.5.0): promote it, or override new-version"] },
        { "up: a hand-edited lock, new-version overridden", Other(ChangePath.Up, "edge", unrecorded: true, overrides: "new-version"), [] },
        { "up: a policy violation", Other(ChangePath.Up, "canary", violations: ["p"]), ["policy: p"] },

        // ring add, secrets sync, reconcile
        { "ring add: frozen", Other(ChangePath.RingAdd, "stable", now: InFreeze), ["freeze: stable is frozen until 2027-01-05T00:00:00Z (year-end change freeze)"] },
        { "ring add: a policy violation", Other(ChangePath.RingAdd, "canary", violations: ["p"]), ["policy: p"] },
        { "secrets sync: runs in a freeze", Other(ChangePath.SecretsSync, "stable", now: InFreeze), [] },
        { "secrets sync: a hand-edited lock", Other(ChangePath.SecretsSync, "edge", unrecorded: true),
            ["provenance: edge's lock carries orders 9.9.9, which was never promoted into it (the registry records 1.5.0): promote it, or override new-version"] },
        { "tenant move: runs in a freeze", Other(ChangePath.TenantMove, "stable", now: InFreeze), [] },
        { "tenant move: a hand-edited lock", Other(ChangePath.TenantMove, "edge", unrecorded: true),
            ["provenance: edge's lock carries orders 9.9.9, which was never promoted into it (the registry records 1.5.0): promote it or restore the lock (git checkout stacks/locks/edge.lock.json), then move the tenant"] },
        { "tenant move: a policy violation", Other(ChangePath.TenantMove, "canary", violations: ["p"]), ["policy: p"] },
        { "tenant waves: nothing wrong", Other(ChangePath.TenantWaves, "edge"), [] },
        { "tenant waves: frozen (planned work waits for the window)", Other(ChangePath.TenantWaves, "stable", now: InFreeze),
            ["freeze: stable is frozen until 2027-01-05T00:00:00Z (year-end change freeze)"] },
        { "tenant waves: a held ring receives no tenants", Other(ChangePath.TenantWaves, "edge") with { Held = "verify --metrics: error rate 5%" },
            ["held: edge is held (verify --metrics: error rate 5%): it receives no tenants until it verifies again (ringctl verify edge)"] },
        { "tenant waves: a hand-edited lock", Other(ChangePath.TenantWaves, "edge", unrecorded: true),
            ["provenance: edge's lock carries orders 9.9.9, which was never promoted into it (the registry records 1.5.0): promote it or restore the lock (git checkout stacks/locks/edge.lock.json), then move the tenants"] },
        { "tenant waves: a policy violation", Other(ChangePath.TenantWaves, "canary", violations: ["p"]), ["policy: p"] },
        { "tenant move (one tenant): a held ring is no gate of it", Other(ChangePath.TenantMove, "edge") with { Held = "x" }, [] },
        { "set-default: frozen", Other(ChangePath.SetDefault, "stable", now: InFreeze), ["freeze: stable is frozen until 2027-01-05T00:00:00Z (year-end change freeze)"] },
        { "set-default: a policy violation", Other(ChangePath.SetDefault, "edge", violations: ["p"]), ["policy: p"] },
        { "reconcile drift: a hand-edited lock", Other(ChangePath.ReconcileDrift, "edge", unrecorded: true),
            ["provenance: edge's lock carries orders 9.9.9, which was never promoted into it (the registry records 1.5.0): promote it or restore the lock (git checkout stacks/locks/edge.lock.json), then reconcile --apply again"] },
        { "reconcile drift: runs in a freeze", Other(ChangePath.ReconcileDrift, "stable", now: InFreeze), [] },
        { "reconcile resume: only the policies", Other(ChangePath.ReconcileResume, "stable", now: InFreeze, unrecorded: true, violations: ["p"]), ["policy: p"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gates_RefuseExactlyAsTheTableSays(string name, ChangeRequest request, string[] refusals)
    {
        var decision = ChangeGates.Decide(request);
        decision.Refusals.Select(r => r.ToString()).ShouldBe(refusals, name);
        decision.Allowed.ShouldBe(refusals.Length == 0);
    }

    [Fact]
    public void TheGateTable_IsPinned()
    {
        string Row(ChangePath p) => string.Join(",", GateTable.Gates(p).Select(GateTable.Name));
        Row(ChangePath.Promote).ShouldBe("version,order,bake,health,metrics,new-version,approval,freeze,provenance,policy");
        Row(ChangePath.Rollback).ShouldBe("version,rollback,approval,freeze,provenance,policy");
        Row(ChangePath.Up).ShouldBe("approval,freeze,provenance,policy");
        Row(ChangePath.RingAdd).ShouldBe("freeze,policy");
        Row(ChangePath.SecretsSync).ShouldBe("approval,freeze,provenance,policy");
        Row(ChangePath.TenantMove).ShouldBe("freeze,provenance,policy");
        Row(ChangePath.TenantWaves).ShouldBe("held,freeze,provenance,policy");
        Row(ChangePath.SetDefault).ShouldBe("freeze,provenance,policy");
        Row(ChangePath.ReconcileDrift).ShouldBe("freeze,provenance,policy");
        Row(ChangePath.ReconcileResume).ShouldBe("policy");
        GateTable.Overridable.Select(GateTable.Name).Order(StringComparer.Ordinal).ShouldBe(["bake", "freeze", "health", "metrics", "new-version", "order"]);
    }

    [Fact]
    public void Overrides_AreKeptApart_AndARollbackInsideAFreezeIsNoted()
    {
        var overridden = ChangeGates.Decide(Promote("canary", "edge", bakedHours: 5, overrides: "bake"));
        overridden.Overridden.Select(o => o.ToString()).ShouldBe(["bake: orders 1.6.0 landed in canary 5h 0m ago (2026-11-22T07:00:00Z); its bake time is 1d, 19h 0m to go"]);
        ChangeGates.Decide(Rollback("stable", "1.5.0", now: InFreeze)).Notes.ShouldBe(["ran inside a freeze window: stable is frozen until 2027-01-05T00:00:00Z (year-end change freeze)"]);
    }

    [Theory]
    [InlineData("bake,order", "")]
    [InlineData("approval", "--override: 'approval' is not a gate that can be overridden (allowed: bake, freeze, health, metrics, new-version, order)")]
    [InlineData("policy", "--override: 'policy' is not a gate that can be overridden (allowed: bake, freeze, health, metrics, new-version, order)")]
    [InlineData("bakee", "--override: 'bakee' is not a gate that can be overridden (allowed: bake, freeze, health, metrics, new-version, order)")]
    public void OnlyTheOverridableGates_CanBeOverridden(string list, string problem)
    {
        var (_, problems) = GateTable.ParseOverrides(list);
        string.Join("; ", problems).ShouldBe(problem);
    }

    [Fact]
    public void AProtectedRingWithoutApprovers_IsAConfigError()
    {
        using var repo = new TempRepo();
        repo.Replace("Pulumi.stable.yaml", "  ring-infra:approvers:\n    - platform-lead\n    - release-manager\n", "");
        var e = Should.Throw<RingConfigException>(() => repo.Load());
        e.Problems.Select(p => p.Message).ShouldContain("ring 'stable': approvers must name at least one approver: every change to a protected ring needs one (got [])");
    }

    [Fact]
    public void CommitMessage_IsDoc000s()
    {
        CommitMessage.Promote("edge", "orders", SemanticVersion.Parse("1.5.0"), V).ShouldBe("promote(edge): orders 1.5.0 → 1.6.0");
    }
}
