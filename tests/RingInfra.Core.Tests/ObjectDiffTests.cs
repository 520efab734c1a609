using RingInfra.Core.Diff;
using RingInfra.Core.Locks;
using RingInfra.Core.Rendering;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Core.Tests;

/// <summary>Renders before and after a change differ in exactly the objects the change must touch.</summary>
public sealed class ObjectDiffTests
{
    [Fact]
    public void LockBump_ChangesOnlyTheLockConfigMapsAndThePodTemplates()
    {
        var fleet = Repo.LoadFleet();
        var edge = fleet.Find("edge")!;
        var bumped = edge with { Lock = edge.Lock.With(new LockedModule("orders", SemanticVersion.Parse("1.6.1"), "Orders-1.6.1.zip", new string('b', 64))) };
        var changes = ObjectDiff.Compare(RingRenderer.Render(edge, fleet.Shared).Objects, RingRenderer.Render(bumped, fleet.Shared).Objects);
        changes.Select(c => (c.Id, c.Change)).ShouldBe(
        [
            ("ConfigMap autocom-edge/ring-module-lock", ChangeKind.Changed),
            ("ConfigMap autocom-edge/ring-nginx-conf", ChangeKind.Changed),
            ("Deployment autocom-edge/api", ChangeKind.Changed),
            ("Deployment autocom-edge/horizon", ChangeKind.Changed),
            ("Deployment autocom-edge/nginx", ChangeKind.Changed),
        ]);
        changes[2].Paths.ShouldBe(["spec.template.metadata.annotations.ringinfra.io/lock-hash"]);
        changes[2].RollsPods.ShouldBeTrue();
        changes[0].RollsPods.ShouldBeFalse();
        changes[1].Paths.ShouldBe(["data.default.conf"], "the X-Module-Lock header names the new lock");
        changes[4].Paths.ShouldBe(["spec.template.metadata.annotations.ringinfra.io/config-hash"]);
    }

    [Fact]
    public void AddedAndRemovedObjects_AreReported()
    {
        var canary = Repo.Render("canary");
        var without = canary.Objects.Where(o => o.Name != "redis").ToList();
        var changes = ObjectDiff.Compare(without, canary.Objects);
        var added = changes.ShouldHaveSingleItem();
        (added.Id, added.Change, added.Fields.Count).ShouldBe(("Service autocom-canary/redis", ChangeKind.Added, 0));
        ObjectDiff.Compare(canary.Objects, without).Single().Change.ShouldBe(ChangeKind.Removed);
        ObjectDiff.Compare(canary.Objects, canary.Objects).ShouldBeEmpty();
    }
}
