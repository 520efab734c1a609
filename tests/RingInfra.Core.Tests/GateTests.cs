using RingInfra.Core.Config;
using RingInfra.Core.Locks;
using RingInfra.Core.Promotion;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Core.Tests;

/// <summary>The promotion gates as a table: each case names the refusals it must produce, word for word.</summary>
public sealed class GateTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static RingConfig Ring(string name) => Repo.LoadFleet().Find(name)!.Config;

    private static PromotionRequest Request(string? from, string to, string version = "1.6.0", string? current = "1.5.0", double bakedHours = 24 * 8,
        bool healthy = true, bool force = false, string? approver = "alice", bool rollback = false, DateTimeOffset? now = null) => new()
    {
        Module = "orders",
        Source = from is null ? null : Ring(from),
        Target = Ring(to),
        Version = SemanticVersion.Parse(version),
        Current = current is null ? null : SemanticVersion.Parse(current),
        LandedInSource = bakedHours < 0 ? null : (now ?? Now) - TimeSpan.FromHours(bakedHours),
        SourceHealthy = healthy,
        Orders = [0, 10, 20],
        Force = force,
        ApprovedBy = approver,
        IsRollback = rollback,
        Now = now ?? Now,
    };

    public static TheoryData<string, PromotionRequest, string[]> Cases() => new()
    {
        { "adjacent, baked, healthy, approved", Request("edge", "stable"), [] },
        { "canary to edge after 25h", Request("canary", "edge", bakedHours: 25, approver: null), [] },
        { "skip canary to stable", Request("canary", "stable"), ["order: canary -> stable skips the ring at order 10; promote through it first (--force to override)"] },
        { "skip with --force", Request("canary", "stable", force: true), [] },
        { "backwards", Request("stable", "edge"), ["order: stable (order 0) -> edge (order 10) moves backwards; promotions go towards order 0 (--force to override)"] },
        { "not baked", Request("canary", "edge", bakedHours: 5),
            ["bake: orders 1.6.0 landed in canary 5h 0m ago (2026-11-22T07:00:00Z); its bake time is 1d, 19h 0m to go"] },
        { "never landed", Request("canary", "edge", bakedHours: -1),
            ["bake: orders 1.6.0 has no recorded landing in canary; it must bake there for 1d (ringctl promote it into canary first)"] },
        { "unhealthy source", Request("edge", "stable", healthy: false), ["health: edge is held after a failed verification; fix it and run ringctl verify edge"] },
        { "protected without approver", Request("edge", "stable", approver: null), ["approval: stable is protected: name the approver with --approved-by"] },
        { "inside the freeze window", Request("edge", "stable", now: new DateTimeOffset(2026, 12, 24, 9, 0, 0, TimeSpan.Zero)),
            ["freeze: stable is frozen until 2027-01-05T00:00:00Z (year-end change freeze)"] },
        { "already there", Request("edge", "stable", version: "1.5.0"), ["version: stable already runs orders 1.5.0"] },
        { "downgrade", Request("edge", "stable", version: "1.4.0"), ["version: orders 1.4.0 is older than 1.5.0 in stable: use ringctl rollback, or --force"] },
        { "every gate at once", Request("canary", "stable", version: "1.4.0", bakedHours: 1, healthy: false, approver: null, now: new DateTimeOffset(2026, 12, 24, 9, 0, 0, TimeSpan.Zero)),
            [
                "version: orders 1.4.0 is older than 1.5.0 in stable: use ringctl rollback, or --force",
                "order: canary -> stable skips the ring at order 10; promote through it first (--force to override)",
                "bake: orders 1.4.0 landed in canary 1h 0m ago (2026-12-24T08:00:00Z); its bake time is 1d, 23h 0m to go",
                "health: canary is held after a failed verification; fix it and run ringctl verify canary",
                "approval: stable is protected: name the approver with --approved-by",
                "freeze: stable is frozen until 2027-01-05T00:00:00Z (year-end change freeze)",
            ] },
        { "pinned version: no order, bake or health gates", Request(null, "edge", version: "1.9.0", current: "1.6.0", healthy: false), [] },
        { "rollback skips bake, order and freeze", Request(null, "stable", version: "1.4.0", rollback: true, now: new DateTimeOffset(2026, 12, 24, 9, 0, 0, TimeSpan.Zero)), [] },
        { "rollback still needs an approver", Request(null, "stable", version: "1.4.0", rollback: true, approver: null), ["approval: stable is protected: name the approver with --approved-by"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gates_RefuseExactlyAsTheTableSays(string name, PromotionRequest request, string[] refusals)
    {
        var decision = PromotionGates.Evaluate(request);
        decision.Refusals.Select(r => r.ToString()).ShouldBe(refusals, name);
        decision.Allowed.ShouldBe(refusals.Length == 0);
    }

    [Fact]
    public void CommitMessage_IsDoc000s()
    {
        CommitMessage.Promote("edge", "orders", SemanticVersion.Parse("1.5.0"), SemanticVersion.Parse("1.6.0")).ShouldBe("promote(edge): orders 1.5.0 → 1.6.0");
    }
}
