using RingCtl.Cli;
using RingCtl.Tests.Support;
using RingInfra.Core.Locks;

namespace RingCtl.Tests;

/// <summary>
/// A failure at each stack call of each operation leaves the registry, the lock files and the stacks
/// consistent — and the message says what happened and in which state things are.
/// </summary>
[Collection("postgres")]
public sealed class FailureInjectionTests
{
    private readonly PostgresFixture _pg;

    public FailureInjectionTests(PostgresFixture pg)
    {
        _pg = pg;
    }

    public static TheoryData<int> MoveCalls() => [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(MoveCalls))]
    public async Task TenantMove_FailingAtAnyCall_PutsTheRegistryBack_AndReconvergesTouchedStacks(int failAt)
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var stacks = new FakeStacks(h.Repo.Root) { FailAt = failAt };

        var result = await h.RunAsync(stacks, "tenant", "assign", "acme", "canary", "--yes");

        result.ExitCode.ShouldBe(ExitCodes.Infrastructure);
        var failedCall = stacks.Calls.ElementAt(failAt - 1);
        var message = result.ErrLines.Last(); // progress lines come first
        message.ShouldStartWith($"ringctl: assign acme to canary failed at ");
        message.ShouldContain($"injected failure at call {failAt} ({failedCall})");
        message.ShouldContain("The registry was put back (acme is in stable);");
        (await h.Registry.RingOfTenantAsync("acme", default)).ShouldBe("stable");
        var op = (await h.Log.HistoryAsync(null, "acme", null, 10, default)).ShouldHaveSingleItem();
        op.Status.ShouldBe("failed");
        op.Error.ShouldNotBeNull().ShouldContain($"injected failure at call {failAt}");
        foreach (var ring in new[] { "canary", "stable" })
        {
            if (stacks.Deployed(ring) is { } deployed)
            {
                var registry = (await h.Registry.TenantsAsync(ring, default)).Select(t => t.Tenant);
                deployed.Tenants.ShouldBe(registry, $"{ring} after failure at call {failAt}");
            }
        }

        // Whatever had started is driven back to the registry's state, and the message says so.
        message.ShouldEndWith(failAt <= 3 ? "stack(s) canary re-converged." : "stack(s) canary, stable re-converged.");
    }

    public static TheoryData<int> PromoteCalls() => [1, 2, 3];

    [Theory]
    [MemberData(nameof(PromoteCalls))]
    public async Task Promote_FailingAtAnyCall_RestoresTheLock_AndTheStack(int failAt)
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var before = h.Repo.Read("stacks/locks/edge.lock.json");
        var stacks = new FakeStacks(h.Repo.Root) { FailAt = failAt };

        var result = await h.RunAsync(stacks, "promote", "ai", "--version", "2.5.0", "--to", "edge", "--yes");

        result.ExitCode.ShouldBe(ExitCodes.Infrastructure);
        var message = result.ErrLines.Last(); // progress lines come first
        message.ShouldStartWith("ringctl: promote ai 2.5.0 into edge failed at ");
        message.ShouldContain("The previous lock of edge was restored and its stack re-converged");
        h.Repo.Read("stacks/locks/edge.lock.json").ShouldBe(before);
        stacks.Deployed("edge")!.Value.LockHash.ShouldBe(ModuleLockParser.Parse(before, "edge", "edge").Hash);
        (await h.Log.HistoryAsync("edge", null, "ai", 10, default)).ShouldHaveSingleItem().Status.ShouldBe("failed");
        (await h.Registry.LandingAsync("edge", "ai", default))!.Value.Version.ShouldBe("2.4.0");
        var held = (await h.Registry.FindRingAsync("edge", default))!.Held;
        held.ShouldBeTrue("a failed update holds the ring, as a failed verification does");
        message.ShouldContain("edge is held until `ringctl verify edge` passes");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task RingAdd_FailingAtAnyCall_UndoesRegistryRowAndFiles(int failAt)
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var stacks = new FakeStacks(h.Repo.Root) { FailAt = failAt };

        var result = await h.RunAsync(stacks, "ring", "add", "qa", "--order", "30", "--segment", "qa", "--yes");

        result.ExitCode.ShouldBe(ExitCodes.Infrastructure);
        result.ErrLines.Last().ShouldEndWith("Undone: registry row removed, files stacks/locks/qa.lock.json, Pulumi.qa.yaml removed.");
        (await h.Registry.FindRingAsync("qa", default)).ShouldBeNull();
        File.Exists(h.Repo.PathOf("Pulumi.qa.yaml")).ShouldBeFalse();
        File.Exists(h.Repo.PathOf("stacks/locks/qa.lock.json")).ShouldBeFalse();
        (await h.Log.HistoryAsync("qa", null, null, 10, default)).ShouldHaveSingleItem().Status.ShouldBe("failed");
    }

    public static TheoryData<int, string, string> SecretsCalls() => new()
    {
        { 2, "shared", "none; not attempted: canary, edge, stable" },
        { 5, "canary", "none; not attempted: edge, stable" },
        { 9, "edge", "canary; not attempted: stable" },
        { 12, "stable", "canary, edge; not attempted: none" },
    };

    [Theory]
    [MemberData(nameof(SecretsCalls))]
    public async Task SecretsSync_StopsAtTheFirstFailure_AndSaysWhatWasUpdated(int failAt, string at, string state)
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var stacks = new FakeStacks(h.Repo.Root) { FailAt = failAt };

        var result = await h.RunAsync(stacks, "secrets", "sync", "--yes");

        result.ExitCode.ShouldBe(ExitCodes.Infrastructure);
        var message = result.ErrLines.Last(); // progress lines come first
        message.ShouldStartWith($"ringctl: secrets sync stopped at {at}: ");
        // A ring whose update failed is held (propagation halts there); the shared stack is no ring.
        message.ShouldEndWith(at == "shared" ? $"Updated: {state}." : $"Updated: {state}. {at} is held until `ringctl verify {at}` passes.");
        foreach (var ring in new[] { "canary", "edge", "stable" })
        {
            (await h.Registry.FindRingAsync(ring, default))!.Held.ShouldBe(ring == at, ring);
        }

        (await h.Log.HistoryAsync(null, null, null, 10, default)).ShouldHaveSingleItem().Status.ShouldBe("failed");
        (await h.Log.PendingAsync(null, default)).ShouldBeEmpty();
    }
}
