using System.Text.Json.Nodes;
using RingInfra.Core.Kube;
using RingInfra.Core.Policies;
using RingInfra.Core.Rendering;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Core.Tests;

/// <summary>DESIGN §3 for the three shipped rings.</summary>
public sealed class RenderTests
{
    public static TheoryData<string> Rings => ["stable", "edge", "canary"];

    private static JsonNode? At(KubeObject o, string path) =>
        path.Split('.').Aggregate((JsonNode?)o.Body, (n, key) => int.TryParse(key, out var i) ? (n as JsonArray)?[i] : (n as JsonObject)?[key]);

    [Theory]
    [InlineData("edge", "autocom-edge")]
    [InlineData("canary", "autocom-canary")]
    public void RingOutsideSharedNamespace_CreatesItsNamespace_WithRestrictedPsaLabelsPinned(string ring, string ns)
    {
        var o = Repo.Render(ring).Find("Namespace", ns).ShouldNotBeNull();
        foreach (var mode in new[] { "enforce", "audit", "warn" })
        {
            o.Labels[$"pod-security.kubernetes.io/{mode}"].ShouldBe("restricted");
            o.Labels[$"pod-security.kubernetes.io/{mode}-version"].ShouldBe("v1.32");
        }

        o.Labels[RingLabels.Ring].ShouldBe(ring);
    }

    [Fact]
    public void Stable_InSharedNamespace_CreatesNoNamespace_NoAliases_NoQuota()
    {
        var stable = Repo.Render("stable");
        stable.Namespace.ShouldBe("autocom");
        stable.Objects.ShouldNotContain(o => o.Kind == "Namespace");
        stable.Objects.ShouldNotContain(o => o.Kind == "Service" && At(o, "spec.type")!.ToString() == "ExternalName");
        stable.Objects.ShouldNotContain(o => o.Kind == "ResourceQuota");
    }

    [Theory]
    [InlineData("edge")]
    [InlineData("canary")]
    public void RingOutsideSharedNamespace_AliasesEveryCatalogService(string ring)
    {
        var fleet = Repo.LoadFleet();
        var aliases = Repo.Render(ring).Objects.Where(o => o.Kind == "Service" && At(o, "spec.type")!.ToString() == "ExternalName").ToList();
        aliases.Select(a => a.Name).ShouldBe(fleet.Shared.Services.Select(s => s.Name), ignoreOrder: true);
        aliases.Count.ShouldBe(8);
        At(aliases.Single(a => a.Name == "redis"), "spec.externalName")!.ToString().ShouldBe("redis.autocom.svc.cluster.local");
    }

    [Theory]
    [MemberData(nameof(Rings))]
    public void EveryObject_CarriesTheRingLabel_AndLivesInTheRingNamespace(string ring)
    {
        var r = Repo.Render(ring);
        foreach (var o in r.Objects)
        {
            o.Labels.GetValueOrDefault(RingLabels.Ring).ShouldBe(ring, o.Id);
            if (o.Kind != "Namespace")
            {
                o.Namespace.ShouldBe(r.Namespace, o.Id);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Rings))]
    public void EveryPod_PassesPsaRestricted_AndRunsUnprivileged(string ring)
    {
        var deployments = Repo.Render(ring).Objects.Where(o => o.Kind == "Deployment").ToList();
        deployments.Select(d => d.Name).ShouldBe(["api", "horizon", "nginx"]);
        foreach (var d in deployments)
        {
            PodSecurity.CheckRestricted(d.Body).ShouldBeEmpty(d.Id);
            At(d, "spec.template.spec.securityContext.runAsNonRoot")!.GetValue<bool>().ShouldBeTrue();
            At(d, "spec.template.spec.securityContext.seccompProfile.type")!.ToString().ShouldBe("RuntimeDefault");
            At(d, "spec.template.spec.containers.0.securityContext.capabilities.drop.0")!.ToString().ShouldBe("ALL");
        }

        At(deployments[0], "spec.template.spec.securityContext.runAsUser")!.GetValue<int>().ShouldBe(1000);
        At(deployments[1], "spec.template.spec.securityContext.runAsUser")!.GetValue<int>().ShouldBe(1000);
    }

