using Moq;
using RingCtl.Cli;
using RingCtl.Stacks;
using RingCtl.Tests.Support;
using RingInfra.Core.Config;
using RingInfra.Core.Locks;

namespace RingCtl.Tests;

/// <summary>
/// Rings across clusters and regions (doc 003): edge with three clusters in two regions (eu-1, eu-2 in eu; us-1 in us;
/// widgets homed in eu, bar in us) is rolled out one cluster at a time, verified after each, and stops at the first
/// failing cluster, holding the ring and naming the cluster. Tenants' home regions: <c>tenant assign --region</c>, and
/// moves refused into a ring lacking the tenant's region.
/// </summary>
[Collection("postgres")]
public sealed class ClusterRolloutTests
{
    private readonly PostgresFixture _pg;

    public ClusterRolloutTests(PostgresFixture pg)
    {
        _pg = pg;
    }

    private static readonly StackId Edge = StackId.Ring("edge");

    private static Task<OpsHarness> HarnessAsync(PostgresFixture pg) => OpsHarness.CreateAsync(pg, r => r.AddClusters());

    private static IReadOnlyList<string> Targets(OpsHarness h, string cluster)
    {
        var edge = h.Repo.Load().Find("edge")!.Config;
        return ClusterResources.Targets(ConfigKeys.Project, "edge", edge, edge.Clusters.Single(c => c.Name == cluster));
    }

