using System.Text.Json.Nodes;
using RingInfra.Core.Kube;
using RingInfra.Core.Policies;

namespace RingInfra.Core.Tests;

/// <summary>PSA semantics the upstream corpus does not exercise: workload kinds, ephemeral containers, exact paths.</summary>
public sealed class PodSecurityTests
{
    private const string GoodPod = """
        securityContext:
          runAsNonRoot: true
          seccompProfile: {type: RuntimeDefault}
        containers:
        - name: app
          image: example/app:1
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
        """;

    private static JsonObject Workload(string kind, string podSpec)
    {
        var indented = string.Join("\n", podSpec.Split('\n').Select(l => "      " + l));
        var yaml = kind switch
        {
            "Pod" => $"apiVersion: v1\nkind: Pod\nmetadata: {{name: p, namespace: ns}}\nspec:\n{string.Join("\n", podSpec.Split('\n').Select(l => "  " + l))}\n",
            "CronJob" => $"apiVersion: batch/v1\nkind: CronJob\nmetadata: {{name: p, namespace: ns}}\nspec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n{string.Join("\n", podSpec.Split('\n').Select(l => "          " + l))}\n",
            _ => $"apiVersion: apps/v1\nkind: {kind}\nmetadata: {{name: p, namespace: ns}}\nspec:\n  template:\n    spec:\n{indented}\n",
        };
        return (JsonObject)Yaml.ParseDocument(yaml, "test")!;
    }

    [Theory]
    [InlineData("Pod")]
    [InlineData("Deployment")]
    [InlineData("StatefulSet")]
    [InlineData("DaemonSet")]
    [InlineData("Job")]
    [InlineData("CronJob")]
    public void CompliantPodSpec_PassesInEveryWorkloadKind(string kind)
    {
        PodSecurity.CheckRestricted(Workload(kind, GoodPod)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("Pod", "spec.containers[0].securityContext.allowPrivilegeEscalation")]
    [InlineData("Deployment", "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation")]
    [InlineData("CronJob", "spec.jobTemplate.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation")]
    public void Violation_NamesTheFieldPathInsideTheWorkload(string kind, string path)
    {
        var v = PodSecurity.CheckRestricted(Workload(kind, GoodPod.Replace("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true", StringComparison.Ordinal))).ShouldHaveSingleItem();
        v.Path.ShouldBe(path);
        v.Value.ShouldBe("true");
        v.Rule.ShouldBe("psa-restricted/allowPrivilegeEscalation");
        v.Object.ShouldBe($"{kind} ns/p");
        v.Message.ShouldBe($"{kind} ns/p: {path} must be false (container 'app') (got true) [psa-restricted/allowPrivilegeEscalation]");
    }

    [Fact]
    public void EphemeralContainer_IsChecked()
    {
        var spec = GoodPod + "\nephemeralContainers:\n- name: debug\n  image: busybox:1\n  securityContext:\n    privileged: true";
        var rules = PodSecurity.CheckRestricted(Workload("Pod", spec)).Select(v => (v.Path, v.Rule)).ToList();
        rules.ShouldContain(("spec.ephemeralContainers[0].securityContext.privileged", "psa-baseline/privileged"));
        rules.ShouldContain(("spec.ephemeralContainers[0].securityContext.allowPrivilegeEscalation", "psa-restricted/allowPrivilegeEscalation"));
    }

    [Fact]
    public void AppArmorAnnotation_OnDeploymentTemplate_IsReportedAtTheTemplatePath()
    {
        var obj = Workload("Deployment", GoodPod);
        obj["spec"]!["template"]!["metadata"] = new JsonObject
        {
            ["annotations"] = new JsonObject { ["container.apparmor.security.beta.kubernetes.io/app"] = "unconfined" },
        };
        var v = PodSecurity.CheckRestricted(obj).ShouldHaveSingleItem();
        v.Path.ShouldBe("spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]");
    }

    [Fact]
    public void NonWorkloadObject_IsNotChecked()
    {
        var cm = (JsonObject)Yaml.ParseDocument("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}", "t")!;
        PodSecurity.CheckRestricted(cm).ShouldBeEmpty();
    }
}
