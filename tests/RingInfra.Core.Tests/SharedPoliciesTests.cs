using System.Text.Json.Nodes;
using RingInfra.Core.Kube;
using RingInfra.Core.Policies;
using RingInfra.Core.Rendering;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Core.Tests;

/// <summary>The shared stack's policies admit the rings to the shared services and never touch a ring's own pods.</summary>
public sealed class SharedPoliciesTests
{
    private static Dictionary<string, string> Labels(params (string Key, string Value)[] labels) => labels.ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);

    [Fact]
    public void ThereIsOnePolicyPerSharedService_SelectingOnlyItsPods()
    {
        var facts = Repo.LoadFleet().Shared;
        var policies = SharedRenderer.IngressPolicies(facts);
        policies.Select(p => p.Name).ShouldBe(facts.Services.Where(s => s.Namespace == facts.Namespace).Select(s => "shared-" + s.Name), ignoreOrder: true);
        var redis = policies.Single(p => p.Name == "shared-redis");
        var selector = redis.Body["spec"]!["podSelector"]!.AsObject();
        LabelSelector.Matches(selector, Labels(("app", "redis"))).ShouldBeTrue();
        LabelSelector.Matches(selector, Labels(("app", "minio"))).ShouldBeFalse();
        LabelSelector.Matches(selector, Labels(("app", "redis"), (RingLabels.Ring, "stable"))).ShouldBeFalse();
        redis.Body["spec"]!["policyTypes"]!.AsArray().Select(t => t!.ToString()).ShouldBe(["Ingress"]);
    }

    [Fact]
    public void NoSharedPolicy_SelectsARingsPods_SoStableKeepsItsDefaultDeny()
    {
        var rings = Repo.RenderAll();
        var facts = Repo.LoadFleet().Shared;
        SharedPolicyIsolation.Check(SharedRenderer.IngressPolicies(facts), rings).ShouldBeEmpty();
        var stable = rings.Single(r => r.Ring == "stable");
        stable.Namespace.ShouldBe(facts.Namespace);
        var deny = stable.Find("NetworkPolicy", NetworkObjects.DefaultDeny)!;
        deny.Body["spec"]!["ingress"]!.AsArray().Count.ShouldBe(0);
        LabelSelector.Matches(deny.Body["spec"]!["podSelector"]!.AsObject(), Labels((RingLabels.Ring, "stable"), ("app", "api"))).ShouldBeTrue();
        PolicySuite.Check(rings, facts).ShouldBeEmpty();
    }

    [Fact]
    public void TheOldSelectEverythingPolicy_IsCaught_ForEveryStablePod()
    {
        var rings = Repo.RenderAll();
        var old = new KubeObject(new JsonObject
        {
            ["apiVersion"] = "networking.k8s.io/v1",
            ["kind"] = "NetworkPolicy",
            ["metadata"] = new JsonObject { ["name"] = "shared-from-rings", ["namespace"] = "autocom" },
            ["spec"] = new JsonObject { ["podSelector"] = new JsonObject(), ["policyTypes"] = new JsonArray("Ingress") },
        });

        var found = SharedPolicyIsolation.Check([old], rings);

        found.Select(v => v.Message).ShouldBe(
        [
            "NetworkPolicy autocom/shared-from-rings: spec.podSelector must not select ring 'stable' pods (api): it would open them and cancel the ring's default deny (got {}) [shared-policy-isolation]",
            "NetworkPolicy autocom/shared-from-rings: spec.podSelector must not select ring 'stable' pods (horizon): it would open them and cancel the ring's default deny (got {}) [shared-policy-isolation]",
            "NetworkPolicy autocom/shared-from-rings: spec.podSelector must not select ring 'stable' pods (nginx): it would open them and cancel the ring's default deny (got {}) [shared-policy-isolation]",
        ]);
    }

    [Fact]
    public void TheRings_ReachEachServicesPodPort_AndTheSharedNamespacesOwnPodsAnyPort()
    {
        var policy = SharedRenderer.IngressPolicies(Repo.LoadFleet().Shared).Single(p => p.Name == "shared-autocom-db-rw");
        var rules = policy.Body["spec"]!["ingress"]!.AsArray();
        var own = rules[0]!.AsObject();
        own.ContainsKey("ports").ShouldBeFalse();
        LabelSelector.Matches(own["from"]![0]!["podSelector"]!.AsObject(), Labels(("app", "frontend"))).ShouldBeTrue();
        LabelSelector.Matches(own["from"]![0]!["podSelector"]!.AsObject(), Labels(("app", "api"), (RingLabels.Ring, "stable"))).ShouldBeFalse();

        var fromRings = rules[1]!.AsObject();
        fromRings["ports"]!.AsArray().Select(p => (int)p!["port"]!).ShouldBe([5432]);
        var ringNamespace = fromRings["from"]![0]!;
        LabelSelector.Matches(ringNamespace["namespaceSelector"]!.AsObject(), Labels((RingLabels.Ring, "canary"))).ShouldBeTrue();
        LabelSelector.Matches(ringNamespace["podSelector"]!.AsObject(), Labels((RingLabels.Ring, "canary"), ("app", "horizon"))).ShouldBeTrue();
        LabelSelector.Matches(ringNamespace["podSelector"]!.AsObject(), Labels((RingLabels.Ring, "canary"), ("app", "nginx"))).ShouldBeFalse();
    }

    [Fact]
    public void TheConfiguredOthers_AreAdmitted_WhereTheyAreNeeded()
    {
        var policies = SharedRenderer.IngressPolicies(Repo.LoadFleet().Shared).ToDictionary(p => p.Name);
        string[] From(string policy) => [.. policies[policy].Body["spec"]!["ingress"]!.AsArray().Skip(2)
            .Select(r => r!["from"]![0]!["namespaceSelector"]!["matchLabels"]!["kubernetes.io/metadata.name"]!.ToString())];

        From("shared-frontend").ShouldBe(["ingress-nginx", "monitoring"]);
        From("shared-redis").ShouldBe(["monitoring"]);
        From("shared-autocom-db-rw").ShouldBe(["cnpg-system", "monitoring"]);
        var cnpg = policies["shared-autocom-db-rw"].Body["spec"]!["ingress"]![2]!;
        cnpg["ports"]!.AsArray().Select(p => (int)p!["port"]!).ShouldBe([8000, 5432]);
        policies["shared-redis"].Body["spec"]!["ingress"]![2]!.AsObject().ContainsKey("ports").ShouldBeFalse("monitoring: every port");
    }
}
