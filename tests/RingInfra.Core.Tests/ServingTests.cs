using System.Text.Json.Nodes;
using RingInfra.Core.Config;
using RingInfra.Core.Kube;
using RingInfra.Core.Policies;
using RingInfra.Core.Rendering;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Core.Tests;

/// <summary>
/// Issue 16's serving settings in Core: per-ring health checks (doc 001), disruption budgets and autoscaler behaviour
/// (doc 004), TLS and the production-tier rules.
/// </summary>
public sealed class ServingTests
{
    private static (RenderedRing Ring, IReadOnlyList<Violation> Violations) Render(string ring, string from, string to)
    {
        using var repo = new TempRepo();
        repo.Replace($"Pulumi.{ring}.yaml", from, to.Replace("\r", "", StringComparison.Ordinal));
        var fleet = repo.Load();
        var all = RingRenderer.RenderAll(fleet);
        var target = all.Single(r => r.Ring == ring);
        return (target, PolicySuite.Check([target], fleet.Shared, context: all));
    }

    private static JsonNode Container(RenderedRing r, string deployment) =>
        r.Find("Deployment", deployment)!.Body["spec"]!["template"]!["spec"]!["containers"]![0]!;

    [Fact]
    public void HealthDefaults_FollowDoc001_WithALivenessThatNeverAsksTheDatabase()
    {
        var api = Container(Repo.Render("edge"), "api");

        api["livenessProbe"]!["tcpSocket"]!["port"]!.ToString().ShouldBe("http");
        (api["livenessProbe"]!["periodSeconds"]!.GetValue<int>(), api["livenessProbe"]!["failureThreshold"]!.GetValue<int>()).ShouldBe((10, 3));
        api["readinessProbe"]!["httpGet"]!["path"]!.ToString().ShouldBe("/api/health");
        (api["readinessProbe"]!["periodSeconds"]!.GetValue<int>(), api["readinessProbe"]!["failureThreshold"]!.GetValue<int>()).ShouldBe((15, 2));
        Container(Repo.Render("edge"), "nginx")["readinessProbe"]!["httpGet"]!["path"]!.ToString().ShouldBe("/healthz");
    }

