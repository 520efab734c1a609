using System.Text.Json.Nodes;
using RingInfra.Core.Config;
using RingInfra.Core.Kube;
using RingInfra.Core.Policies;
using RingInfra.Core.Rendering;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Core.Tests;

/// <summary>What a Kubernetes 1.32 cluster needs of the rendered objects beyond their schema: each point of the review, as exact fields.</summary>
public sealed class ClusterCorrectnessTests
{
    private static JsonNode At(KubeObject o, string path) =>
        path.Split('.').Aggregate((JsonNode?)o.Body, (n, p) => int.TryParse(p, out var i) ? n?[i] : n?[p]) ?? throw new ShouldAssertException($"{o.Id}: no {path}");

    private static RenderedRing RenderWith(string ring, string file, string from, string to)
    {
        using var repo = new TempRepo();
        repo.Replace(file, from, to);
        var fleet = repo.Load();
        return RingRenderer.Render(fleet.Find(ring)!, fleet.Shared);
    }

    [Fact]
    public void EachRing_HasItsOwnRedisHorizonAndCachePrefixes_AndQueue()
    {
        var env = Repo.Render("canary").Find("ConfigMap", "ring-env")!.Body["data"]!;
        env["REDIS_PREFIX"]!.ToString().ShouldBe("autocom_canary_");
        env["HORIZON_PREFIX"]!.ToString().ShouldBe("autocom_canary_horizon:");
        env["CACHE_PREFIX"]!.ToString().ShouldBe("autocom_canary_cache_");
        env["REDIS_QUEUE"]!.ToString().ShouldBe("canary");
        QueueIsolation.Check(Repo.RenderAll()).ShouldBeEmpty();
    }

    [Fact]
    public void TwoRingsSharingAPrefix_AreRefusedByThePolicy()
    {
        using var repo = new TempRepo();
        repo.Replace("Pulumi.edge.yaml", "  ring-infra:tier:", "  ring-infra:queues:\n    redisPrefix: autocom_canary_\n  ring-infra:tier:");
        var fleet = repo.Load();
        var rings = RingRenderer.RenderAll(fleet);

        rings.Single(r => r.Ring == "edge").Find("ConfigMap", "ring-env")!.Body["data"]!["REDIS_PREFIX"]!.ToString().ShouldBe("autocom_canary_");
        QueueIsolation.Check(rings).Select(v => v.Message).ShouldBe(
            ["ConfigMap autocom-canary/ring-env: data.REDIS_PREFIX must differ from ring 'edge''s: two rings on one Redis must not share queues, Horizon state or the cache (got autocom_canary_) [queue-isolation]"]);
    }

    [Fact]
    public void AQueuePrefix_CannotBeSetAsAPlainEnvVar()
    {
        using var repo = new TempRepo();
        repo.Replace("Pulumi.canary.yaml", "    LOG_LEVEL: debug", "    LOG_LEVEL: debug\n    REDIS_PREFIX: shared_");
        var e = Should.Throw<RingConfigException>(() => repo.Load());
        e.Problems.Select(p => p.Message).ShouldContain("ring 'canary': env.REDIS_PREFIX is set by RingInfra itself and cannot be configured (got shared_)");
    }

    [Fact]
    public void ApiLiveness_DependsOnTheProcessOnly_ReadinessOnHealth()
    {
        var api = Repo.Render("edge").Find("Deployment", "api")!;
        At(api, "spec.template.spec.containers.0.livenessProbe.tcpSocket.port").ToString().ShouldBe("http");
        At(api, "spec.template.spec.containers.0.startupProbe.tcpSocket.port").ToString().ShouldBe("http");
        At(api, "spec.template.spec.containers.0.readinessProbe.httpGet.path").ToString().ShouldBe("/api/health");
        ((int)At(api, "spec.template.spec.containers.0.readinessProbe.periodSeconds")).ShouldBe(15, "doc 001: readiness every 15 s");
        ((int)At(api, "spec.template.spec.containers.0.readinessProbe.timeoutSeconds")).ShouldBe(3);
    }