    [Fact]
    public async Task APromotion_UpdatesClusterByCluster_AndStopsAtAFailureInTheSecond_HoldingTheRingAndNamingTheCluster()
    {
        await using var h = await HarnessAsync(_pg);
        var previousLock = h.Repo.Read("stacks/locks/edge.lock.json");
        var stacks = new Mock<IStackRunner>(MockBehavior.Strict);
        var seq = new MockSequence();
        var progress = It.IsAny<IProgress<string>>();
        // The rollout: eu-1 (targeted), eu-2 (targeted) fails; us-1 is never touched.
        stacks.InSequence(seq).Setup(s => s.SelectOrCreateAsync(Edge, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        stacks.InSequence(seq).Setup(s => s.UpdateTargetsAsync(Edge, Targets(h, "eu-1"), It.IsAny<IProgress<string>>(), It.IsAny<CancellationToken>())).ReturnsAsync(StackChanges.None);
        stacks.InSequence(seq).Setup(s => s.UpdateTargetsAsync(Edge, Targets(h, "eu-2"), It.IsAny<IProgress<string>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new StackUpdateFailedException(Edge, "update ended failed: Deployment autocom-edge/api did not become ready"));
        // The recovery: the previous lock re-converged, cluster by cluster again (us-1 last, as a plain update).
        stacks.InSequence(seq).Setup(s => s.SelectOrCreateAsync(Edge, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        stacks.InSequence(seq).Setup(s => s.UpdateTargetsAsync(Edge, Targets(h, "eu-1"), It.IsAny<IProgress<string>>(), It.IsAny<CancellationToken>())).ReturnsAsync(StackChanges.None);
        stacks.InSequence(seq).Setup(s => s.UpdateTargetsAsync(Edge, Targets(h, "eu-2"), It.IsAny<IProgress<string>>(), It.IsAny<CancellationToken>())).ReturnsAsync(StackChanges.None);
        stacks.InSequence(seq).Setup(s => s.UpdateAsync(Edge, It.IsAny<IProgress<string>>(), It.IsAny<CancellationToken>())).ReturnsAsync(StackChanges.None);

        var result = await h.RunAsync(stacks.Object, "promote", "ai", "--version", "2.5.0", "--to", "edge", "--yes");

        result.ExitCode.ShouldBe(ExitCodes.Infrastructure, result.Err);
        result.Err.ShouldContain("promote ai 2.5.0 into edge failed at update edge: edge's rollout stopped at cluster eu-2 (region eu) (2 of 3; 1 later cluster(s) not touched): ring stack 'edge': update ended failed: Deployment autocom-edge/api did not become ready");
        result.Err.ShouldContain("The previous lock of edge was restored and its stack re-converged; edge is held until `ringctl verify edge` passes");
        stacks.VerifyAll();
        h.Repo.Read("stacks/locks/edge.lock.json").ShouldBe(previousLock);
        var edge = (await h.Registry.FindRingAsync("edge", default))!;
        edge.Held.ShouldBeTrue();
        edge.HeldReason!.ShouldContain("cluster eu-2 (region eu)");
        var op = (await h.Log.HistoryAsync("edge", null, null, 1, default)).ShouldHaveSingleItem();
        (op.Kind, op.Status).ShouldBe(("promote", "failed"));
        op.Error!.ShouldContain("stopped at cluster eu-2 (region eu)");
        // Each cluster's last rollout: the re-convergence brought all three back to the previous lock.
        var hash = ModuleLockParser.Parse(previousLock, "edge", "edge.lock.json").Hash;
        (await h.Registry.ClusterRolloutsAsync(default)).Select(c => $"{c.Cluster}:{c.State}:{c.LockHash == hash}").ShouldBe(["eu-1:updated:True", "eu-2:updated:True", "us-1:updated:True"]);
    }

    [Fact]
    public async Task APromotion_VerifiesEachClusterThroughItsUrl_AndStopsAtTheFirstThatFails()
    {
        await using var h = await HarnessAsync(_pg);
        var asked = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var health = new LoopbackHttp((request, _) =>
        {
            var cluster = request.Url!.AbsolutePath.Split('/')[1];
            asked.Enqueue(cluster);
            return cluster == "eu-2" ? (503, "{\"status\":\"starting\"}") : (200, LoopbackHttp.HealthDocument("edge"));
        });
        var stacks = new FakeStacks(h.Repo.Root);

        var result = await h.RunAsync(stacks, "promote", "ai", "--version", "2.5.0", "--to", "edge", "--url", health.Url + "/$cluster", "--yes");

        result.ExitCode.ShouldBe(ExitCodes.Infrastructure, result.Err);
        result.Err.ShouldContain("edge's rollout stopped at cluster eu-2 (region eu) (2 of 3; 1 later cluster(s) not touched): verify edge: " + health.Url + "/eu-2/api/health answered 503");
        asked.ToArray().ShouldBe(["eu-1", "eu-2"], "us-1 was never updated, so never verified");
        stacks.Calls.Where(c => c.StartsWith("update", StringComparison.Ordinal)).ShouldBe(
            ["update-targets edge eu-1", "update-targets edge eu-2", "update-targets edge eu-1", "update-targets edge eu-2", "update edge"],
            "eu-1 and eu-2, stopped; then the previous lock re-converged cluster by cluster");
        (await h.Registry.FindRingAsync("edge", default))!.HeldReason!.ShouldContain("cluster eu-2 (region eu)");
    }

    [Fact]
    public async Task APromotion_ThatPasses_RollsOutEveryClusterInOrder_AndStatusShowsEachCurrent()
    {
        await using var h = await HarnessAsync(_pg);
        using var health = new LoopbackHttp((_, _) => (200, LoopbackHttp.HealthDocument("edge")));
        var stacks = new FakeStacks(h.Repo.Root);

        var result = await h.RunAsync(stacks, "promote", "ai", "--version", "2.5.0", "--to", "edge", "--url", health.Url + "/$region/$cluster", "--yes");

        result.ExitCode.ShouldBe(0, result.Err);
        stacks.Calls.Where(c => c.StartsWith("update", StringComparison.Ordinal)).ShouldBe(["update-targets edge eu-1", "update-targets edge eu-2", "update edge"]);
        var status = await h.RunAsync(stacks, "status", "--width", "200");
        status.ExitCode.ShouldBe(0, status.Err);
        status.Out.ShouldContain("↳ eu-1 (eu): current (updated ");
        status.Out.ShouldContain("↳ us-1 (us): current (updated ");
        var json = await h.RunAsync(stacks, "status", "--json");
        var clusters = System.Text.Json.Nodes.JsonNode.Parse(json.Out)!["rings"]!.AsArray().Single(r => r!["ring"]!.ToString() == "edge")!["clusters"]!.AsArray();
        clusters.Select(c => $"{c!["cluster"]}/{c["region"]}/{c["state"]}").ShouldBe(["eu-1/eu/current", "eu-2/eu/current", "us-1/us/current"]);
    }

    [Fact]
    public async Task AnUrlThatCannotTellTheClustersApart_IsRefusedBeforeAnythingChanges()
    {
        await using var h = await HarnessAsync(_pg);
        var before = await RegistryDump.OfAsync(h.ConnectionString);

        var result = await h.RunAsync(new Mock<IStackRunner>(MockBehavior.Strict).Object, "promote", "ai", "--version", "2.5.0", "--to", "edge", "--url", "http://edge.acme.io", "--yes");

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.Err);
        result.Err.ShouldContain("--url: 'http://edge.acme.io' is one address for edge's 3 clusters (eu-1, eu-2, us-1); put $cluster or $region in it");
        (await RegistryDump.OfAsync(h.ConnectionString)).ShouldBe(before);
    }

    [Fact]
    public async Task Up_RollsOutClusterByCluster_AndAFailingClusterHoldsTheRing()
    {
        await using var h = await HarnessAsync(_pg);
        var stacks = new FakeStacks(h.Repo.Root) { FailAt = 4 }; // outputs shared, select edge, eu-1, eu-2 ← fails
        var result = await h.RunAsync(stacks, "up", "edge", "--yes");

        result.ExitCode.ShouldBe(ExitCodes.Infrastructure, result.Err);
        stacks.Calls.ShouldBe(["outputs shared", "select edge", "update-targets edge eu-1", "update-targets edge eu-2"]);
        result.Err.ShouldContain("up stopped at edge: edge's rollout stopped at cluster eu-2 (region eu) (2 of 3; 1 later cluster(s) not touched)");
        (await h.Registry.FindRingAsync("edge", default))!.Held.ShouldBeTrue();
        var rollouts = await h.Registry.ClusterRolloutsAsync(default);
        rollouts.Select(c => $"{c.Cluster}:{c.State}").ShouldBe(["eu-1:updated", "eu-2:failed"]);
        var status = await h.RunAsync(stacks, "status", "--width", "300");
        status.Out.ShouldContain("↳ eu-2 (eu): FAILED ");
        status.Out.ShouldContain("↳ us-1 (us): not updated yet");
    }

    [Fact]
    public async Task AResumeThatWouldPinATenantOutsideItsRegion_IsRefusedByThePolicyGate_WithNoStackCall()
    {
        // --resume skips the command's own home-region check (its plan was made before); the policy gate still judges the
        // fleet it would leave: foo, homed in ap meanwhile, pinned to edge (eu, us) is a home-region violation.
        await using var h = await HarnessAsync(_pg);
        var calls = 0;
        using (var failing = new LoopbackHttp((_, _) => Interlocked.Increment(ref calls) >= 1 ? (503, "{}") : (200, LoopbackHttp.HealthDocument("edge"))))
        {
            var stopped = await h.RunAsync(new FakeStacks(h.Repo.Root), "tenant", "move", "--to", "edge", "--tenants", "acme,foo", "--wave-size", "1", "--url", failing.Url, "--yes");
            stopped.ExitCode.ShouldBe(ExitCodes.Infrastructure, stopped.Err);
            stopped.Err.ShouldContain("stopped. verification after wave 1 failed");
        }

        await using (var c = await h.Database.DataSource.OpenConnectionAsync())
        await using (var cmd = new Npgsql.NpgsqlCommand("update tenants set home_region = 'ap' where name = 'foo'", c))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        var before = await RegistryDump.OfAsync(h.ConnectionString, withoutRefusals: true);
        var resumed = await h.RunAsync(new Mock<IStackRunner>(MockBehavior.Strict).Object, "tenant", "move", "--resume", "1", "--yes");

        resumed.ExitCode.ShouldBe(ExitCodes.PolicyViolation, resumed.Err);
        resumed.Err.ShouldContain("tenantRegions.foo must be a region ring 'edge' has a cluster in (eu, us): tenant foo is served only in its home region (got ap) [home-region]");
        (await RegistryDump.OfAsync(h.ConnectionString, withoutRefusals: true)).ShouldBe(before);
        (await h.Registry.RingOfTenantAsync("foo", default)).ShouldBe("stable");
    }

    [Fact]
    public async Task SecretsSync_WithARingReadingRegionalSharedStacks_IsRefusedBeforeAnythingChanges()
    {
        // ringctl updates the `shared` stack only; edge's clusters read shared-eu and shared-us.
        await using var h = await HarnessAsync(_pg);
        var before = await RegistryDump.OfAsync(h.ConnectionString, withoutRefusals: true);

        var result = await h.RunAsync(new Mock<IStackRunner>(MockBehavior.Strict).Object, "secrets", "sync", "--yes");

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.Err);
        result.Err.ShouldContain("secrets sync: edge reads organization/ring-infra-shared/shared-eu (eu), organization/ring-infra-shared/shared-us (us); ringctl manages the shared stack `shared` only");
        (await RegistryDump.OfAsync(h.ConnectionString, withoutRefusals: true)).ShouldBe(before);
    }

    [Fact]
    public async Task TenantAssignRegion_ChangesTheHomeRegion_UpdatingTheRingClusterByCluster_AndIsLogged()
    {
        await using var h = await HarnessAsync(_pg);
        var dry = await h.RunAsync(new Mock<IStackRunner>(MockBehavior.Strict).Object, "tenant", "assign", "widgets", "--region", "us", "--dry-run");
        dry.ExitCode.ShouldBe(0, dry.Err);
        dry.Out.ShouldContain("would set widgets's home region: eu → us (ring edge); objects that change:");
        dry.Out.Split('\n').Where(l => l.StartsWith("  changed", StringComparison.Ordinal)).Select(l => l.Split(' ')[3] + " " + l.Split(' ')[4] + " " + l.Split(' ')[5]).ShouldBe(
            ["cluster eu-1: Ingress", "cluster eu-2: Ingress", "cluster us-1: Ingress"]);

        var stacks = new FakeStacks(h.Repo.Root);
        var result = await h.RunAsync(stacks, "tenant", "assign", "widgets", "--region", "us", "--reason", "data residency", "--yes");

        result.ExitCode.ShouldBe(0, result.Err);
        result.Out.Trim().ShouldBe("set widgets's home region: eu → us (ring edge) (operation #1)");
        (await h.Registry.HomeRegionsAsync(default))["widgets"].ShouldBe("us");
        h.Repo.Load().Find("edge")!.Config.TenantRegions["widgets"].ShouldBe("us", "the stack file says what the registry holds");
        stacks.Calls.ShouldContain("config edge ring-infra:tenantRegions={\"bar\":\"us\",\"widgets\":\"us\"}");
        stacks.Calls.Where(c => c.StartsWith("update", StringComparison.Ordinal)).ShouldBe(["update-targets edge eu-1", "update-targets edge eu-2", "update edge"]);
        var op = (await h.Log.HistoryAsync(null, "widgets", null, 1, default)).ShouldHaveSingleItem();
        (op.Kind, op.FromValue, op.ToValue, op.Status, op.Reason).ShouldBe(("tenant-region", "eu", "us", "succeeded", "data residency"));

        var show = await h.RunAsync(stacks, "tenant", "show", "widgets");
        show.Out.ShouldStartWith("widgets: ring edge; home region us; served in cluster(s) us-1; ");

        var cleared = await h.RunAsync(stacks, "tenant", "assign", "widgets", "--region", "none", "--yes");
        cleared.ExitCode.ShouldBe(0, cleared.Err);
        (await h.Registry.HomeRegionsAsync(default)).ContainsKey("widgets").ShouldBeFalse();
        (await h.RunAsync(stacks, "tenant", "show", "widgets")).Out.ShouldStartWith("widgets: ring edge; served in cluster(s) eu-1, eu-2, us-1; ");
    }

    [Fact]
    public async Task AHomeRegionTheRingHasNoClusterIn_IsRefused_AndSoIsAMoveIntoARingLackingTheTenantsRegion()
    {
        // canary runs in one cluster in region ap, so ap is a region of the fleet — but not of edge.
        await using var h = await OpsHarness.CreateAsync(_pg, r =>
        {
            r.AddClusters();
            r.Replace("Pulumi.canary.yaml", "ring-infra:tier: dev", "ring-infra:tier: dev\n  ring-infra:clusters:\n    - name: ap-1\n      region: ap");
        });
        var before = await RegistryDump.OfAsync(h.ConnectionString);
        var strict = new Mock<IStackRunner>(MockBehavior.Strict).Object;

        var region = await h.RunAsync(strict, "tenant", "assign", "bar", "--region", "ap", "--yes");
        region.ExitCode.ShouldBe(ExitCodes.Usage, region.Err);
        region.Err.ShouldContain("--region: tenant bar is homed in region ap, and ring edge has no cluster in region ap (its regions: eu, us)");

        var unknown = await h.RunAsync(strict, "tenant", "assign", "acme", "--region", "euu", "--yes");
        unknown.ExitCode.ShouldBe(ExitCodes.Usage, unknown.Err);
        unknown.Err.ShouldContain("--region: 'euu' is not a region of any ring's clusters (known: ap, eu, us), or 'none' to clear it; nothing was changed");

        var typo = await h.RunAsync(strict, "tenant", "assign", "bar", "--region", "EU_west", "--yes");
        typo.ExitCode.ShouldBe(ExitCodes.Usage, typo.Err);
        typo.Err.ShouldContain("--region: must be a region name such as eu or us-east (a DNS label), or 'none' to clear it (got EU_west)");

        // acme (in stable) is homed in ap, where edge has no cluster: a single move and a wave into edge are both refused.
        await using (var c = await h.Database.DataSource.OpenConnectionAsync())
        await using (var cmd = new Npgsql.NpgsqlCommand("update tenants set home_region = 'ap' where name = 'acme'", c))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        before = await RegistryDump.OfAsync(h.ConnectionString);
        var move = await h.RunAsync(strict, "tenant", "assign", "acme", "edge", "--yes");
        move.ExitCode.ShouldBe(ExitCodes.Usage, move.Err);
        move.Err.ShouldContain("assign acme to edge: tenant acme is homed in region ap, and ring edge has no cluster in region ap (its regions: eu, us): a tenant is served only in its home region; nothing was changed");
        var wave = await h.RunAsync(strict, "tenant", "move", "--to", "edge", "--tenants", "acme,foo", "--yes");
        wave.ExitCode.ShouldBe(ExitCodes.Usage, wave.Err);
        wave.Err.ShouldContain("move to edge: tenant acme is homed in region ap");
        (await RegistryDump.OfAsync(h.ConnectionString)).ShouldBe(before);
        (await h.Registry.RingOfTenantAsync("acme", default)).ShouldBe("stable");
    }
}
