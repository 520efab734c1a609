using RingInfra.Core.Config;
using RingInfra.Core.Locks;
using RingInfra.Core.Metrics;
using RingInfra.Core.Promotion;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Core.Tests;

/// <summary>Doc 003's metric gates as pure functions: the window, its steps, each step judged on its own, missing data failing.</summary>
public sealed class MetricJudgeTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly MetricGate ErrorRate = new("error-rate", "sum(rate(x{namespace=\"$namespace\"}[1h]))", 0.01, null, TimeSpan.FromHours(1));
    private static readonly MetricGate Availability = new("availability", "a", null, 0.995, TimeSpan.FromHours(1));

    private static List<(DateTimeOffset, double)> Hourly(DateTimeOffset from, int hours, Func<int, double> value) =>
        [.. Enumerable.Range(1, hours).Select(h => (from.AddHours(h), value(h)))];

    [Fact]
    public void TheWindow_StartsAtTheLanding_CappedAtTheBakeTime()
    {
        MetricJudge.Window(Now.AddHours(-3), TimeSpan.FromDays(1), Now).ShouldBe((Now.AddHours(-3), Now));
        MetricJudge.Window(Now.AddHours(-30), TimeSpan.FromDays(1), Now).ShouldBe((Now.AddHours(-24), Now));
        MetricJudge.Window(null, TimeSpan.FromDays(7), Now).ShouldBe((Now.AddDays(-7), Now));
    }

    [Fact]
    public void Steps_AreEveryWholeStepAfterTheStart_OrJustTheEnd_WhenTheWindowIsShorter()
    {
        MetricJudge.Steps(Now.AddHours(-22), Now, TimeSpan.FromHours(1)).Count.ShouldBe(22);
        MetricJudge.Steps(Now.AddHours(-22), Now, TimeSpan.FromHours(1))[0].ShouldBe(Now.AddHours(-21));
        MetricJudge.Steps(Now.AddHours(-22), Now, TimeSpan.FromHours(1))[^1].ShouldBe(Now);
        MetricJudge.Steps(Now.AddMinutes(-150), Now, TimeSpan.FromHours(1)).ShouldBe([Now.AddMinutes(-90), Now.AddMinutes(-30)]);
        MetricJudge.Steps(Now.AddMinutes(-20), Now, TimeSpan.FromHours(1)).ShouldBe([Now]);
    }

    [Fact]
    public void ACleanDay_Passes_WithEveryStepShown()
    {
        var from = Now.AddHours(-22);
        var verdict = MetricJudge.Judge("edge", ErrorRate, from, Now, Hourly(from, 22, _ => 0.002));
        verdict.Passed.ShouldBeTrue();
        verdict.Steps.Count.ShouldBe(22);
        verdict.Steps.ShouldAllBe(s => s.Ok && s.Value == 0.002);
    }

    [Fact]
    public void Doc003sMidnightSpike_FailsItsHour_ThoughTheDayAverageIsUnderTheBound()
    {
        var from = Now.AddHours(-22);
        var samples = Hourly(from, 22, h => h == 12 ? 0.05 : 0.002);
        samples.Average(s => s.Item2).ShouldBeLessThan(0.01, "the 22-hour average hides the spike");

        var verdict = MetricJudge.Judge("edge", ErrorRate, from, Now, samples);

        verdict.Failure.ShouldBe("error-rate in edge was 0.05 in the hour ending 2026-11-30T02:00:00Z, beyond its max 0.01");
        verdict.Steps.Count(s => !s.Ok).ShouldBe(1);
    }

    [Fact]
    public void TheBoundItselfPasses_AndAMinBoundFailsBelow()
    {
        MetricJudge.Judge("edge", ErrorRate, Now.AddHours(-2), Now, Hourly(Now.AddHours(-2), 2, _ => 0.01)).Passed.ShouldBeTrue();
        MetricJudge.Judge("edge", ErrorRate, Now.AddHours(-2), Now, Hourly(Now.AddHours(-2), 2, _ => 0.0100001)).Passed.ShouldBeFalse();
        MetricJudge.Judge("edge", Availability, Now.AddHours(-2), Now, Hourly(Now.AddHours(-2), 2, _ => 0.995)).Passed.ShouldBeTrue();
        MetricJudge.Judge("edge", Availability, Now.AddHours(-2), Now, Hourly(Now.AddHours(-2), 2, h => h == 2 ? 0.99 : 1)).Failure
            .ShouldBe("availability in edge was 0.99 in the hour ending 2026-11-30T12:00:00Z, beyond its min 0.995");
    }

    [Fact]
    public void AGap_IsNoData_NeverAPass_AndNaNIsNoData()
    {
        var from = Now.AddHours(-6);
        var samples = Hourly(from, 6, _ => 0.001).Where(s => s.Item1 != from.AddHours(3) && s.Item1 != from.AddHours(4)).ToList();
        MetricJudge.Judge("edge", ErrorRate, from, Now, samples).Failure.ShouldBe("no data for error-rate in edge between 2026-11-30T08:00:00Z and 2026-11-30T10:00:00Z");
        MetricJudge.Judge("edge", ErrorRate, from, Now, Hourly(from, 6, h => h == 1 ? double.NaN : 0.001)).Failure.ShouldBe("no data for error-rate in edge between 2026-11-30T06:00:00Z and 2026-11-30T07:00:00Z");
        MetricJudge.Judge("edge", ErrorRate, from, Now, []).Failure.ShouldBe("no data for error-rate in edge between 2026-11-30T06:00:00Z and 2026-11-30T12:00:00Z");
    }

    [Fact]
    public void TheQuery_GetsTheRingAndNamespace() =>
        new MetricGate("x", "up{namespace=\"$namespace\",ring=\"$ring\"}", 1, null, TimeSpan.FromHours(1)).QueryFor("edge", "autocom-edge")
            .ShouldBe("up{namespace=\"autocom-edge\",ring=\"edge\"}");

    [Fact]
    public void APromotion_IsRefusedByAFailingMetricGate_UnlessMetricsIsOverridden()
    {
        var fleet = Repo.LoadFleet();
        var from = Now.AddHours(-22);
        var verdict = MetricJudge.Judge("edge", ErrorRate, from, Now, Hourly(from, 22, h => h == 12 ? 0.05 : 0.002));
        var request = new ChangeRequest
        {
            Path = ChangePath.Promote, Target = fleet.Find("stable")!.Config, Source = fleet.Find("edge")!.Config, Actor = "ci", ApprovedBy = "platform-lead", Now = Now,
            Module = "orders", Version = SemanticVersion.Parse("1.6.0"), Current = SemanticVersion.Parse("1.5.0"), LandedInSource = Now.AddDays(-8), Orders = [0, 10, 20],
            MetricVerdicts = [verdict],
        };

        ChangeGates.Decide(request).Refusals.Select(r => r.ToString()).ShouldBe(["metrics: error-rate in edge was 0.05 in the hour ending 2026-11-30T02:00:00Z, beyond its max 0.01"]);
        ChangeGates.Decide(request with { Overrides = GateTable.ParseOverrides("metrics").Gates }).Allowed.ShouldBeTrue();
    }

    [Fact]
    public void GatesConfig_Binds_AndEveryProblemIsReportedAtOnce()
    {
        using var repo = new TempRepo();
        repo.Replace("Pulumi.canary.yaml", "config:\n", """
            config:
              ring-infra:gates:
                metrics:
                  - name: error-rate
                    query: sum(rate(http_requests_total{namespace="$namespace",code=~"5.."}[1h])) / sum(rate(http_requests_total{namespace="$namespace"}[1h]))
                    max: 0.01
                    step: 1h
                  - name: p99
                    query: histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="$namespace"}[1h])))
                    max: 0.5

            """);
        repo.Replace("Pulumi.edge.yaml", "config:\n", """
            config:
              ring-infra:gates:
                metrics:
                  - name: error-rate
                    query: x
                    max: 0.01
                  - name: p99
                    query: y
                    max: 1
                    min: 0
                    step: 90s
                  - name: error-rate
                    query: ""
                    color: red
                onFailure:
                  rollback: [canary, stable, nowhere, edge]

            """);
        var e = Should.Throw<RingConfigException>(() => repo.Load());
        e.Problems.Select(p => p.Message).ShouldBe([
            "ring 'edge': gates.metrics[1].max must be given, or min, but not both: a gate has exactly one bound (got 1)",
            "ring 'edge': gates.metrics[1].step must be a duration from 1m to 1d such as 1h (each step of the window is judged on its own) (got 90s)",
            "ring 'edge': gates.metrics[2].color is not a known key; allowed: name, query, max, min, step (got red)",
            "ring 'edge': gates.metrics[2].name must be unique among the ring's metric gates (got error-rate)",
            "ring 'edge': gates.metrics[2].query must be a PromQL query of at most 4000 characters ($ring and $namespace are substituted) (got )",
            "ring 'edge': gates.metrics[2].max must be given, or min, but not both: a gate has exactly one bound (got nothing)",
            "ring 'edge': gates.onFailure.rollback[3] must name another ring (not edge itself) (got edge)",
        ], ignoreOrder: true);

        repo.Replace("Pulumi.edge.yaml", "      - name: p99\n        query: y\n        max: 1\n        min: 0\n        step: 90s\n      - name: error-rate\n        query: \"\"\n        color: red\n", "");
        repo.Replace("Pulumi.edge.yaml", "rollback: [canary, stable, nowhere, edge]", "rollback: [canary, stable, nowhere]");
        var fleet = Should.Throw<RingConfigException>(() => repo.Load());
        fleet.Problems.Select(p => p.Message).ShouldBe([
            "ring 'edge': gates.onFailure.rollback must be upstream of edge (a higher promotion order than 10; stable has 0) (got stable)",
            "ring 'edge': gates.onFailure.rollback must name a ring of this repository (known: stable, edge, canary) (got nowhere)",
        ], ignoreOrder: true);

        repo.Replace("Pulumi.edge.yaml", "rollback: [canary, stable, nowhere]", "rollback: [canary]");
        var canary = repo.Load().Find("canary")!.Config.Gates;
        canary.Metrics.Select(m => $"{m.Name} {m.Bound} {m.Step}").ShouldBe(["error-rate max 0.01 01:00:00", "p99 max 0.5 01:00:00"]);
        repo.Load().Find("edge")!.Config.Gates.OnFailureRollback.ShouldBe(["canary"]);
    }
}
