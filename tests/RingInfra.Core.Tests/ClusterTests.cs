using RingInfra.Core.Config;
using RingInfra.Core.Diff;
using RingInfra.Core.Fleet;
using RingInfra.Core.Kube;
using RingInfra.Core.Policies;
using RingInfra.Core.Rendering;
using RingInfra.Core.Tenants;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Core.Tests;

/// <summary>
/// Rings across clusters and regions (doc 003, doc 004): edge with three clusters in two regions (eu-1, eu-2 in eu;
/// us-1 in us), each region reading its own shared stack, widgets homed in eu and bar in us.
/// </summary>
public sealed class ClusterTests : IDisposable
{
    private readonly TempRepo _repo = new();

    public ClusterTests() => _repo.AddClusters();

    public void Dispose() => _repo.Dispose();

    private IReadOnlyList<RenderedRing> Edge(RingFleet? fleet = null) => [.. RingRenderer.RenderAll(fleet ?? _repo.Load()).Where(r => r.Ring == "edge")];

    private static IReadOnlyList<string> Hosts(RenderedRing r) =>
        [.. Node.Arr(Node.Obj(r.Find("Ingress", "ring")!.Body, "spec"), "rules").Select(x => Node.Str(x, "host") ?? "")];

    private static string Problems(Action load) => string.Join("\n", Should.Throw<RingConfigException>(load).Problems.Select(p => p.Message));

    [Fact]
    public void TheRingBindsItsClustersInRolloutOrder_AndASharedStackPerRegion()
    {
        var edge = _repo.Load().Find("edge")!.Config;
        edge.Clusters.Select(c => $"{c.Name}/{c.Region}/{c.Context ?? "-"}").ShouldBe(["eu-1/eu/-", "eu-2/eu/-", "us-1/us/-"]);
        edge.Regions.ShouldBe(["eu", "us"]);
        edge.SharedStackFor(edge.Clusters[0]).ShouldBe("organization/ring-infra-shared/shared-eu");
        edge.SharedStackFor(edge.Clusters[2]).ShouldBe("organization/ring-infra-shared/shared-us");
        edge.TenantRegions.ShouldBe(new Dictionary<string, string> { ["bar"] = "us", ["widgets"] = "eu" });
    }

    [Fact]
    public void EachClusterRendersTheWholeRing_LabelledWithItsCluster_WithItsRegionsAliases()
    {
        var renders = Edge();
        renders.Select(r => r.Cluster.Name).ShouldBe(["eu-1", "eu-2", "us-1"]);
        var single = RingRenderer.Render(_repo.Load().Find("canary")!, _repo.Load().Shared);
        foreach (var r in renders)
        {
            r.Objects.ShouldAllBe(o => o.Labels[RingLabels.Cluster] == r.Cluster.Name, $"every object of {r.Where} carries its cluster");
            r.Objects.Select(o => o.Kind).Distinct().Order().ShouldBe(single.Objects.Select(o => o.Kind).Distinct().Order(), "the same kinds of objects as a single-cluster ring");
        }

        long RedisPort(RenderedRing r) => Node.AsInt(Node.Arr(Node.Obj(r.Find("Service", "redis")!.Body, "spec"), "ports")[0]!["port"])!.Value;
        renders.Select(RedisPort).ShouldBe([6379L, 6379L, 6380L], "eu's clusters alias shared-eu's redis, us-1 shared-us's");
        single.Objects.ShouldAllBe(o => !o.Labels.ContainsKey(RingLabels.Cluster), "a ring without clusters renders as before");
    }

    [Fact]
    public void EachClustersIngress_ListsOnlyItsRegionsTenants_AndThoseWithNoHome()
    {
        _repo.Replace("Pulumi.edge.yaml", "    - bar\n", "    - bar\n    - globex\n");
        var renders = Edge();
        Hosts(renders[0]).ShouldBe(["*.edge.acme.io", "globex.acme.io", "widgets.acme.io"]);
        Hosts(renders[1]).ShouldBe(["*.edge.acme.io", "globex.acme.io", "widgets.acme.io"]);
        Hosts(renders[2]).ShouldBe(["*.edge.acme.io", "bar.acme.io", "globex.acme.io"]);
    }

