using System.Text.Json.Nodes;
using RingCtl.Cli;
using RingCtl.Tests.Support;

namespace RingCtl.Tests;

/// <summary>
/// <c>ringctl status</c> (issue 17) on the real registry: a seeded fleet with a module eligible, one baking (the time
/// left from the database's clock), and promotions blocked by a hold, a freeze and an approval; for every module and
/// adjacent pair it agrees with <c>promote --dry-run</c>; and it fits 80 and 160 columns.
/// </summary>
[Collection("postgres")]
public sealed class StatusTests
{
    private readonly PostgresFixture _pg;

    public StatusTests(PostgresFixture pg)
    {
        _pg = pg;
    }

    /// <summary>ai landed in canary 30 h ago (bake 24 h: eligible), wms 20 h ago (baking, about 4 h left); edge is held; stable is frozen now.</summary>
    private async Task<OpsHarness> FleetAsync()
    {
        var h = await OpsHarness.CreateAsync(_pg, repo => repo.Replace("Pulumi.stable.yaml", $"    - start: \"{RingInfra.Core.Tests.Support.TempRepo.FreezeStart}\"", $"    - start: \"{DateTimeOffset.UtcNow.AddDays(-1):yyyy-MM-ddTHH:mm:ssZ}\""));
        await h.LandedAsync(TimeSpan.FromHours(30));
        await h.LandedAsync(TimeSpan.FromHours(20), "canary", "wms");
        await h.Registry.SetHeldAsync("edge", "failed verification", default);
        return h;
    }

    private static JsonNode Promotion(JsonNode status, string module, string from) =>
        status["modules"]!.AsArray().Single(m => m!["module"]!.ToString() == module)!["promotions"]!.AsArray().Single(p => p!["from"]!.ToString() == from)!;

    private static string[] Gates(JsonNode promotion) => [.. promotion["reasons"]!.AsArray().Select(r => r!["gate"]!.ToString())];

