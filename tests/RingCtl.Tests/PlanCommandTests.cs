using System.Text.Json.Nodes;
using RingCtl.Cli;
using RingCtl.Tests.Support;
using RingInfra.Core.Tests.Support;

namespace RingCtl.Tests;

public sealed class PlanCommandTests
{
    [Fact]
    public async Task PlanJson_SummarizesEveryRing()
    {
        var result = await RingCtlRunner.RunAsync(Repo.Root, "plan", "--json", "--root", Repo.Root);
        result.ExitCode.ShouldBe(ExitCodes.Ok, result.Err);
        var rings = JsonNode.Parse(result.Out)!["rings"]!.AsArray();
        rings.Select(r => r!["ring"]!.ToString()).ShouldBe(["stable", "edge", "canary"]);
        var canary = rings[2]!;
        canary["modules"]!.GetValue<int>().ShouldBe(23);
        canary["tenants"]!.AsArray().Select(t => t!.ToString()).ShouldBe(["test-canary"]);
        canary["hostnames"]!.AsArray().Select(t => t!.ToString()).ShouldBe(["*.canary.acme.io", "test-canary.acme.io"]);
        canary["workloads"]!["api"]!["memoryLimit"]!.ToString().ShouldBe("1536Mi");
        canary["objects"]!["Deployment"]!.GetValue<int>().ShouldBe(3);
        rings[0]!["objects"]!.AsObject().ContainsKey("Namespace").ShouldBeFalse();
    }

    [Fact]
    public async Task PlanShared_WarnsAboutSharedPodsTheNamespaceWouldRefuse_AndChecksItsPolicies()
    {
        var result = await RingCtlRunner.RunAsync(Repo.Root, "plan", "shared", "--json", "--root", Repo.Root);

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.Err);
        var doc = JsonNode.Parse(result.Out)!;
        doc["enforce"]!.ToString().ShouldBe("restricted");
        doc["violations"]!.AsArray().ShouldBeEmpty();
        var warnings = doc["warnings"]!.AsArray().Select(w => w!.ToString()).ToList();
        warnings.ShouldContain("redis: its pods pass only baseline, and the shared namespace autocom enforces restricted: they will be refused at their next restart (run them as non-root, or set namespacePodSecurity: baseline — audit and warn stay restricted)");
        warnings.ShouldContain("frontend: the catalog does not say which Pod Security level its pods pass; the shared namespace autocom enforces restricted (set services.frontend.podSecurity)");
        warnings.ShouldNotContain(w => w.StartsWith("autocom-db-rw", StringComparison.Ordinal));

        var table = await RingCtlRunner.RunAsync(Repo.Root, "plan", "shared", "--root", Repo.Root);
        table.ExitCode.ShouldBe(ExitCodes.Ok);
        table.ErrLines.ShouldContain(l => l.StartsWith("warning: minio: its pods pass only baseline", StringComparison.Ordinal));
        table.ErrLines.Last().ShouldBe($"plan shared: 8 policies, {warnings.Count} warning(s), 0 violation(s)");
    }

    [Fact]
    public async Task PlanTable_ShowsTheSummaryRows()
    {
        var result = await RingCtlRunner.RunAsync(Repo.Root, "plan", "edge", "--root", Repo.Root);
        result.ExitCode.ShouldBe(ExitCodes.Ok, result.Err);
        foreach (var row in new[] { "autocom-edge", "staging / 10", "widgets", "*.edge.acme.io", "limit 1536Mi", "Deployment 3" })
        {
            result.Out.ShouldContain(row);
        }

        result.ErrLines.ShouldBe(["plan: 1 ring(s), 35 objects, 0 violation(s)"]);
    }
}
