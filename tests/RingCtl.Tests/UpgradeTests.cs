using Moq;
using RingCtl.Cli;
using RingCtl.Stacks;
using RingCtl.Tests.Support;
using RingInfra.Core.Rendering;

namespace RingCtl.Tests;

/// <summary>
/// Module upgrades (issue 16) against the real registry: a version's upgrade Job runs once, in the first ring that gets
/// it (recorded in module_upgrades), never again elsewhere and never on a rollback; a failed update with an upgrade
/// restores the lock, holds the ring and names the Job and where its logs are.
/// </summary>
[Collection("postgres")]
public sealed class UpgradeTests
{
    private static readonly string Sha = new('e', 64);

    private readonly PostgresFixture _pg;

    public UpgradeTests(PostgresFixture pg)
    {
        _pg = pg;
    }

    private static async Task<string?> UpgradedInAsync(OpsHarness h, string module, string version) =>
        await h.Registry.UpgradedInAsync(module, version, default);

    [Fact]
    public async Task ANewVersion_UpgradesInTheFirstRing_AndNowhereAfter()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var stacks = new FakeStacks(h.Repo.Root);

        var first = await h.RunAsync(stacks, "promote", "orders", "--version", "1.8.0", "--sha256", Sha, "--to", "canary", "--yes");

        first.ExitCode.ShouldBe(ExitCodes.Ok, first.Err);
        var canary = h.Repo.Load().Find("canary")!;
        canary.Config.Upgrade.ShouldNotBeNull();
        canary.Config.Upgrade!.LockHash.ShouldBe(canary.Lock.Hash);
        canary.Config.Upgrade.Modules.ShouldBe(["orders"]);
        UpgradeObjects.Renders(canary).ShouldBeTrue("the ring's next render carries the Job");
        first.Err.ShouldContain($"module upgrade: orders 1.8.0 upgrade in canary first (Job {UpgradeObjects.JobName(canary.Lock.Hash)} in autocom-canary), before its pods roll");
        (await UpgradedInAsync(h, "orders", "1.8.0")).ShouldBe("canary");

        // The same version into edge: its migrations ran already (tenant databases are shared): no Job, and it says so.
        await h.LandedAsync(TimeSpan.FromHours(30), "canary", "orders");
        var dry = await h.RunAsync(stacks, "promote", "orders", "--from", "canary", "--to", "edge", "--dry-run");
        dry.ExitCode.ShouldBe(ExitCodes.Ok, dry.Err);
        dry.Err.ShouldContain("orders 1.8.0 was upgraded in canary already: no module upgrade Job");
        dry.Out.ShouldNotContain("Job autocom-edge/");
        var second = await h.RunAsync(stacks, "promote", "orders", "--from", "canary", "--to", "edge", "--yes");
        second.ExitCode.ShouldBe(ExitCodes.Ok, second.Err);
        var edge = h.Repo.Load().Find("edge")!;
        UpgradeObjects.Renders(edge).ShouldBeFalse();
        h.Repo.Read("Pulumi.edge.yaml").ShouldNotContain("ring-infra:upgrade");
        (await UpgradedInAsync(h, "orders", "1.8.0")).ShouldBe("canary");
    }

    [Fact]
    public async Task ADryRunOfAnUpgradingPromotion_ListsTheJob_AndARollbackNeverUpgrades()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var stacks = new FakeStacks(h.Repo.Root);

        var dry = await h.RunAsync(stacks, "promote", "orders", "--version", "1.8.0", "--sha256", Sha, "--to", "canary", "--dry-run");
        dry.ExitCode.ShouldBe(ExitCodes.Ok, dry.Err);
        dry.Out.ShouldContain("Job autocom-canary/module-upgrade-");
        dry.Err.ShouldContain("module upgrade: orders 1.8.0 upgrade in canary first");

        (await h.RunAsync(stacks, "promote", "orders", "--version", "1.8.0", "--sha256", Sha, "--to", "canary", "--yes")).ExitCode.ShouldBe(ExitCodes.Ok);
        var rollback = await h.RunAsync(stacks, "rollback", "orders", "--ring", "canary", "--yes");
        rollback.ExitCode.ShouldBe(ExitCodes.Ok, rollback.Err);
        rollback.Err.ShouldContain("migrations are forward-only: a rollback runs no module upgrade");
        UpgradeObjects.Renders(h.Repo.Load().Find("canary")!).ShouldBeFalse("the entry is for the promoted lock, not the restored one");
    }

    /// <summary>The update fails (the provider reports the Job failed): the exact stack calls, the lock restored, the ring held, the Job named.</summary>
    [Fact]
    public async Task AFailedUpgrade_RestoresTheLock_HoldsTheRing_AndNamesTheJob()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var canary = StackId.Ring("canary");
        var before = h.Repo.Read("stacks/locks/canary.lock.json");
        var stacks = new Mock<IStackRunner>(MockBehavior.Strict);
        var seq = new MockSequence();
        stacks.InSequence(seq).Setup(s => s.SelectOrCreateAsync(canary, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        stacks.InSequence(seq).Setup(s => s.UpdateAsync(canary, It.IsAny<IProgress<string>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("kubernetes:batch/v1:Job (module-upgrade): Job has reached the specified backoff limit"));
        stacks.InSequence(seq).Setup(s => s.SelectOrCreateAsync(canary, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        stacks.InSequence(seq).Setup(s => s.UpdateAsync(canary, It.IsAny<IProgress<string>>(), It.IsAny<CancellationToken>())).ReturnsAsync(StackChanges.None);

        var result = await h.RunAsync(stacks.Object, "promote", "orders", "--version", "1.8.0", "--sha256", Sha, "--to", "canary", "--yes");

        result.ExitCode.ShouldBe(ExitCodes.Infrastructure);
        stacks.VerifyAll();
        stacks.Invocations.Count.ShouldBe(4);
        var next = h.Repo.Load().Find("canary")!.Lock.With(new RingInfra.Core.Locks.LockedModule("orders", RingInfra.Core.Locks.SemanticVersion.Parse("1.8.0"), "Orders-1.8.0.zip", Sha));
        var job = UpgradeObjects.JobName(next.Hash);
        var message = result.ErrLines.Last();
        message.ShouldContain("the previous lock of canary was restored and its stack re-converged; canary is held until `ringctl verify canary` passes.");
        message.ShouldContain($"The module upgrade Job {job} in namespace autocom-canary ran before any pod could roll; if it failed, its logs are kept until its TTL: kubectl logs -n autocom-canary job/{job}");
        h.Repo.Read("stacks/locks/canary.lock.json").ShouldBe(before);
        (await h.Registry.FindRingAsync("canary", default))!.Held.ShouldBeTrue();
        (await UpgradedInAsync(h, "orders", "1.8.0")).ShouldBeNull("nothing was upgraded");
        UpgradeObjects.Renders(h.Repo.Load().Find("canary")!).ShouldBeFalse("the restored lock renders no Job: the re-converge drops it from the stack (the cluster keeps it: retained)");
    }
}
