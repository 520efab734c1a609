using System.Text.Json.Nodes;
using RingInfra.Core.Config;
using RingInfra.Core.Diff;
using RingInfra.Core.Fleet;
using RingInfra.Core.Locks;
using RingInfra.Core.Policies;
using RingInfra.Core.Rendering;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Core.Tests;

/// <summary>The module upgrade Job (issue 16) in Core: which modules a lock change upgrades, the Job itself, and the change set.</summary>
public sealed class UpgradeJobTests
{
    private static RingDefinition WithUpgrade(RingDefinition ring, LockedModule module, params string[] modules)
    {
        var next = ring.Lock.With(module);
        return ring with { Lock = next, Config = ring.Config with { Upgrade = new ModuleUpgrade(next.Hash, modules) } };
    }

    private static LockedModule Ai(string version) => new("ai", SemanticVersion.Parse(version), $"Ai-{version}.zip", new string('c', 64));

    [Fact]
    public void AddedAndChangedVersions_AreUpgraded_RemovalsAndUnchangedAreNot()
    {
        var edge = Repo.LoadFleet().Find("edge")!.Lock;
        var orders = edge.Find("orders")!;
        var next = edge.With(Ai("9.0.0")).With(new LockedModule("newmod", SemanticVersion.Parse("1.0.0"), "Newmod-1.0.0.zip", new string('d', 64)));

        UpgradeObjects.Changed(edge, next).ShouldBe(["ai", "newmod"]);
        UpgradeObjects.Changed(edge, edge).ShouldBeEmpty();
        UpgradeObjects.Changed(next, edge).ShouldBeEmpty("going back (a lower ai, newmod removed) upgrades nothing");
        UpgradeObjects.Changed(edge, edge.With(orders)).ShouldBeEmpty();
    }

    [Fact]
    public void TheJob_RunsTheUpgradeWithTheApisImageEnvAndTheNewLock_OnceAndRestricted()
    {
        var fleet = Repo.LoadFleet();
        var edge = WithUpgrade(fleet.Find("edge")!, Ai("9.0.0"), "ai");
        var r = RingRenderer.Render(edge, fleet.Shared);

        var job = r.Objects.Single(o => o.Kind == "Job");
        job.Name.ShouldBe(UpgradeObjects.JobName(edge.Lock.Hash));
        job.Name.ShouldMatch("^module-upgrade-[0-9a-f]{10}$");
        var spec = job.Body["spec"]!;
        (spec["backoffLimit"]!.GetValue<int>(), spec["activeDeadlineSeconds"]!.GetValue<int>()).ShouldBe((0, 600));
        spec["ttlSecondsAfterFinished"]!.GetValue<int>().ShouldBeGreaterThan(0);
        var pod = spec["template"]!["spec"]!;
        pod["restartPolicy"]!.ToString().ShouldBe("Never");
        var container = pod["containers"]![0]!;
        container["command"]!.AsArray().Select(c => c!.ToString()).ShouldBe(["php", "artisan", "module:upgrade", "--ring=edge", "--modules=ai", "--force"]);
        var api = r.Find("Deployment", "api")!.Body["spec"]!["template"]!["spec"]!["containers"]![0]!;
        container["image"]!.ToString().ShouldBe(api["image"]!.ToString());
        container["envFrom"]!.ToJsonString().ShouldBe(api["envFrom"]!.ToJsonString());
        container["volumeMounts"]!.ToJsonString().ShouldBe(api["volumeMounts"]!.ToJsonString(), "the lock at the same path as the api's");
        spec["template"]!["metadata"]!["annotations"]![UpgradeObjects.LockAnnotation]!.ToString().ShouldBe(edge.Lock.CanonicalJson, "the new lock, projected as the file");
        pod["volumes"]![0]!["downwardAPI"]!["items"]![0]!["path"]!.ToString().ShouldBe("edge.lock.json");
        PodSecurity.CheckRestricted(job.Body).ShouldBeEmpty();
        PolicySuite.Check([r], fleet.Shared, context: [.. RingRenderer.RenderAll(fleet).Where(x => x.Ring != "edge"), r]).ShouldBeEmpty("the Job's pods reach the database as the api's do");
    }

    [Fact]
    public void NoJob_ForAnotherLock_OrWithoutModules()
    {
        var fleet = Repo.LoadFleet();
        var edge = fleet.Find("edge")!;
        var stale = edge with { Config = edge.Config with { Upgrade = new ModuleUpgrade("sha256:" + new string('0', 64), ["ai"]) } };
        RingRenderer.Render(stale, fleet.Shared).Objects.ShouldNotContain(o => o.Kind == "Job", "an entry for another lock (a restored one) renders nothing");
        var none = WithUpgrade(edge, Ai("9.0.0"));
        RingRenderer.Render(none, fleet.Shared).Objects.ShouldNotContain(o => o.Kind == "Job");
    }

    [Fact]
    public void APromotionThatUpgrades_AddsOneJob_OneThatWasUpgradedElsewhere_None()
    {
        var fleet = Repo.LoadFleet();
        var ai = fleet.Find("canary")!.Lock.Find("ai")!;

        var first = FleetChanges.Compare(fleet, FleetChanges.Promote(fleet, "edge", ai, ["ai"]));
        first.Where(c => c.Change == ChangeKind.Added).Select(c => c.Id).ShouldBe([$"Job autocom-edge/{UpgradeObjects.JobName(fleet.Find("edge")!.Lock.With(ai).Hash)}"]);
        first.Where(c => c.Change == ChangeKind.Changed).Select(c => c.Id).ShouldBe(["ConfigMap autocom-edge/ring-module-lock", "ConfigMap autocom-edge/ring-nginx-conf", "Deployment autocom-edge/api", "Deployment autocom-edge/horizon", "Deployment autocom-edge/nginx"]);

        FleetChanges.Compare(fleet, FleetChanges.Promote(fleet, "edge", ai)).ShouldNotContain(c => c.Kind == "Job");
    }

    [Fact]
    public void TheUpgradeEntry_AndDeadline_AreValidated()
    {
        using var repo = new TempRepo();
        repo.Replace("Pulumi.canary.yaml", "  ring-infra:bakeTime: 24h\n", "  ring-infra:bakeTime: 24h\n  ring-infra:upgradeDeadline: 30s\n  ring-infra:upgrade:\n    lockHash: abc\n    modules: [Bad_Alias]\n");

        Should.Throw<RingConfigException>(repo.Load).Problems.Select(p => p.Key).ShouldBe(["upgrade.lockHash", "upgrade.modules[0]", "upgradeDeadline"], ignoreOrder: true);

        repo.Replace("Pulumi.canary.yaml", "  ring-infra:upgradeDeadline: 30s\n", "  ring-infra:upgradeDeadline: 15m\n");
        repo.Replace("Pulumi.canary.yaml", "    lockHash: abc\n    modules: [Bad_Alias]\n", $"    lockHash: sha256:{new string('a', 64)}\n    modules: [ai]\n");
        repo.Load().Find("canary")!.Config.UpgradeDeadlineSeconds.ShouldBe(900);
    }
}