    [Fact]
    public void Validation_NamesAnUnknownRegion_ADuplicateClusterName_AndAUnservedHomeRegion_AllAtOnce()
    {
        _repo.Replace("Pulumi.edge.yaml", "    - name: eu-2\n      region: eu\n", "    - name: eu-1\n      region: ap\n");
        _repo.Replace("Pulumi.edge.yaml", "    bar: us\n", "    bar: mars\n");
        var problems = Problems(() => _repo.Load());
        problems.ShouldContain("ring 'edge': clusters[1].name must be unique within the ring (listed twice) (got eu-1)");
        problems.ShouldContain("ring 'edge': clusters[1].region has no shared stack: sharedStack maps only eu, us (every region needs its shared stack) (got ap)");
        problems.ShouldContain("ring 'edge': tenantRegions.bar must be a region the ring has a cluster in (eu, ap, us): a tenant is served only in its home region (got mars)");
    }

    [Fact]
    public void Validation_ARegionsSharedStackNeedsItsFile()
    {
        File.Delete(_repo.PathOf("stacks/shared/Pulumi.shared-us.yaml"));
        Problems(() => _repo.Load()).ShouldBe("shared stack: file must exist (the offline source of the shared stack's catalog and config) (got stacks/shared/Pulumi.shared-us.yaml)");
    }

    [Fact]
    public void Validation_ClustersNeedANameAndARegion()
    {
        _repo.Replace("Pulumi.edge.yaml", "    - name: eu-2\n      region: eu\n", "    - name: Eu_2\n    - region: eu\n      context: \"\"\n");
        var problems = Problems(() => _repo.Load());
        problems.ShouldContain("ring 'edge': clusters[1].name must be a DNS label");
        problems.ShouldContain("ring 'edge': clusters[1].region is required and must be a region name such as eu or us-east");
        problems.ShouldContain("ring 'edge': clusters[2].name is required and must be a DNS label");
        problems.ShouldContain("ring 'edge': clusters[2].context must be a kubeconfig context name (leave it out to render YAML) (got )");
    }

    [Fact]
    public void AMoveToARingLackingTheTenantsHomeRegion_IsRefused_NamingTheRegion()
    {
        var fleet = _repo.Load();
        var edge = fleet.Find("edge")!.Config;
        HomeRegions.RefuseMove(edge, "acme", "ap").ShouldBe(
            "tenant acme is homed in region ap, and ring edge has no cluster in region ap (its regions: eu, us): a tenant is served only in its home region");
        HomeRegions.RefuseMove(edge, "acme", "us").ShouldBeNull();
        HomeRegions.RefuseMove(edge, "acme", null).ShouldBeNull("a tenant with no home is served everywhere");
        HomeRegions.RefuseMove(fleet.Find("canary")!.Config, "acme", "ap").ShouldBeNull("a ring without clusters serves every region");

        // The same rule over the fleet as the registry would leave it: the tenant's home region goes with it.
        var moved = Assignments.Apply(fleet, new Dictionary<string, RingAssignment>
        {
            ["edge"] = new(["bar", "widgets", "acme"], false, true) { Regions = new Dictionary<string, string> { ["acme"] = "ap" } },
        });
        var problems = new List<ConfigProblem>();
        FleetRules.Check(moved.Rings, moved.Shared, problems);
        problems.Select(p => p.Message).ShouldContain(m => m.Contains("ring 'edge': tenantRegions.acme must be a region the ring has a cluster in (eu, us)", StringComparison.Ordinal));
    }

    [Fact]
    public void ChangingATenantsHomeRegion_TouchesOnlyTheIngressesOfTheClustersInvolved()
    {
        var fleet = _repo.Load();
        FleetChanges.Compare(fleet, FleetChanges.SetHomeRegion(fleet, "widgets", "us")).Select(c => c.Summary).ShouldBe(
            ["changed cluster eu-1: Ingress autocom-edge/ring", "changed cluster eu-2: Ingress autocom-edge/ring", "changed cluster us-1: Ingress autocom-edge/ring"]);
        FleetChanges.Compare(fleet, FleetChanges.SetHomeRegion(fleet, "bar", null)).Select(c => c.Summary).ShouldBe(
            ["changed cluster eu-1: Ingress autocom-edge/ring", "changed cluster eu-2: Ingress autocom-edge/ring"], "bar stays in us-1 and is added in eu");
        FleetChanges.Compare(fleet, FleetChanges.SetHomeRegion(fleet, "bar", "us")).ShouldBeEmpty("no change, no object");
    }

