using System.Text.Json.Nodes;
using RingInfra.Core.Config;
using RingInfra.Core.Fleet;
using RingInfra.Core.Policies;
using RingInfra.Core.Rendering;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Core.Tests;

public sealed class PolicyTests
{
    private static RenderedRing RenderWith(string ring, Func<RingConfig, RingConfig> change)
    {
        var fleet = Repo.LoadFleet();
        var def = fleet.Find(ring)!;
        return RingRenderer.Render(def with { Config = change(def.Config) }, fleet.Shared);
    }

    [Fact]
    public void HostnameUniqueness_ReportsTheSecondRingServingAHost()
    {
        var rings = Repo.RenderAll().Select(r => r.Ring == "canary" ? RenderWith("canary", c => c with { HostnameSegment = "edge" }) : r).ToList();
        var v = HostnameUniqueness.Check(rings).ShouldHaveSingleItem();
        v.Message.ShouldBe("Ingress autocom-canary/ring: spec.rules[0].host must be unique across rings (already served by ring 'edge') (got *.edge.acme.io) [hostname-uniqueness]");
    }

    [Fact]
    public void HostnameUniqueness_ReportsATenantHostInTwoRings()
    {
        var rings = Repo.RenderAll().Select(r => r.Ring == "canary" ? RenderWith("canary", c => c with { Tenants = ["test-canary", "widgets"] }) : r).ToList();
        HostnameUniqueness.Check(rings).ShouldHaveSingleItem().Value.ShouldBe("widgets.acme.io");
    }

    [Fact]
    public void CredentialIsolation_RefusesAProductionCredentialInALowerRing()
    {
        var shared = Repo.LoadFleet().Shared;
        var rings = Repo.RenderAll().Select(r => r.Ring == "canary"
            ? RenderWith("canary", c => c with { Connectors = [new ConnectorInstance("salesforce", "https://x.example.com", "salesforce-prod-cred")] })
            : r).ToList();
        CredentialIsolation.Check(rings, shared).ShouldHaveSingleItem().Message.ShouldBe(
            "Secret autocom-canary/ring-connectors: data.salesforce-prod-cred must not be used by ring 'canary' (order 20): it is bound to the more conservative ring 'stable' (order 0) (got salesforce-prod-cred) [credential-isolation]");
    }

    [Fact]
    public void CredentialIsolation_AllowsAConservativeRingToUseALowerRingsCredential_AndRefusesUnboundOnes()
    {
        var shared = Repo.LoadFleet().Shared;
        var rings = Repo.RenderAll().Select(r => r.Ring switch
        {
            "stable" => RenderWith("stable", c => c with { Connectors = [new ConnectorInstance("salesforce", "https://x.example.com", "salesforce-sandbox-cred")] }),
            "edge" => RenderWith("edge", c => c with { Connectors = [new ConnectorInstance("hubspot", "https://x.example.com", "hubspot-cred")] }),
            _ => r,
        }).ToList();
        CredentialIsolation.Check(rings, shared).ShouldHaveSingleItem().Message.ShouldBe(
            "Secret autocom-edge/ring-connectors: data.hubspot-cred must be a credential bound to a ring in the shared stack's connectorCredentials (got hubspot-cred) [credential-isolation]");
    }

    [Fact]
    public void SecretHygiene_FlagsSecretNamesAndKnownValues_WithoutEchoingThem()
    {
        var shared = Repo.LoadFleet().Shared;
        var canary = Repo.Render("canary");
        canary.Find("ConfigMap", "ring-env")!.Body["data"]!["DB_PASSWORD"] = "s3cr3t-value";
        canary.Find("ConfigMap", "ring-env")!.Body["data"]!["GREETING"] = "hello p4ssw0rd-canary world";
        var api = canary.Find("Deployment", "api")!.Body;
        api["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray().Add(new JsonObject { ["name"] = "STRIPE_SECRET", ["value"] = "sk_live_x" });
        canary.Find("Secret", "ring-app-secrets")!.Body["data"]!["APP_KEY"] = "YmFzZTY0";

        var violations = SecretHygiene.Check(canary, shared, ["p4ssw0rd-canary"]);
        violations.Select(v => v.Message).ShouldBe(
        [
            "ConfigMap autocom-canary/ring-env: data.DB_PASSWORD must not be in a ConfigMap: the name says it is a secret (got (value hidden)) [secret-hygiene]",
            "ConfigMap autocom-canary/ring-env: data.GREETING must not contain a secret value (got (value hidden)) [secret-hygiene]",
            "Secret autocom-canary/ring-app-secrets: data.APP_KEY must be empty in a render (an image-pull config: {\"auths\":{}}): values come from the shared stack at deploy time (got (value hidden)) [secret-hygiene]",
            "Deployment autocom-canary/api: spec.template.spec.containers[0].env[1].value must come from a secretKeyRef: STRIPE_SECRET names a secret (got (value hidden)) [secret-hygiene]",
        ], ignoreOrder: true);
        string.Join("\n", violations.Select(v => v.Message)).ShouldNotContain("p4ssw0rd");
        string.Join("\n", violations.Select(v => v.Message)).ShouldNotContain("s3cr3t");
    }

    [Fact]
    public void PolicySuite_OverOneRing_ReportsOnlyThatRingsViolations()
    {
        var all = Repo.RenderAll().Select(r => r.Ring == "canary" ? RenderWith("canary", c => c with { HostnameSegment = "edge" }) : r).ToList();
        var shared = Repo.LoadFleet().Shared;
        PolicySuite.Check([.. all.Where(r => r.Ring == "edge")], shared, context: all).ShouldBeEmpty();
        PolicySuite.Check([.. all.Where(r => r.Ring == "canary")], shared, context: all).ShouldHaveSingleItem().Rule.ShouldBe("hostname-uniqueness");
    }

    [Fact]
    public void LabelSelector_MatchesExpressions()
    {
        var selector = new JsonObject
        {
            ["matchLabels"] = new JsonObject { ["ring"] = "canary" },
            ["matchExpressions"] = new JsonArray(new JsonObject { ["key"] = "app", ["operator"] = "In", ["values"] = new JsonArray("api", "horizon") }),
        };
        LabelSelector.Matches(selector, new Dictionary<string, string> { ["ring"] = "canary", ["app"] = "api" }).ShouldBeTrue();
        LabelSelector.Matches(selector, new Dictionary<string, string> { ["ring"] = "canary", ["app"] = "nginx" }).ShouldBeFalse();
        LabelSelector.Matches(selector, new Dictionary<string, string> { ["ring"] = "edge", ["app"] = "api" }).ShouldBeFalse();
    }
}
