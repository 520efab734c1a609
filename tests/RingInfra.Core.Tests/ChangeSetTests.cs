using RingInfra.Core.Diff;
using RingInfra.Core.Fleet;
using RingInfra.Core.Locks;
using RingInfra.Core.Rendering;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Core.Tests;

/// <summary>
/// Change-set minimality: each operation touches only the objects it must, measured by diffing the
/// renders of the whole fleet before and after. Any extra object fails.
/// </summary>
public sealed class ChangeSetTests
{
    private static IReadOnlyList<ObjectChange> FleetDiff(RingFleet before, RingFleet after) => FleetChanges.Compare(before, after);

    private static RingFleet MoveTenant(RingFleet fleet, string tenant, string from, string to) => FleetChanges.MoveTenant(fleet, tenant, from, to);

    [Theory]
    [InlineData("acme", "stable", "canary", "Ingress autocom-canary/ring")]
    [InlineData("test-canary", "canary", "stable", "Ingress autocom-canary/ring")]
    [InlineData("widgets", "edge", "stable", "Ingress autocom-edge/ring")]
    public void MovingATenant_BetweenTheDefaultRingAndAnother_ChangesOneObject(string tenant, string from, string to, string changed)
    {
        var fleet = Repo.LoadFleet();
        FleetDiff(fleet, MoveTenant(fleet, tenant, from, to)).Select(c => c.Id).ShouldBe([changed]);
    }

    [Fact]
    public void MovingATenant_BetweenTwoNonDefaultRings_ChangesTwoObjects()
    {
        var fleet = Repo.LoadFleet();
        FleetDiff(fleet, MoveTenant(fleet, "widgets", "edge", "canary")).Select(c => c.Id).ShouldBe(["Ingress autocom-canary/ring", "Ingress autocom-edge/ring"]);
    }

    [Fact]
    public void Promotion_ChangesTheLockAndNginxConfigMapsAndThePodTemplatesOnly()
    {
        // nginx's config names the lock in its X-Module-Lock header (doc 002 "Version everything"), so nginx rolls too.
        var fleet = Repo.LoadFleet();
        var ai = fleet.Find("canary")!.Lock.Find("ai")!;
        var after = FleetChanges.Promote(fleet, "edge", ai);
        var changes = FleetDiff(fleet, after);
        changes.Select(c => c.Id).ShouldBe(["ConfigMap autocom-edge/ring-module-lock", "ConfigMap autocom-edge/ring-nginx-conf", "Deployment autocom-edge/api", "Deployment autocom-edge/horizon", "Deployment autocom-edge/nginx"]);
        changes.Where(c => c.Kind == "Deployment").SelectMany(c => c.Paths).ShouldAllBe(p => p.StartsWith("spec.template.metadata.annotations.", StringComparison.Ordinal));
    }

    [Fact]
    public void SecretsRotation_ChangesEachRingsSecretsAndPodTemplateAnnotationsOnly()
    {
        var fleet = Repo.LoadFleet();
        var rotated = fleet with { Shared = fleet.Shared with { SecretsRevision = "rev-rotated" } };
        var changes = FleetDiff(fleet, rotated);
        changes.ShouldAllBe(c => c.Kind == "Secret" || (c.Kind == "Deployment" && (c.Id.EndsWith("/api", StringComparison.Ordinal) || c.Id.EndsWith("/horizon", StringComparison.Ordinal))));
        changes.SelectMany(c => c.Paths).ShouldAllBe(p => p == "spec.template.metadata.annotations.ringinfra.io/secrets-revision");
        changes.Count.ShouldBe(6, "api and horizon of each of the three rings (rendered Secrets carry keys only, so their values change only at deploy time)");
    }
}