    [Theory]
    [MemberData(nameof(Rings))]
    public void Nginx_IsUnprivileged_On8080_ReadOnlyRoot_WithTempAndCacheEmptyDirs(string ring)
    {
        var nginx = Repo.Render(ring).Find("Deployment", "nginx").ShouldNotBeNull();
        var c = At(nginx, "spec.template.spec.containers.0")!;
        c["image"]!.ToString().ShouldStartWith("nginxinc/nginx-unprivileged:");
        c["ports"]![0]!["containerPort"]!.GetValue<int>().ShouldBe(8080);
        c["securityContext"]!["readOnlyRootFilesystem"]!.GetValue<bool>().ShouldBeTrue();
        var mounts = c["volumeMounts"]!.AsArray().Select(m => m!["mountPath"]!.ToString()).ToList();
        mounts.ShouldContain("/tmp");
        mounts.ShouldContain("/var/cache/nginx");
        At(nginx, "spec.template.spec.volumes")!.AsArray().Where(v => v!["emptyDir"] is not null).Count().ShouldBe(2);
        var svc = Repo.Render(ring).Find("Service", "nginx").ShouldNotBeNull();
        At(svc, "spec.ports.0.targetPort")!.ToString().ShouldBe("http");
    }

    [Theory]
    [InlineData("stable", "2Gi")]
    [InlineData("edge", "1536Mi")]
    [InlineData("canary", "1536Mi")]
    public void OctaneMemory_For23Modules_IsAtLeast1536Mi(string ring, string expectedLimit)
    {
        var r = Repo.Render(ring);
        r.ModuleCount.ShouldBe(23);
        foreach (var name in new[] { "api", "horizon" })
        {
            var limit = At(r.Find("Deployment", name)!, "spec.template.spec.containers.0.resources.limits.memory")!.ToString();
            limit.ShouldBe(expectedLimit);
            Config.Quantity.ParseMemory(limit)!.Value.ShouldBeGreaterThanOrEqualTo(1536L * 1024 * 1024);
        }
    }

    [Fact]
    public void DefaultRing_TakesTheDomainWildcard_AndNeverListsItsTenants()
    {
        var stable = Repo.Render("stable");
        stable.Hostnames.ShouldBe(["*.stable.acme.io", "*.acme.io"]);
        IngressHosts(stable).ShouldBe(["*.stable.acme.io", "*.acme.io"]);
        stable.Tenants.ShouldBe(["acme", "foo"]);
    }

    [Theory]
    [InlineData("edge", new[] { "*.edge.acme.io", "bar.acme.io", "widgets.acme.io" })]
    [InlineData("canary", new[] { "*.canary.acme.io", "test-canary.acme.io" })]
    public void OtherRing_HasItsSegmentWildcard_AndOneHostPerPinnedTenant(string ring, string[] hosts)
    {
        IngressHosts(Repo.Render(ring)).ShouldBe(hosts);
    }

    [Theory]
    [MemberData(nameof(Rings))]
    public void NetworkPolicies_CoverDnsNginxAndEveryAlias(string ring)
    {
        var fleet = Repo.LoadFleet();
        NetworkPolicyCompleteness.Check(Repo.Render(ring), fleet.Shared).ShouldBeEmpty();
        var r = Repo.Render(ring);
        r.Find("NetworkPolicy", "ring-default-deny").ShouldNotBeNull();
        At(r.Find("NetworkPolicy", "app-to-shared-services")!, "spec.egress")!.AsArray().Count.ShouldBe(8);
    }

    [Fact]
    public void RemovingTheEgressRuleOfOneAlias_IsReportedByName()
    {
        var fleet = Repo.LoadFleet();
        var canary = Repo.Render("canary");
        var egress = At(canary.Find("NetworkPolicy", "app-to-shared-services")!, "spec.egress")!.AsArray();
        egress.RemoveAt(egress.ToList().FindIndex(r => r!["ports"]![0]!["port"]!.GetValue<int>() == 6379));
        var violations = NetworkPolicyCompleteness.Check(canary, fleet.Shared);
        violations.Select(v => v.Message).ShouldBe(
        [
            "NetworkPolicy autocom-canary/*: spec.egress must let api reach shared service 'redis' (autocom, app=redis, port 6379) (got no rule to redis) [network-policy-completeness]",
            "NetworkPolicy autocom-canary/*: spec.egress must let horizon reach shared service 'redis' (autocom, app=redis, port 6379) (got no rule to redis) [network-policy-completeness]",
        ]);
    }

    [Theory]
    [MemberData(nameof(Rings))]
    public void Rollouts_NeverDropBelowDesired_AndDrainInFlightWork(string ring)
    {
        foreach (var d in Repo.Render(ring).Objects.Where(o => o.Kind == "Deployment"))
        {
            At(d, "spec.strategy.rollingUpdate.maxUnavailable")!.GetValue<int>().ShouldBe(0, d.Id);
            At(d, "spec.template.spec.containers.0.lifecycle.preStop").ShouldNotBeNull(d.Id);
            At(d, "spec.template.spec.terminationGracePeriodSeconds")!.GetValue<int>().ShouldBeGreaterThan(10, d.Id);
            foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
            {
                At(d, $"spec.template.spec.containers.0.{probe}").ShouldNotBeNull($"{d.Id} {probe}");
            }
        }

        var api = Repo.Render(ring).Find("Deployment", "api")!;
        At(api, "spec.template.spec.containers.0.readinessProbe.httpGet.path")!.ToString().ShouldBe("/api/health");
    }