    [Fact]
    public async Task TheMatrix_ShowsEligibleBakingAndBlocked_WithTheRingsState()
    {
        await using var h = await FleetAsync();

        var result = await h.RunAsync(new FakeStacks(h.Repo.Root), "status", "--json");

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.Err);
        var status = JsonNode.Parse(result.Out)!;
        Promotion(status, "ai", "canary")["state"]!.ToString().ShouldBe("eligible");
        var wms = Promotion(status, "wms", "canary");
        wms["state"]!.ToString().ShouldBe("baking");
        wms["remainingSeconds"]!.GetValue<long>().ShouldBeInRange(3 * 3600 + 3000, 4 * 3600);
        var blocked = Promotion(status, "ai", "edge");
        blocked["state"]!.ToString().ShouldBe("blocked");
        Gates(blocked).ShouldContain("health");
        Gates(blocked).ShouldContain("freeze");
        Gates(blocked).ShouldContain("approval");
        Promotion(status, "analytics", "canary")["state"]!.ToString().ShouldBe("equal");
        var rings = status["rings"]!.AsArray();
        rings.Select(r => r!["ring"]!.ToString()).ShouldBe(["stable", "edge", "canary"]);
        rings[0]!["frozenUntil"]!.ToString().ShouldBe(RingInfra.Core.Tests.Support.TempRepo.FreezeEnd);
        rings[0]!["protected"]!.GetValue<bool>().ShouldBeTrue();
        rings[1]!["held"]!.ToString().ShouldBe("failed verification");
    }

    [Fact]
    public async Task EveryCell_AgreesWithPromoteDryRun()
    {
        await using var h = await FleetAsync();
        var stacks = new FakeStacks(h.Repo.Root);
        var status = JsonNode.Parse((await h.RunAsync(stacks, "status", "--json")).Out)!;
        var checkedCells = 0;
        foreach (var module in status["modules"]!.AsArray())
        {
            foreach (var p in module!["promotions"]!.AsArray().Where(p => p!["state"]!.ToString() != "equal"))
            {
                var dry = await h.RunAsync(stacks, "promote", module["module"]!.ToString(), "--from", p!["from"]!.ToString(), "--to", p["to"]!.ToString(), "--dry-run", "--json");
                var label = $"{module["module"]} {p["from"]} → {p["to"]}: {p["state"]} vs {dry.Out}";
                if (p["state"]!.ToString() == "eligible")
                {
                    dry.ExitCode.ShouldBe(ExitCodes.Ok, label);
                }
                else
                {
                    dry.ExitCode.ShouldBeOneOf([ExitCodes.GateRefused, ExitCodes.PolicyViolation], label);
                    var problems = JsonNode.Parse(dry.Out)!["error"]!["problems"]!.AsArray().Select(x => x!.ToString().Split(':')[0]).ToList();
                    problems.ShouldBe(Gates(p), ignoreOrder: true, label);
                }

                checkedCells++;
            }
        }

        checkedCells.ShouldBe(7, "ai, orders, shipping-india-post, wms from canary; ai, orders, workflows from edge");
        stacks.Calls.ShouldBeEmpty("status and dry runs touch no stack");
    }

    [Theory]
    [InlineData(80)]
    [InlineData(160)]
    public async Task TheTables_FitTheTerminal(int width)
    {
        await using var h = await FleetAsync();

        var result = await h.RunAsync(new FakeStacks(h.Repo.Root), "status", "--width", width.ToString(System.Globalization.CultureInfo.InvariantCulture));

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.Err);
        result.Out.Split('\n').ShouldAllBe(l => l.Length <= width);
        result.Out.ShouldContain("ai ");
        result.Out.ShouldContain("2.5.0*", customMessage: "a version that differs from the more conservative ring is marked");
        result.Out.ShouldNotContain("\u001b[", customMessage: "no colour off a terminal");
        if (width == 160)
        {
            result.Out.ShouldContain("← eligible", customMessage: "wide enough for the states in the matrix");
        }
        else
        {
            result.Out.ShouldContain("ai: canary → edge: eligible", customMessage: "too narrow: the states as lines under the matrix");
        }

        result.Out.ShouldContain("edge: staging; order 10; 2 tenant(s); HELD: failed verification");
    }

    [Fact]
    public async Task WithMetricGates_AnUnreachablePrometheus_BlocksOnMetrics_AsPromoteWouldRefuse()
    {
        await using var h = await OpsHarness.CreateAsync(_pg, repo => repo.Replace("Pulumi.canary.yaml", "  ring-infra:bakeTime: 24h\n",
            "  ring-infra:bakeTime: 24h\n  ring-infra:gates:\n    metrics:\n      - name: error-rate\n        query: sum(rate(x[1h]))\n        max: 0.01\n"));
        await h.LandedAsync(TimeSpan.FromHours(30));
        var options = new CliContextOptions(h.ConnectionString, _ => new FakeStacks(h.Repo.Root), PrometheusUrl: "http://127.0.0.1:9");

        var result = await RingCtlRunner.RunAsync(h.Repo.Root, options, "status", "--module", "ai", "--json");

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.Err);
        var ai = Promotion(JsonNode.Parse(result.Out)!, "ai", "canary");
        ai["state"]!.ToString().ShouldBe("blocked");
        Gates(ai).ShouldBe(["metrics"]);
        (await RingCtlRunner.RunAsync(h.Repo.Root, options, "promote", "ai", "--from", "canary", "--to", "edge", "--dry-run")).ExitCode.ShouldBe(ExitCodes.Infrastructure);
    }

    [Fact]
    public async Task RingDiff_StableAgainstEdge_ListsModulesEnvFlagsAndWorkloads()
    {
        var result = await RingCtlRunner.RunAsync(RingInfra.Core.Tests.Support.Repo.Root, "ring", "diff", "stable", "edge", "--json");

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.Err);
        var d = JsonNode.Parse(result.Out)!["differences"]!.AsArray().Select(x => $"{x!["section"]} {x["key"]}: {x["stable"]} | {x["edge"]}").ToList();
        d.ShouldContain("module ai: 2.3.1 (Ai-2.3.1.zip) | 2.4.0 (Ai-2.4.0.zip)");
        d.ShouldContain("module orders: 1.5.0 (Orders-1.5.0.zip) | 1.6.0 (Orders-1.6.0.zip)");
        d.ShouldContain("module workflows: 3.0.2 (Workflows-3.0.2.zip) | 3.1.0 (Workflows-3.1.0.zip)");
        d.ShouldContain("env LOG_LEVEL: warning | info");
        d.ShouldContain("featureFlag streaming-responses: false | true");
        d.ShouldContain("workload api.replicas: 3 | 2");
        d.ShouldNotContain(x => x.StartsWith("module analytics", StringComparison.Ordinal), "equal modules are not listed");
        d.Count(x => x.StartsWith("module ", StringComparison.Ordinal)).ShouldBe(3);

        var text = await RingCtlRunner.RunAsync(RingInfra.Core.Tests.Support.Repo.Root, "ring", "diff", "stable", "edge");
        text.ErrLines.ShouldBe([$"ring diff stable edge: {d.Count} difference(s)"]);
        (await RingCtlRunner.RunAsync(RingInfra.Core.Tests.Support.Repo.Root, "ring", "diff", "stable", "nosuch")).ExitCode.ShouldBe(ExitCodes.Usage);
    }
}