    [Fact]
    public void HorizonLiveness_ChecksThisPodsMaster_WithoutBootingTheFramework()
    {
        var horizon = Repo.Render("edge").Find("Deployment", "horizon")!;
        At(horizon, "spec.template.spec.containers.0.livenessProbe.exec.command").AsArray().Select(c => c!.ToString())
            .ShouldBe(["sh", "-c", "grep -qa horizon /proc/1/cmdline"]);
        ((int)At(horizon, "spec.template.spec.containers.0.livenessProbe.periodSeconds")).ShouldBe(30);
        horizon.Body.ToJsonString().ShouldNotContain("horizon:status");
    }

    /// <summary>
    /// The controller waits at least as long as the ring's nginx: the api timeout for requests (the ring's nginx cuts
    /// them there) and the websockets' idle timeout (default 1h) for Reverb's sockets, so the larger of the two.
    /// </summary>
    [Theory]
    [InlineData("stable", "3600")]
    [InlineData("edge", "3600")]
    [InlineData("canary", "3600")]
    public void TheIngressController_WaitsAsLongAsTheRing(string ring, string seconds)
    {
        var rendered = Repo.Render(ring);
        rendered.Find("ConfigMap", "ring-nginx-conf")!.Body["data"]!["default.conf"]!.ToString()
            .ShouldContain($"proxy_read_timeout {rendered.Workloads[WorkloadKind.Api].Settings.TimeoutSeconds}s;", customMessage: "requests are still cut at the api timeout");
        var annotations = rendered.Find("Ingress", "ring")!.Body["metadata"]!["annotations"]!;
        annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]!.ToString().ShouldBe(seconds);
        annotations["nginx.ingress.kubernetes.io/proxy-send-timeout"]!.ToString().ShouldBe(seconds);
        annotations["nginx.ingress.kubernetes.io/proxy-body-size"]!.ToString().ShouldBe("64m");
    }

    [Fact]
    public void IngressAnnotations_FollowTheConfiguredController()
    {
        var ring = RenderWith("canary", "Pulumi.canary.yaml", "  ring-infra:tier: dev", "  ring-infra:tier: dev\n  ring-infra:ingressController: none\n  ring-infra:ingressAnnotations:\n    traefik.ingress.kubernetes.io/router.tls: \"true\"");
        var annotations = ring.Find("Ingress", "ring")!.Body["metadata"]!["annotations"]!.AsObject();
        annotations.Select(a => a.Key).ShouldBe(["traefik.ingress.kubernetes.io/router.tls"]);
    }

    [Fact]
    public void Nginx_PassesTheForwardedSchemeThrough_AndSpoolsToItsSizedCache()
    {
        var r = Repo.Render("canary");
        var conf = r.Find("ConfigMap", "ring-nginx-conf")!.Body["data"]!["default.conf"]!.ToString();
        conf.ShouldContain("map $http_x_forwarded_proto $ring_forwarded_proto {\n    default $http_x_forwarded_proto;\n    \"\"      $scheme;\n}");
        conf.ShouldContain("proxy_set_header X-Forwarded-Proto $ring_forwarded_proto;");
        conf.ShouldNotContain("X-Forwarded-Proto $scheme");
        conf.ShouldContain("proxy_request_buffering off;");
        conf.ShouldContain("client_body_temp_path /var/cache/nginx/client_temp;");
        conf.ShouldContain("proxy_temp_path /var/cache/nginx/proxy_temp;");
        conf.ShouldContain("proxy_max_temp_file_size 128m;");
        var volumes = At(r.Find("Deployment", "nginx")!, "spec.template.spec.volumes").AsArray();
        volumes.Single(v => v!["name"]!.ToString() == "cache")!["emptyDir"]!["sizeLimit"]!.ToString().ShouldBe("1Gi");
    }

    [Fact]
    public void InternetEgress_ExcludesEveryPrivateRange_AndAdmitsTheIngressControllersPods()
    {
        var policy = Repo.Render("edge").Find("NetworkPolicy", "app-to-internet-https")!;
        var rules = At(policy, "spec.egress").AsArray();
        rules.Count.ShouldBe(2);
        rules[0]!["to"]![0]!["ipBlock"]!["except"]!.AsArray().Select(c => c!.ToString())
            .ShouldBe(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"]);
        rules[1]!["to"]![0]!["namespaceSelector"]!["matchLabels"]!["kubernetes.io/metadata.name"]!.ToString().ShouldBe("ingress-nginx");
        rules[1]!["ports"]!.AsArray().Select(p => (int)p!["port"]!).ShouldBe([80, 443]);
    }

    [Fact]
    public void DualStack_AddsIPv6Egress()
    {
        var ring = RenderWith("edge", "Pulumi.edge.yaml", "  ring-infra:tier: staging", "  ring-infra:tier: staging\n  ring-infra:dualStack: true");
        var v6 = At(ring.Find("NetworkPolicy", "app-to-internet-https")!, "spec.egress.1.to.0.ipBlock");
        v6["cidr"]!.ToString().ShouldBe("::/0");
        v6["except"]!.AsArray().Select(c => c!.ToString()).ShouldBe(["fc00::/7", "fe80::/10"]);
    }

    [Fact]
    public void TheDnsPolicy_FollowsTheConfiguredResolver()
    {
        var ring = RenderWith("edge", "Pulumi.edge.yaml", "  ring-infra:tier: staging",
            "  ring-infra:tier: staging\n  ring-infra:dns:\n    namespace: openshift-dns\n    podLabels:\n      dns.operator.openshift.io/daemonset-dns: default\n    port: 5353\n    ipBlocks: [169.254.20.10/32]");
        var rule = At(ring.Find("NetworkPolicy", "ring-allow-dns")!, "spec.egress.0");
        rule["to"]![0]!["namespaceSelector"]!["matchLabels"]!["kubernetes.io/metadata.name"]!.ToString().ShouldBe("openshift-dns");
        rule["to"]![0]!["podSelector"]!["matchLabels"]!["dns.operator.openshift.io/daemonset-dns"]!.ToString().ShouldBe("default");
        rule["to"]![1]!["ipBlock"]!["cidr"]!.ToString().ShouldBe("169.254.20.10/32");
        rule["ports"]!.AsArray().Select(p => $"{p!["protocol"]}/{p["port"]}").ShouldBe(["UDP/5353", "TCP/5353"]);
        NetworkPolicyCompleteness.Check(ring, Repo.LoadFleet().Shared).ShouldBeEmpty();
    }

    [Fact]
    public void TheQuota_LeavesRoomForOneTerminatingPodOfTheLargestWorkload()
    {
        var r = Repo.Render("canary");
        var quota = r.Find("ResourceQuota", "ring-quota")!;
        var pods = r.Workloads.Values.Sum(w => w.MaxPods) + 2; // a terminating pod, and a module upgrade Job's
        At(quota, "spec.hard.pods").ToString().ShouldBe(pods.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Summed from the rendered pods' containers (the nginx exporter sidecar included), not from the sizing model.
        long PodSum(KubeObject d, string what, Func<string, long> parse) => At(d, "spec.template.spec.containers").AsArray()
            .Sum(c => parse(c!["resources"]![what.Split('.')[0]]![what.Split('.')[1]]!.ToString()));
        var deployments = r.Objects.Where(o => o.Kind == "Deployment").ToList();
        deployments.Single(d => d.Name == "nginx").Body["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Count.ShouldBe(2, "nginx and its metrics exporter");
        var maxPods = deployments.ToDictionary(d => d.Name, d => r.Workloads.Values.Single(w => RingLabels.Name(w.Kind) == d.Name).MaxPods);
        foreach (var (field, parse, format) in new (string, Func<string, long>, Func<long, string>)[]
        {
            ("limits.memory", t => Quantity.ParseMemory(t)!.Value, Quantity.FormatMemory),
            ("requests.memory", t => Quantity.ParseMemory(t)!.Value, Quantity.FormatMemory),
            ("requests.cpu", t => Quantity.ParseCpu(t)!.Value, m => Quantity.FormatCpu((int)m)),
        })
        {
            var perPod = deployments.ToDictionary(d => d.Name, d => PodSum(d, field, parse));
            var largest = deployments.MaxBy(d => PodSum(d, "limits.memory", t => Quantity.ParseMemory(t)!.Value))!;
            quota.Body["spec"]!["hard"]![field]!.ToString().ShouldBe(format(perPod.Sum(p => p.Value * maxPods[p.Key]) + perPod[largest.Name] + perPod["api"]), field);
        }

        quota.Body["metadata"]!["annotations"]!["ringinfra.io/sizing"]!.ToString().ShouldContain("terminating still counts");
    }

    [Fact]
    public void TheCatalogsTargetPort_IsWhatPoliciesOpen_AndItsPortWhatAliasesServe()
    {
        using var repo = new TempRepo();
        repo.Replace("stacks/shared/Pulumi.shared.yaml", "    docs:\n      port: 8080\n", "    docs:\n      port: 80\n      targetPort: 8080\n");
        repo.Replace("stacks/shared/Pulumi.shared.yaml", "  ring-infra-shared:domain: acme.io", "  ring-infra-shared:domain: acme.io\n  ring-infra-shared:clusterDomain: k8s.internal");
        var fleet = repo.Load();
        var edge = RingRenderer.Render(fleet.Find("edge")!, fleet.Shared);

        var alias = edge.Find("Service", "docs")!;
        ((int)At(alias, "spec.ports.0.port")).ShouldBe(80);
        At(alias, "spec.externalName").ToString().ShouldBe("docs.autocom.svc.k8s.internal");
        var toDocs = At(edge.Find("NetworkPolicy", "app-to-shared-services")!, "spec.egress").AsArray()
            .Single(r => r!["to"]![0]!["podSelector"]!["matchLabels"]!["app"]?.ToString() == "docs")!;
        ((int)toDocs["ports"]![0]!["port"]!).ShouldBe(8080);
        SharedRenderer.IngressPolicies(fleet.Shared).Single(p => p.Name == "shared-docs").Body["spec"]!["ingress"]![1]!["ports"]![0]!["port"]!.GetValue<int>().ShouldBe(8080);
        NetworkPolicyCompleteness.Check(edge, fleet.Shared).ShouldBeEmpty();
    }

    [Fact]
    public void ALiveDeploymentsSelector_IsKept_AndThePodsCarryRingInfrasLabelsToo()
    {
        var stable = RenderWith("stable", "Pulumi.stable.yaml", "  ring-infra:tier: production",
            "  ring-infra:tier: production\n  ring-infra:selectorLabels:\n    api:\n      app: api\n      tier: backend");
        var api = stable.Find("Deployment", "api")!;
        At(api, "spec.selector.matchLabels").AsObject().Select(l => $"{l.Key}={l.Value}").ShouldBe(["app=api", "tier=backend"]);
        var labels = At(api, "spec.template.metadata.labels").AsObject();
        labels["tier"]!.ToString().ShouldBe("backend");
        labels[RingLabels.Ring]!.ToString().ShouldBe("stable");
        At(stable.Find("Deployment", "horizon")!, "spec.selector.matchLabels").AsObject().Select(l => l.Key).ShouldBe(["app", RingLabels.Ring]);
        PolicySuite.Check([stable], Repo.LoadFleet().Shared).ShouldBeEmpty();
    }

    [Fact]
    public void AKeptSelector_CannotRelabelWhatRingInfraSelectsOn()
    {
        using var repo = new TempRepo();
        repo.Replace("Pulumi.stable.yaml", "  ring-infra:tier: production", "  ring-infra:tier: production\n  ring-infra:selectorLabels:\n    api:\n      app: autocom-api");
        var e = Should.Throw<RingConfigException>(() => repo.Load());
        e.Problems.Select(p => p.Message).ShouldContain(
            "ring 'stable': selectorLabels.api.app must be 'api' (RingInfra sets this label itself and selects on it); keep the live selector's other labels (got autocom-api)");
    }
}