    [Theory]
    [MemberData(nameof(Rings))]
    public void AppPodTemplates_CarryLockHashAndSecretsRevision_NginxCarriesNeither(string ring)
    {
        var r = Repo.Render(ring);
        var fleet = Repo.LoadFleet();
        foreach (var name in new[] { "api", "horizon" })
        {
            var annotations = At(r.Find("Deployment", name)!, "spec.template.metadata.annotations")!.AsObject();
            annotations[RingLabels.LockHash]!.ToString().ShouldBe(fleet.Find(ring)!.Lock.Hash);
            annotations[RingLabels.SecretsRevision]!.ToString().ShouldBe(fleet.Shared.SecretsRevision);
        }

        var nginx = At(r.Find("Deployment", "nginx")!, "spec.template.metadata.annotations")!.AsObject();
        nginx.ContainsKey(RingLabels.LockHash).ShouldBeFalse();
        nginx.ContainsKey(RingLabels.SecretsRevision).ShouldBeFalse();
    }

    [Theory]
    [MemberData(nameof(Rings))]
    public void Secrets_CarryKeysNeverValues(string ring)
    {
        var r = Repo.Render(ring);
        var secrets = r.Objects.Where(o => o.Kind == "Secret").ToList();
        secrets.Select(s => s.Name).ShouldBe(["ring-app-secrets", "ring-connectors", "ring-image-pull"]);
        foreach (var s in secrets.Where(s => s.Name != "ring-image-pull"))
        {
            s.Body["data"]!.AsObject().ShouldAllBe(kv => kv.Value!.ToString() == "");
        }

        // The API server parses an image-pull Secret's value as JSON: the render holds the empty config, nothing else.
        var pull = r.Find("Secret", "ring-image-pull")!.Body["data"]![".dockerconfigjson"]!.ToString();
        System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(pull)).ShouldBe("{\"auths\":{}}");

        r.Find("Secret", "ring-app-secrets")!.Body["data"]!.AsObject().Select(kv => kv.Key).ShouldContain("APP_KEY");
    }

    [Theory]
    [MemberData(nameof(Rings))]
    public void RingEnv_NamesTheRingAndItsLockPath_AndLockConfigMapHoldsTheLockFile(string ring)
    {
        var r = Repo.Render(ring);
        var env = r.Find("ConfigMap", "ring-env")!.Body["data"]!.AsObject();
        env["RING_NAME"]!.ToString().ShouldBe(ring);
        env["MODULE_LOCK_PATH"]!.ToString().ShouldBe($"modules/manifests/{ring}.lock.json");
        var lockText = File.ReadAllText(Path.Combine(Repo.Root, "stacks", "locks", $"{ring}.lock.json"));
        r.Find("ConfigMap", "ring-module-lock")!.Body["data"]![$"{ring}.lock.json"]!.ToString().ShouldBe(lockText);
    }

    [Fact]
    public void Render_IsDeterministic_ByteForByte()
    {
        var first = Repo.RenderAll().Select(RingRenderer.ToYaml).ToList();
        var second = Repo.RenderAll().Select(RingRenderer.ToYaml).ToList();
        second.ShouldBe(first);
        first.ShouldAllBe(y => y.Length > 1000);
    }

    [Fact]
    public void RenderedYaml_ReadsBackToTheSameObjects()
    {
        foreach (var ring in Repo.RenderAll())
        {
            var docs = Yaml.ParseDocuments(RingRenderer.ToYaml(ring), ring.Ring);
            docs.Count.ShouldBe(ring.Objects.Count);
            for (var i = 0; i < docs.Count; i++)
            {
                JsonNode.DeepEquals(docs[i], ring.Objects[i].Body).ShouldBeTrue(ring.Objects[i].Id);
            }
        }
    }

    [Fact]
    public void ShippedRings_PassEveryPolicy()
    {
        var rings = Repo.RenderAll();
        PolicySuite.Check(rings, Repo.LoadFleet().Shared).ShouldBeEmpty();
    }

    private static List<string> IngressHosts(RenderedRing r) =>
        [.. At(r.Find("Ingress", "ring")!, "spec.rules")!.AsArray().Select(rule => rule!["host"]!.ToString())];
}