    [Fact]
    public void MovingAHomedTenant_ChangesOnlyTheIngressesOfItsRegionsClusters()
    {
        var fleet = _repo.Load();
        FleetChanges.Compare(fleet, FleetChanges.MoveTenant(fleet, "bar", "edge", "stable")).Select(c => c.Summary).ShouldBe(
            ["changed cluster us-1: Ingress autocom-edge/ring"], "stable (the default) lists no tenants; only us-1 served bar");
    }

    [Fact]
    public void Policies_AcceptOneRingsHostsInEachOfItsClusters_AndRefuseATenantHostInTwoRegionsRings()
    {
        var fleet = _repo.Load();
        PolicySuite.ByRing(fleet, ["edge"])["edge"].ShouldBeEmpty();

        // canary (no clusters, every region) also pinning widgets: one tenant host served by two rings, in different regions.
        var twice = fleet with
        {
            Rings = [.. fleet.Rings.Select(r => r.Name != "canary" ? r : r with { Config = r.Config with { Tenants = [.. r.Config.Tenants, "widgets"] } })],
        };
        var found = HostnameUniqueness.Check(RingRenderer.RenderAll(twice));
        found.Select(v => v.Requirement).ShouldContain("must be unique across rings (already served by ring 'edge' in cluster(s) eu-1, eu-2)");
    }

    [Fact]
    public void AnyChangeLeavingARingPinningATenantOutsideItsRegions_IsAPolicyViolation()
    {
        // A revert or resume moves tenants back without the command's own check: the policy gate judges the fleet it leaves.
        var fleet = _repo.Load();
        var homed = fleet with
        {
            Rings = [.. fleet.Rings.Select(r => r.Name != "stable" ? r : r with
            {
                Config = r.Config with { TenantRegions = new SortedDictionary<string, string>(StringComparer.Ordinal) { [r.Config.Tenants[0]] = "ap" } },
            })],
        };
        var tenant = fleet.Find("stable")!.Config.Tenants[0];
        PolicySuite.ByRing(homed, ["stable"])["stable"].ShouldBeEmpty("stable has no clusters: it serves every region");
        var moved = FleetChanges.MoveTenant(homed, tenant, "stable", "edge");
        PolicySuite.ByRing(moved, ["edge"])["edge"].ShouldBe(
            [$"Ingress autocom-edge/ring in cluster eu-1: tenantRegions.{tenant} must be a region ring 'edge' has a cluster in (eu, us): tenant {tenant} is served only in its home region (got ap) [home-region]"]);
    }

    [Fact]
    public void NetworkPolicyCompleteness_IsJudgedPerCluster()
    {
        // us-1's shared stack without redis's pod labels: only us-1's render can lack a complete egress policy for it.
        var us = _repo.Read("stacks/shared/Pulumi.shared-us.yaml");
        _repo.Write("stacks/shared/Pulumi.shared-us.yaml", us.Replace("    redis:\n      port: 6380", "    redis:\n      port: 6380\n      targetPort: 7000", StringComparison.Ordinal));
        var fleet = _repo.Load();
        var renders = Edge(fleet);
        var eu = NetworkPolicyCompleteness.Check(renders[0], fleet.SharedFor(renders[0].Config, renders[0].Cluster));
        var usFound = NetworkPolicyCompleteness.Check(renders[2], fleet.SharedFor(renders[2].Config, renders[2].Cluster));
        eu.ShouldBeEmpty();
        usFound.ShouldBeEmpty("the renderer opens each cluster's egress to its own region's ports");
        var policies = renders.Select(r => r.Objects.Where(o => o.Kind == "NetworkPolicy").Select(o => o.Body.ToJsonString()).Aggregate("", string.Concat)).ToList();
        policies[2].ShouldContain("7000");
        policies[0].ShouldNotContain("7000");
    }
}
