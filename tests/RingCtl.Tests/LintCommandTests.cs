using RingCtl.Cli;
using RingCtl.Tests.Support;
using RingInfra.Core.Tests.Support;

namespace RingCtl.Tests;

public sealed class LintCommandTests
{
    [Fact]
    public async Task LintAll_OnTheShippedRings_ExitsZero()
    {
        var result = await RingCtlRunner.RunAsync(Repo.Root, "lint", "--all", "--root", Repo.Root);
        result.ExitCode.ShouldBe(ExitCodes.Ok, result.Out + result.Err);
        result.Out.ShouldBeEmpty();
        result.ErrLines.ShouldBe(["lint: 3 ring(s), 98 objects, 0 violation(s)"]);
    }

    [SkippableFact]
    public async Task LintManifests_GivesTheUpstreamVerdict_ForEveryCorpusFile()
    {
        Skip.If(Repo.Shared is null, "../shared/testdata/psa-v1.32 is absent: the upstream PSA corpus cannot be checked");
        var corpus = Path.Combine(Repo.Shared!, "testdata", "psa-v1.32");
        var checkedFiles = 0;
        foreach (var (folder, expected) in new[] { ("restricted/v1.32/pass", ExitCodes.Ok), ("restricted/v1.32/fail", ExitCodes.PolicyViolation), ("baseline/v1.32/fail", ExitCodes.PolicyViolation) })
        {
            foreach (var file in Directory.GetFiles(Path.Combine(corpus, folder), "*.yaml"))
            {
                var result = await RingCtlRunner.RunAsync(corpus, "lint", "--manifests", file);
                result.ExitCode.ShouldBe(expected, $"{folder}/{Path.GetFileName(file)}: {result.Out}{result.Err}");
                checkedFiles++;
            }
        }

        checkedFiles.ShouldBe(19 + 69 + 29);
    }

    [SkippableFact]
    public async Task LintManifests_OnAFolder_PrintsOneLinePerViolation_NamingFilePathAndRule()
    {
        Skip.If(Repo.Shared is null, "../shared/testdata/psa-v1.32 is absent: the upstream PSA corpus cannot be checked");
        var corpus = Path.Combine(Repo.Shared!, "testdata", "psa-v1.32");
        var result = await RingCtlRunner.RunAsync(corpus, "lint", "--manifests", "restricted/v1.32/fail");
        result.ExitCode.ShouldBe(ExitCodes.PolicyViolation);
        result.OutLines.ShouldContain("restricted/v1.32/fail/runasnonroot1.yaml: Pod runasnonroot1: spec.securityContext.runAsNonRoot must be true (got false) [psa-restricted/runAsNonRoot]");
        result.OutLines.Select(l => l.Split(':')[0]).Distinct().Count().ShouldBe(69);
        result.ErrLines.Last().ShouldStartWith("lint: 69 file(s), 69 workload(s), ");
    }

    [Fact]
    public async Task LintManifests_OnRenderedRings_Passes()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ringctl-lint-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            (await RingCtlRunner.RunAsync(Repo.Root, "render", "--all", "--out", dir, "--root", Repo.Root)).ExitCode.ShouldBe(0);
            var result = await RingCtlRunner.RunAsync(Repo.Root, "lint", "--manifests", dir, "--json");
            result.ExitCode.ShouldBe(ExitCodes.Ok, result.Out);
            var doc = System.Text.Json.Nodes.JsonNode.Parse(result.Out)!;
            doc["workloads"]!.GetValue<int>().ShouldBe(9);
            doc["violations"]!.GetValue<int>().ShouldBe(0);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task LintManifests_MissingPath_IsAUsageError()
    {
        var result = await RingCtlRunner.RunAsync(Repo.Root, "lint", "--manifests", "no/such/dir");
        result.ExitCode.ShouldBe(ExitCodes.Usage);
        result.ErrLines.ShouldBe(["ringctl: --manifests: 'no/such/dir' is neither a file nor a folder"]);
    }
}