    [Fact]
    public void HealthOverrides_AndCustomChecks_BecomeProbes_AndNginxsAggregatedReadiness()
    {
        var (r, violations) = Render("canary", "  ring-infra:bakeTime: 24h\n", """
              ring-infra:bakeTime: 24h
              ring-infra:health:
                liveness:
                  path: /up
                  interval: 20s
                  threshold: 4
                readiness:
                  path: /ready
                  interval: 1m
                custom:
                  - name: database-connectivity
                    path: /health/db
                    interval: 30s
                    threshold: 5
                  - name: search
                    path: /health/search
                    interval: 15s
                    threshold: 3

            """);

        var api = Container(r, "api");
        api["livenessProbe"]!["httpGet"]!["path"]!.ToString().ShouldBe("/up");
        (api["livenessProbe"]!["periodSeconds"]!.GetValue<int>(), api["livenessProbe"]!["failureThreshold"]!.GetValue<int>()).ShouldBe((20, 4));
        (api["readinessProbe"]!["httpGet"]!["path"]!.ToString(), api["readinessProbe"]!["periodSeconds"]!.GetValue<int>(), api["readinessProbe"]!["failureThreshold"]!.GetValue<int>()).ShouldBe(("/ready", 60, 2));
        api["startupProbe"]!["tcpSocket"].ShouldNotBeNull("startup keeps its default");

        var nginx = Container(r, "nginx");
        nginx["readinessProbe"]!["httpGet"]!["path"]!.ToString().ShouldBe(NginxConfig.CustomHealthPath);
        nginx["readinessProbe"]!["httpGet"]!["port"]!.ToString().ShouldBe("health");
        (nginx["readinessProbe"]!["periodSeconds"]!.GetValue<int>(), nginx["readinessProbe"]!["failureThreshold"]!.GetValue<int>()).ShouldBe((15, 3), "the most frequent interval and the lowest threshold");
        nginx["ports"]!.AsArray().Select(p => p!["containerPort"]!.GetValue<int>()).ShouldBe([8080, NginxConfig.HealthPort]);
        var conf = r.Find("ConfigMap", "ring-nginx-conf")!.Body["data"]!["default.conf"]!.ToString();
        conf.ShouldContain("proxy_pass http://api:8000/health/db;");
        conf.ShouldContain("proxy_pass http://api:8000/health/search;");
        violations.ShouldBeEmpty("no NetworkPolicy opens the health port, and none needs to: the kubelet probes it");
        r.Objects.Where(o => o.Kind == "NetworkPolicy").ShouldAllBe(o => !o.Body.ToJsonString().Contains("8082", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1, null)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(5, 4)]
    public void TheDisruptionBudget_KeepsAllButOnePod(int replicas, int? minAvailable)
    {
        var (r, _) = Render("canary", "    api:\n      replicas: 2\n", $"    api:\n      replicas: {replicas}\n");

        var spec = r.Find("PodDisruptionBudget", "api")!.Body["spec"]!.AsObject();
        if (minAvailable is { } min)
        {
            spec["minAvailable"]!.GetValue<int>().ShouldBe(min);
            spec.ContainsKey("maxUnavailable").ShouldBeFalse();
        }
        else
        {
            spec["maxUnavailable"]!.GetValue<int>().ShouldBe(1, "one pod: a budget of zero would block every node drain");
        }
    }

    [Fact]
    public void TheAutoscaler_BehavesAsDoc004_AndAsTheRingSays()
    {
        var hpa = Repo.Render("stable").Find("HorizontalPodAutoscaler", "api")!.Body["spec"]!["behavior"]!;
        hpa.ToJsonString().ShouldBe("""{"scaleUp":{"stabilizationWindowSeconds":60,"policies":[{"type":"Percent","value":100,"periodSeconds":30}]},"scaleDown":{"stabilizationWindowSeconds":300,"policies":[{"type":"Percent","value":50,"periodSeconds":60}]}}""");

        var (r, _) = Render("stable", "  ring-infra:bakeTime: 7d\n", "  ring-infra:bakeTime: 7d\n  ring-infra:autoscaling:\n    scaleDown:\n      stabilizationWindow: 10m\n      percent: 20\n");
        var down = r.Find("HorizontalPodAutoscaler", "api")!.Body["spec"]!["behavior"]!["scaleDown"]!;
        (down["stabilizationWindowSeconds"]!.GetValue<int>(), down["policies"]![0]!["value"]!.GetValue<int>(), down["policies"]![0]!["periodSeconds"]!.GetValue<int>()).ShouldBe((600, 20, 60));
    }

    [Fact]
    public void Tls_CoversEveryHostOfTheRing_WithCertManagersAnnotation()
    {
        var ingress = Repo.Render("stable").Find("Ingress", "ring")!.Body;
        ingress["metadata"]!["annotations"]!["cert-manager.io/cluster-issuer"]!.ToString().ShouldBe("letsencrypt-prod");
        var tls = ingress["spec"]!["tls"]!.AsArray().ShouldHaveSingleItem()!;
        tls["secretName"]!.ToString().ShouldBe("ring-stable-tls");
        tls["hosts"]!.AsArray().Select(h => h!.ToString()).ShouldBe(ingress["spec"]!["rules"]!.AsArray().Select(r => r!["host"]!.ToString()));

        var (edge, violations) = Render("edge", "  ring-infra:tier: staging\n", "  ring-infra:tier: staging\n  ring-infra:tls:\n    secretName: wildcard-acme-io\n");
        edge.Find("Ingress", "ring")!.Body["spec"]!["tls"]![0]!["secretName"]!.ToString().ShouldBe("wildcard-acme-io");
        edge.Find("Ingress", "ring")!.Body["metadata"]!["annotations"]!.AsObject().ContainsKey("cert-manager.io/cluster-issuer").ShouldBeFalse();
        violations.ShouldBeEmpty();
    }

    [Fact]
    public void AProductionRing_WithoutTls_OrWithOneReplica_IsALintError_NamingIt()
    {
        var (_, noTls) = Render("stable", "  ring-infra:tls:\n    clusterIssuer: letsencrypt-prod\n", "");
        noTls.Select(v => v.Message).ShouldBe(["Ingress autocom/ring: spec.tls must be set in a production-tier ring (ring-infra:tls: {secretName: …} or {clusterIssuer: …}) (got none) [production-tls]"]);

        var (_, single) = Render("stable", "  ring-infra:bakeTime: 7d\n", "  ring-infra:bakeTime: 7d\n  ring-infra:workloads:\n    horizon:\n      replicas: 1\n      maxReplicas: 4\n");
        single.Select(v => v.Message).ShouldBe(["Deployment autocom/horizon: spec.replicas must be at least 2 in a production-tier ring (workloads.horizon.replicas): a single pod goes away with every node drain (got 1) [production-replicas]"]);

        var (_, staging) = Render("edge", "  ring-infra:tier: staging\n", "  ring-infra:tier: staging\n  ring-infra:workloads:\n    horizon:\n      replicas: 1\n");
        staging.ShouldBeEmpty("only production-tier rings");
    }

    [Fact]
    public void TlsHostsThatDifferFromTheRuleHosts_AreAViolation()
    {
        var ring = Repo.Render("stable");
        var tampered = ring.Objects.Select(o => o.Kind != "Ingress" ? o : new KubeObject(With(o.Body, b => b["spec"]!["tls"]![0]!["hosts"]!.AsArray().RemoveAt(0)))).ToList();

        var violations = HostnameUniqueness.Check([ring with { Objects = tampered }]);

        violations.ShouldHaveSingleItem().Message.ShouldContain("must equal the rule hosts (missing: *.stable.acme.io; not served: none)");
    }

    private static JsonObject With(JsonObject body, Action<JsonObject> change)
    {
        var copy = body.DeepClone().AsObject();
        change(copy);
        return copy;
    }

    [Fact]
    public void ServingConfig_NamesEveryProblemAtOnce()
    {
        using var repo = new TempRepo();
        repo.Replace("Pulumi.canary.yaml", "  ring-infra:bakeTime: 24h\n", """
              ring-infra:bakeTime: 24h
              ring-infra:health:
                liveness:
                  interval: often
                custom:
                  - name: db
                    path: health/db
                  - name: db
                    path: /health/db2
              ring-infra:tls:
                secretName: a
                clusterIssuer: b
              ring-infra:websockets:
                path: /
                idleTimeout: 10s
              ring-infra:autoscaling:
                scaleUp:
                  percent: 0

            """.Replace("\r", "", StringComparison.Ordinal));

        var keys = Should.Throw<RingConfigException>(repo.Load).Problems.Select(p => p.Key).ToList();

        keys.ShouldBe(["health.liveness.interval", "health.custom[0].path", "health.custom[1].name", "tls", "websockets.path", "websockets.idleTimeout", "autoscaling.scaleUp.percent"], ignoreOrder: true);
    }
}
