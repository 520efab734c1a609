using RingCtl.Cli;
using Moq;
using RingCtl.Operations;
using RingCtl.Stacks;
using RingCtl.Tests.Support;
using RingInfra.Core.Locks;

namespace RingCtl.Tests;

/// <summary>The exact stack calls of each operation, in order, against a strict Moq runner (any other call fails).</summary>
[Collection("postgres")]
public sealed class OrchestrationOrderTests
{
    private readonly PostgresFixture _pg;

    public OrchestrationOrderTests(PostgresFixture pg)
    {
        _pg = pg;
    }

    private static readonly IReadOnlyDictionary<string, object?> NoOutputs = new Dictionary<string, object?>();

    [Fact]
    public async Task TenantMove_UpdatesTargetThenSource_ThenVerifiesBoth()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var stacks = new Mock<IStackRunner>(MockBehavior.Strict);
        var seq = new MockSequence();
        var canary = StackId.Ring("canary");
        var stable = StackId.Ring("stable");
        stacks.InSequence(seq).Setup(s => s.SelectOrCreateAsync(canary, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        stacks.InSequence(seq).Setup(s => s.SetConfigAsync(canary, "ring-infra:tenants", "[\"acme\",\"test-canary\"]", It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        stacks.InSequence(seq).Setup(s => s.UpdateAsync(canary, It.IsAny<IProgress<string>>(), It.IsAny<CancellationToken>())).ReturnsAsync(StackChanges.None);
        stacks.InSequence(seq).Setup(s => s.SelectOrCreateAsync(stable, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        stacks.InSequence(seq).Setup(s => s.SetConfigAsync(stable, "ring-infra:tenants", "[\"foo\"]", It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        stacks.InSequence(seq).Setup(s => s.UpdateAsync(stable, It.IsAny<IProgress<string>>(), It.IsAny<CancellationToken>())).ReturnsAsync(StackChanges.None);
        stacks.InSequence(seq).Setup(s => s.GetOutputsAsync(canary, It.IsAny<CancellationToken>())).ReturnsAsync(new Dictionary<string, object?> { ["tenants"] = new object[] { "acme", "test-canary" } });
        stacks.InSequence(seq).Setup(s => s.GetOutputsAsync(stable, It.IsAny<CancellationToken>())).ReturnsAsync(new Dictionary<string, object?> { ["tenants"] = new object[] { "foo" } });

        var result = await h.RunAsync(stacks.Object, "tenant", "assign", "acme", "canary", "--yes", "--reason", "opted into beta");

        result.ExitCode.ShouldBe(0, result.Err);
        result.Out.Trim().ShouldBe("acme: stable → canary (operation #1)");
        stacks.VerifyAll();
        (await h.Registry.RingOfTenantAsync("acme", default)).ShouldBe("canary");
        var op = (await h.Log.HistoryAsync(null, "acme", null, 10, default)).ShouldHaveSingleItem();
        (op.Status, op.FromValue, op.ToValue, op.Reason, op.Actor).ShouldBe(("succeeded", "stable", "canary", "opted into beta", "tester"));
    }

    [Fact]
    public async Task Up_OnAFirstRun_DeploysTheSharedStackFirst_AndSaysSo()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var stacks = new Mock<IStackRunner>(MockBehavior.Strict);
        var seq = new MockSequence();
        var shared = StackId.SharedStack();
        var canary = StackId.Ring("canary");
        stacks.InSequence(seq).Setup(s => s.GetOutputsAsync(shared, It.IsAny<CancellationToken>())).ReturnsAsync(NoOutputs);
        stacks.InSequence(seq).Setup(s => s.SelectOrCreateAsync(shared, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        stacks.InSequence(seq).Setup(s => s.UpdateAsync(shared, It.IsAny<IProgress<string>>(), It.IsAny<CancellationToken>())).ReturnsAsync(StackChanges.None);
        stacks.InSequence(seq).Setup(s => s.SelectOrCreateAsync(canary, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        stacks.InSequence(seq).Setup(s => s.UpdateAsync(canary, It.IsAny<IProgress<string>>(), It.IsAny<CancellationToken>())).ReturnsAsync(StackChanges.None);
        stacks.InSequence(seq).Setup(s => s.GetOutputsAsync(canary, It.IsAny<CancellationToken>())).ReturnsAsync(new Dictionary<string, object?> { ["lockHash"] = h.Repo.Load().Find("canary")!.Lock.Hash });

        var result = await h.RunAsync(stacks.Object, "up", "canary", "--yes");

        result.ExitCode.ShouldBe(0, result.Err);
        result.Err.ShouldContain("the shared stack has no outputs yet (never deployed): updating it first");
        result.Out.Trim().ShouldBe("updated the shared stack (first run), then canary (operation #1)");
        stacks.VerifyAll();
    }

    [Fact]
    public async Task Up_WhenTheSharedStackHasOutputs_LeavesItAlone()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var stacks = new Mock<IStackRunner>(MockBehavior.Strict);
        var seq = new MockSequence();
        var canary = StackId.Ring("canary");
        stacks.InSequence(seq).Setup(s => s.GetOutputsAsync(StackId.SharedStack(), It.IsAny<CancellationToken>())).ReturnsAsync(new Dictionary<string, object?> { ["secretsRevision"] = "rev-1" });
        stacks.InSequence(seq).Setup(s => s.SelectOrCreateAsync(canary, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        stacks.InSequence(seq).Setup(s => s.UpdateAsync(canary, It.IsAny<IProgress<string>>(), It.IsAny<CancellationToken>())).ReturnsAsync(StackChanges.None);
        stacks.InSequence(seq).Setup(s => s.GetOutputsAsync(canary, It.IsAny<CancellationToken>())).ReturnsAsync(new Dictionary<string, object?> { ["lockHash"] = h.Repo.Load().Find("canary")!.Lock.Hash });

        var result = await h.RunAsync(stacks.Object, "up", "canary", "--yes");

        result.ExitCode.ShouldBe(0, result.Err);
        result.Out.Trim().ShouldBe("updated canary (operation #1)");
        stacks.VerifyAll();
    }

    [Fact]
    public async Task AnUpdateRefusedForAnImmutableSelector_EndsWithTheDocumentedMigration()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var stacks = new Mock<IStackRunner>(MockBehavior.Strict);
        var stable = StackId.Ring("stable");
        stacks.Setup(s => s.GetOutputsAsync(StackId.SharedStack(), It.IsAny<CancellationToken>())).ReturnsAsync(new Dictionary<string, object?> { ["secretsRevision"] = "rev-1" });
        stacks.Setup(s => s.SelectOrCreateAsync(stable, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        stacks.Setup(s => s.UpdateAsync(stable, It.IsAny<IProgress<string>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new StackUpdateFailedException(stable, "Deployment.apps \"api\" is invalid: spec.selector: Invalid value: v1.LabelSelector{}: field is immutable"));

        var result = await h.RunAsync(stacks.Object, "up", "stable", "--yes");

        result.ExitCode.ShouldBe(ExitCodes.Infrastructure);
        result.ErrLines.Last().ShouldStartWith("ringctl: the live Deployment 'api' has a different spec.selector, which Kubernetes does not let change.");
        result.ErrLines.Last().ShouldContain("delete deployment api --cascade=orphan");
        result.ErrLines.Last().ShouldContain("selectorLabels.api");
    }

    [Fact]
    public async Task Promote_RewritesTheLock_UpdatesTheTarget_ThenChecksItsLockHash()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var edge = StackId.Ring("edge");
        var expected = h.Repo.Load().Find("edge")!.Lock.With(h.Repo.Load().Find("canary")!.Lock.Find("ai")!).Hash;
        var stacks = new Mock<IStackRunner>(MockBehavior.Strict);
        var seq = new MockSequence();
        stacks.InSequence(seq).Setup(s => s.SelectOrCreateAsync(edge, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        stacks.InSequence(seq).Setup(s => s.UpdateAsync(edge, It.IsAny<IProgress<string>>(), It.IsAny<CancellationToken>())).ReturnsAsync(StackChanges.None);
        stacks.InSequence(seq).Setup(s => s.GetOutputsAsync(edge, It.IsAny<CancellationToken>())).ReturnsAsync(new Dictionary<string, object?> { ["lockHash"] = expected });

        var result = await h.RunAsync(stacks.Object, "promote", "ai", "--version", "2.5.0", "--to", "edge", "--yes");

        result.ExitCode.ShouldBe(0, result.Err);
        result.Out.Trim().ShouldBe("promote(edge): ai 2.4.0 → 2.5.0");
        stacks.VerifyAll();
        ModuleLockParser.Parse(h.Repo.Read("stacks/locks/edge.lock.json"), "edge", "edge").Find("ai")!.Version.ToString().ShouldBe("2.5.0");
        (await h.Registry.LandingAsync("edge", "ai", default))!.Value.Version.ShouldBe("2.5.0");
    }

    [Fact]
    public async Task Rollback_ReturnsToThePreviousVersion_ThroughTheSamePath()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var fake = new FakeStacks(h.Repo.Root);
        (await h.RunAsync(fake, "promote", "ai", "--version", "2.5.0", "--to", "edge", "--yes")).ExitCode.ShouldBe(0);
        var edge = StackId.Ring("edge");
        var original = ModuleLockParser.Parse(File.ReadAllText(Path.Combine(RingInfra.Core.Tests.Support.Repo.Root, "stacks", "locks", "edge.lock.json")), "edge", "edge");
        var stacks = new Mock<IStackRunner>(MockBehavior.Strict);
        var seq = new MockSequence();
        stacks.InSequence(seq).Setup(s => s.SelectOrCreateAsync(edge, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        stacks.InSequence(seq).Setup(s => s.UpdateAsync(edge, It.IsAny<IProgress<string>>(), It.IsAny<CancellationToken>())).ReturnsAsync(StackChanges.None);
        stacks.InSequence(seq).Setup(s => s.GetOutputsAsync(edge, It.IsAny<CancellationToken>())).ReturnsAsync(new Dictionary<string, object?> { ["lockHash"] = original.Hash });

        var result = await h.RunAsync(stacks.Object, "rollback", "ai", "--ring", "edge", "--yes");

        result.ExitCode.ShouldBe(0, result.Err);
        result.Out.Trim().ShouldBe("rollback(edge): ai 2.5.0 → 2.4.0");
        stacks.VerifyAll();
        h.Repo.Read("stacks/locks/edge.lock.json").ShouldBe(original.CanonicalJson);
    }

    [Fact]
    public async Task RingAdd_RegistersWritesFiles_ThenCreatesAndUpdatesTheStack()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var qa = StackId.Ring("qa");
        var stacks = new Mock<IStackRunner>(MockBehavior.Strict);
        var seq = new MockSequence();
        stacks.InSequence(seq).Setup(s => s.SelectOrCreateAsync(qa, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        stacks.InSequence(seq).Setup(s => s.UpdateAsync(qa, It.IsAny<IProgress<string>>(), It.IsAny<CancellationToken>())).ReturnsAsync(StackChanges.None);

        var result = await h.RunAsync(stacks.Object, "ring", "add", "qa", "--order", "30", "--segment", "qa", "--from", "canary", "--yes");

        result.ExitCode.ShouldBe(0, result.Err);
        stacks.VerifyAll();
        (await h.Registry.FindRingAsync("qa", default))!.PromotionOrder.ShouldBe(30);
        h.Repo.Read("stacks/locks/qa.lock.json").ShouldBe(h.Repo.Load().Find("canary")!.Lock.ForRing("qa").CanonicalJson);
        h.Repo.Load().Find("qa")!.Config.Namespace.ShouldBe("autocom-qa");
    }

    [Fact]
    public async Task SecretsSync_UpdatesSharedThenEveryRingInRolloutOrder_CheckingEachRevision()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var stacks = new Mock<IStackRunner>(MockBehavior.Strict);
        var seq = new MockSequence();
        var shared = StackId.SharedStack();
        stacks.InSequence(seq).Setup(s => s.SelectOrCreateAsync(shared, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        stacks.InSequence(seq).Setup(s => s.UpdateAsync(shared, It.IsAny<IProgress<string>>(), It.IsAny<CancellationToken>())).ReturnsAsync(StackChanges.None);
        stacks.InSequence(seq).Setup(s => s.GetOutputsAsync(shared, It.IsAny<CancellationToken>())).ReturnsAsync(new Dictionary<string, object?> { ["secretsRevision"] = "rev-2" });
        foreach (var ring in new[] { "canary", "edge", "stable" })
        {
            var id = StackId.Ring(ring);
            stacks.InSequence(seq).Setup(s => s.SelectOrCreateAsync(id, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
            stacks.InSequence(seq).Setup(s => s.UpdateAsync(id, It.IsAny<IProgress<string>>(), It.IsAny<CancellationToken>())).ReturnsAsync(StackChanges.None);
            stacks.InSequence(seq).Setup(s => s.GetOutputsAsync(id, It.IsAny<CancellationToken>())).ReturnsAsync(new Dictionary<string, object?> { ["secretsRevision"] = "rev-2" });
        }

        var result = await h.RunAsync(stacks.Object, "secrets", "sync", "--yes");

        result.ExitCode.ShouldBe(0, result.Err);
        result.Out.Trim().ShouldBe("secrets revision rev-2 rolled through canary, edge, stable (operation #1)");
        stacks.VerifyAll();
    }
}
