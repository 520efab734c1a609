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
    public async Task PlanShared_ListsManagedAndExternalServices_AndChecksTheManagedPodsAndThePolicies()
    {
        var result = await RingCtlRunner.RunAsync(Repo.Root, "plan", "shared", "--json", "--root", Repo.Root);

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.Err);
        var doc = JsonNode.Parse(result.Out)!;
        doc["enforce"]!.ToString().ShouldBe("restricted");
        doc["violations"]!.AsArray().ShouldBeEmpty();
        doc["warnings"]!.AsArray().ShouldBeEmpty("every managed service passes restricted, and the external ones say they do");
        doc["managed"]!.AsArray().Select(m => m!.ToString()).ShouldBe(["docs", "frontend", "indian-post", "meilisearch", "minio", "redis"], ignoreOrder: true);
        doc["external"]!.AsArray().Select(m => m!.ToString()).ShouldBe(["autocom-db-ro", "autocom-db-rw"], ignoreOrder: true);
    }

    [Fact]
    public async Task PlanShared_WarnsAboutExternalPodsTheNamespaceWouldRefuse()
    {
        using var repo = new TempRepo();
        repo.Replace("stacks/shared/Pulumi.shared.yaml", "      port: 9000\n      managed: true\n", "      port: 9000\n      podSecurity: baseline\n");
        repo.Replace("stacks/shared/Pulumi.shared.yaml", "      port: 3000\n      managed: true\n", "      port: 3000\n");
        repo.Replace("stacks/shared/Pulumi.shared.yaml", "  ring-infra-shared:appKey: generate\n",
            "  ring-infra-shared:appKey: generate\n  ring-infra-shared:minioAccessKey:\n    secure: v1:AAAA\n  ring-infra-shared:minioSecretKey:\n    secure: v1:BBBB\n");

        var table = await RingCtlRunner.RunAsync(repo.Root, "plan", "shared", "--root", repo.Root);

        table.ExitCode.ShouldBe(ExitCodes.Ok, table.Err);
        table.ErrLines.ShouldContain("warning: minio: its pods pass only baseline, and the shared namespace autocom enforces restricted: they will be refused at their next restart (run them as non-root, or set namespacePodSecurity: baseline — audit and warn stay restricted)");
        table.ErrLines.ShouldContain(l => l.StartsWith("warning: frontend: the catalog does not say which Pod Security level its pods pass", StringComparison.Ordinal));
        table.ErrLines.Last().ShouldBe("plan shared: 8 policies, 2 warning(s), 0 violation(s)");
    }

    [Fact]
    public async Task RenderAndLintShared_CoverTheManagedServices_WithKeysOnlySecrets()
    {
        using var repo = new TempRepo();
        var render = await RingCtlRunner.RunAsync(repo.Root, "render", "shared", "--out", repo.PathOf("out"));
        render.ExitCode.ShouldBe(ExitCodes.Ok, render.Err);
        var folder = repo.PathOf("out/shared");
        File.ReadAllText(Path.Combine(folder, "kustomization.yaml")).ShouldContain("deployment-redis.yaml");
        var secrets = File.ReadAllText(Path.Combine(folder, RingInfra.Core.Rendering.RenderLayout.SecretsFile));
        secrets.ShouldContain("name: shared-service-credentials");
        secrets.ShouldContain("REDIS_PASSWORD: \"\"");

        var lint = await RingCtlRunner.RunAsync(repo.Root, "lint", "shared");
        lint.ExitCode.ShouldBe(ExitCodes.Ok, lint.Out + lint.Err);
        lint.ErrLines.ShouldBe(["lint shared: 30 objects, 0 violation(s)"]);

        // A managed service declared below restricted is refused before anything renders.
        repo.Replace("stacks/shared/Pulumi.shared.yaml", "      port: 6379\n", "      port: 6379\n      podSecurity: baseline\n");
        var refused = await RingCtlRunner.RunAsync(repo.Root, "lint", "shared");
        refused.ExitCode.ShouldBe(ExitCodes.Usage, refused.Err);
        refused.Err.ShouldContain("services.redis.podSecurity must be restricted (or left out) for a managed service");
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
