using System.Text.Json.Nodes;
using RingInfra.Core.Config;
using RingInfra.Core.Kube;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Core.Tests;

/// <summary>What the two Pulumi projects declare for the engine, and the names rings and tenants may take.</summary>
public sealed class ProjectFilesTests
{
    [Theory]
    [InlineData("Pulumi.yaml")]
    [InlineData("stacks/shared/Pulumi.yaml")]
    public void BothProjects_DisableTheDefaultKubernetesProvider(string projectFile)
    {
        var project = (JsonObject)Yaml.ParseDocument(File.ReadAllText(Path.Combine(Repo.Root, projectFile)), projectFile)!;
        // A namespaced key in project config takes `value:` (a `default:` is refused by the CLI).
        var disabled = project["config"]!["pulumi:disable-default-providers"]!["value"]!.AsArray().Select(v => v!.ToString());
        disabled.ShouldContain("kubernetes");
    }

    [Theory]
    [InlineData("acme", true, true)]
    [InlineData("test-canary", true, true)]
    [InlineData("007", true, false)]
    [InlineData("123abc", true, false)]
    [InlineData("-acme", false, false)]
    [InlineData("acme-", false, false)]
    [InlineData("Acme", false, false)]
    [InlineData("ac_me", false, false)]
    public void TenantNames_AreHostLabels_WhileRingsAndNamespacesMustStartWithALetter(string name, bool tenant, bool dnsLabel)
    {
        Names.IsTenantName(name).ShouldBe(tenant);
        Names.IsDnsLabel(name).ShouldBe(dnsLabel);
    }
}
