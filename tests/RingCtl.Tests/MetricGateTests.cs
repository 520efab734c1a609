using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RingCtl.Cli;
using RingCtl.Tests.Support;
using RingInfra.Core.Tests.Support;

namespace RingCtl.Tests;

/// <summary>
/// One real Prometheus for the metric-gate tests, with a day and a half of traffic for four namespaces: a clean
/// day, doc 003's 15-minute midnight spike, an hour of slow requests (for a p99 gate over a histogram), and a gap.
/// </summary>
public sealed class PrometheusFixture : IAsyncLifetime
{
    public DateTimeOffset Now { get; } = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 300 * 300 + 300);

    public TestPrometheus? Prometheus { get; private set; }

    /// <summary>When the spike's three samples are (10h 40m to 10h 30m before <see cref="Now"/>).</summary>
    public DateTimeOffset Spike => Now.AddHours(-10).AddMinutes(-40);

    public async Task InitializeAsync()
    {
        if (!TestPrometheus.Available)
        {
            return;
        }

        var from = Now.AddHours(-30);
        var to = Now.AddMinutes(10);
        var series = new OpenMetrics()
            .Requests("autocom-canary", from, to, 1000, _ => 2)
            .Latency("autocom-canary", from, to, _ => 0)
            .Requests("canary-spike", from, to, 1000, t => t >= Spike && t < Spike.AddMinutes(15) ? 200 : 2)
            .Latency("canary-spike", from, to, _ => 0)
            .Requests("canary-slow", from, to, 1000, _ => 2)
            .Latency("canary-slow", from, to, t => t >= Now.AddHours(-5).AddMinutes(-40) && t < Now.AddHours(-5) ? 0.05 : 0)
            .Requests("edge-failing", from, to, 1000, t => t >= Now.AddHours(-2) ? 60 : 2)
            .Latency("edge-failing", from, to, _ => 0)
            .Requests("edge-clean", from, to, 1000, _ => 3)
            .Latency("edge-clean", from, to, _ => 0)
            .Requests("canary-gap", from, to, 1000, _ => 2, gap: t => t >= Now.AddHours(-6) && t < Now.AddHours(-3))
            .Latency("canary-gap", from, to, _ => 0);
        Prometheus = await TestPrometheus.StartAsync(series);
    }

    public Task DisposeAsync()
    {
        Prometheus?.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition("prometheus")]
public sealed class PrometheusCollection : ICollectionFixture<PrometheusFixture>, ICollectionFixture<PostgresFixture>
{
}

/// <summary>
/// Doc 003's metric gates against a real Prometheus and the real registry: promotions out of canary are judged on
/// its per-hour error rate and p99 latency over the window since the version landed there (capped at its bake time).
/// </summary>
[Collection("prometheus")]
public sealed class MetricGateTests
{
    private const string Gates = """
          ring-infra:bakeTime: 22h
          ring-infra:gates:
            metrics:
              - name: error-rate
                query: sum(rate(http_requests_total{namespace="$namespace",code=~"5.."}[1h])) / sum(rate(http_requests_total{namespace="$namespace"}[1h]))
                max: 0.01
                step: 1h
              - name: p99
                query: histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="$namespace"}[1h])))
                max: 0.5
                step: 1h

        """;

    private readonly PostgresFixture _pg;
    private readonly PrometheusFixture _prom;

    public MetricGateTests(PostgresFixture pg, PrometheusFixture prom)
    {
        _pg = pg;
        _prom = prom;
    }

    /// <summary>canary with the two gates, reading <paramref name="ns"/>'s series; ai 2.5.0 landed there 30 hours ago.</summary>
    private async Task<OpsHarness> HarnessAsync(string ns)
    {
        Skip.IfNot(TestPrometheus.Available, "prometheus and promtool are not installed (.ci/run installs Debian's prometheus)");
        var h = await OpsHarness.CreateAsync(_pg, repo =>
        {
            repo.Replace("Pulumi.canary.yaml", "  ring-infra:bakeTime: 24h\n", Gates.Replace("\r", "", StringComparison.Ordinal));
            repo.Replace("Pulumi.canary.yaml", "ring-infra:namespace: autocom-canary", $"ring-infra:namespace: {ns}");
        });
        await h.LandedAsync(TimeSpan.FromHours(30), "canary", "ai");
        return h;
    }

    private Task<RingCtlRunner.Result> RunAsync(OpsHarness h, FakeStacks stacks, params string[] args) =>
        RingCtlRunner.RunAsync(h.Repo.Root, new CliContextOptions(h.ConnectionString, _ => stacks, PrometheusUrl: _prom.Prometheus?.Url), args);

    [SkippableFact]
    public async Task ACleanDay_Passes_AndTheDryRunShowsEveryHour()
    {
        await using var h = await HarnessAsync("autocom-canary");
        var stacks = new FakeStacks(h.Repo.Root);

        var dry = await RunAsync(h, stacks, "promote", "ai", "--from", "canary", "--to", "edge", "--dry-run");

        dry.ExitCode.ShouldBe(0, dry.Err);
        dry.Out.ShouldContain("metric error-rate of canary (max 0.01, per 1h): passes");
        dry.Out.ShouldContain("metric p99 of canary (max 0.5, per 1h): passes");
        dry.OutLines.Count(l => l.EndsWith(" ok", StringComparison.Ordinal)).ShouldBe(44, "22 hours × 2 gates");
        var json = await RunAsync(h, stacks, "promote", "ai", "--from", "canary", "--to", "edge", "--dry-run", "--json");
        var steps = JsonNode.Parse(json.Out)!["metrics"]![0]!["steps"]!.AsArray();
        steps.Count.ShouldBe(22);
        steps.Select(s => s!["value"]!.GetValue<double>()).ShouldAllBe(v => v > 0.0015 && v < 0.0025);

        var real = await RunAsync(h, stacks, "promote", "ai", "--from", "canary", "--to", "edge", "--yes");
        real.ExitCode.ShouldBe(0, real.Err);
    }

    [SkippableFact]
    public async Task Doc003sMidnightSpike_IsRefused_NamingTheHour_ThoughTheDayAverageIsUnderTheBound()
    {
        await using var h = await HarnessAsync("canary-spike");
        var stacks = new FakeStacks(h.Repo.Root);
        var average = await new HttpClient().GetStringAsync(new Uri($"{_prom.Prometheus!.Url}/api/v1/query?time={_prom.Now.AddMinutes(-5).ToUnixTimeSeconds()}&query="
            + Uri.EscapeDataString("sum(rate(http_requests_total{namespace=\"canary-spike\",code=\"500\"}[22h])) / sum(rate(http_requests_total{namespace=\"canary-spike\"}[22h]))")));
        double.Parse(JsonNode.Parse(average)!["data"]!["result"]![0]!["value"]![1]!.ToString(), CultureInfo.InvariantCulture).ShouldBeLessThan(0.01, "the 22-hour average hides the spike");

        var r = await RunAsync(h, stacks, "promote", "ai", "--from", "canary", "--to", "edge", "--yes");

        r.ExitCode.ShouldBe(ExitCodes.GateRefused, r.Err);
        stacks.Calls.ShouldBeEmpty();
        var m = Regex.Match(r.Err, @"metrics: error-rate in canary was (0\.0\d+) in the hour ending (\S+), beyond its max 0\.01");
        m.Success.ShouldBeTrue(r.Err);
        double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture).ShouldBeGreaterThan(0.04);
        var hour = DateTimeOffset.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        (hour - _prom.Spike).ShouldBeGreaterThan(TimeSpan.Zero);
        (hour - _prom.Spike).ShouldBeLessThan(TimeSpan.FromHours(1), "the hour that holds the spike");
        r.Err.ShouldNotContain("p99");

        var overridden = await RunAsync(h, stacks, "promote", "ai", "--from", "canary", "--to", "edge", "--override", "metrics", "--reason", "spike was a bot", "--yes");
        overridden.ExitCode.ShouldBe(0, overridden.Err);
        (await h.Log.HistoryAsync("edge", null, "ai", 1, default))[0].Overrides.ShouldBe(["metrics"]);
    }

    [SkippableFact]
    public async Task AP99GateOverAHistogram_FailsTheSlowHour()
    {
        await using var h = await HarnessAsync("canary-slow");

        var r = await RunAsync(h, new FakeStacks(h.Repo.Root), "promote", "ai", "--from", "canary", "--to", "edge", "--dry-run");

        r.ExitCode.ShouldBe(ExitCodes.GateRefused, r.Err);
        r.ErrLines.Where(l => l.StartsWith("metrics:", StringComparison.Ordinal)).ShouldHaveSingleItem().ShouldMatch(@"^metrics: p99 in canary was 0\.\d+ in the hour ending \S+, beyond its max 0\.5$");
    }

    [SkippableFact]
    public async Task AGapInTheData_IsNoData_NeverAPass()
    {
        await using var h = await HarnessAsync("canary-gap");

        var r = await RunAsync(h, new FakeStacks(h.Repo.Root), "promote", "ai", "--from", "canary", "--to", "edge", "--dry-run");

        r.ExitCode.ShouldBe(ExitCodes.GateRefused, r.Err);
        r.Err.ShouldContain("metrics: no data for error-rate in canary between ");
    }

    [SkippableFact]
    public async Task AnUnreachablePrometheus_IsAnInfrastructureFailure_NeverAPass()
    {
        await using var h = await HarnessAsync("autocom-canary");
        var stacks = new FakeStacks(h.Repo.Root);

        var r = await RingCtlRunner.RunAsync(h.Repo.Root, new CliContextOptions(h.ConnectionString, _ => stacks, PrometheusUrl: "http://127.0.0.1:1"), "promote", "ai", "--from", "canary", "--to", "edge", "--yes");

        r.ExitCode.ShouldBe(ExitCodes.Infrastructure, r.Err);
        r.ErrLines.Last().ShouldStartWith("ringctl: Prometheus at http://127.0.0.1:1 is unreachable (");
        stacks.Calls.ShouldBeEmpty();
        var noUrl = await RingCtlRunner.RunAsync(h.Repo.Root, new CliContextOptions(h.ConnectionString, _ => stacks), "promote", "ai", "--from", "canary", "--to", "edge", "--yes");
        noUrl.ExitCode.ShouldBe(ExitCodes.Usage);
        noUrl.ErrLines.Last().ShouldBe("ringctl: canary has metric gates, but no Prometheus is configured: set ring-infra:prometheusUrl in Pulumi.yaml, or RINGCTL_PROMETHEUS_URL");
    }

    /// <summary>edge with the two gates on <paramref name="ns"/>'s series and onFailure.rollback [canary]; ai 2.5.0 promoted canary → edge.</summary>
    private async Task<(OpsHarness H, FakeStacks Stacks)> PromotedAsync(string ns)
    {
        Skip.IfNot(TestPrometheus.Available, "prometheus and promtool are not installed (.ci/run installs Debian's prometheus)");
        var h = await OpsHarness.CreateAsync(_pg, repo =>
        {
            repo.Replace("Pulumi.edge.yaml", "config:\n", "config:\n" + Gates.Replace("\r", "", StringComparison.Ordinal).Replace("  ring-infra:bakeTime: 22h\n", "", StringComparison.Ordinal)
                + "    onFailure:\n      rollback: [canary]\n");
            repo.Replace("Pulumi.edge.yaml", "ring-infra:namespace: autocom-edge", $"ring-infra:namespace: {ns}");
        });
        // canary went 2.4.0 → 2.5.0 earlier, so it can go back; then 2.5.0 reaches edge.
        var edgeAi = h.Repo.Load().Find("edge")!.Lock.Find("ai")!;
        await h.Log.RecordAsync(new RingCtl.Registry.OperationIntent("promote", ["edge", "canary"], "someone", "earlier")
        {
            Module = "ai", From = "2.4.0", To = "2.5.0",
            Details = new Dictionary<string, string?> { ["fromArtifact"] = edgeAi.Artifact, ["fromSha256"] = edgeAi.Sha256 },
        }, default);
        var stacks = new FakeStacks(h.Repo.Root);
        var promote = await RunAsync(h, stacks, "promote", "ai", "--from", "canary", "--to", "edge", "--yes");
        promote.ExitCode.ShouldBe(0, promote.Err);
        while (stacks.Calls.TryDequeue(out _))
        {
        }

        return (h, stacks);
    }

    private Task<RingCtlRunner.Result> VerifyAsync(OpsHarness h, FakeStacks stacks, FakeClock clock, params string[] args) =>
        RingCtlRunner.RunAsync(h.Repo.Root, new CliContextOptions(h.ConnectionString, _ => stacks, PrometheusUrl: _prom.Prometheus?.Url, Clock: clock), ["verify", "edge", "--metrics", .. args]);

    [SkippableFact]
    public async Task VerifyMetrics_ChecksEveryThirtySeconds_ForTheDuration_AndReleasesAHold()
    {
        var (h, stacks) = await PromotedAsync("edge-clean");
        await using var _ = h;
        await h.Registry.SetHeldAsync("edge", "a failed update", default);
        var clock = new FakeClock(_prom.Now.AddHours(-3));

        var r = await VerifyAsync(h, stacks, clock, "--for", "10m");

        r.ExitCode.ShouldBe(0, r.Err);
        r.Out.Trim().ShouldBe("edge: its metric gates held for 10m (21 checks); hold released");
        clock.Delays.ShouldBe(20);
        r.ErrLines.Count(l => l.StartsWith("verify edge at ", StringComparison.Ordinal)).ShouldBe(21);
        stacks.Calls.ShouldBeEmpty();
        (await h.Registry.FindRingAsync("edge", default))!.Held.ShouldBeFalse();
    }

    [SkippableFact]
    public async Task VerifyMetrics_RollingBackOnFailure_RollsBackTheRingAndItsOnFailureRing_ThenHoldsIt()
    {
        var (h, stacks) = await PromotedAsync("canary-spike");
        await using var _ = h;
        var clock = new FakeClock(_prom.Spike.AddMinutes(25));

        var r = await VerifyAsync(h, stacks, clock, "--for", "30m", "--rollback-on-failure", "--reason", "error spike");

        r.ExitCode.ShouldBe(ExitCodes.GateRefused, r.Err);
        clock.Delays.ShouldBe(0, "it fails at the first broken bound");
        stacks.Calls.ShouldBe(["select edge", "update edge", "outputs edge", "select canary", "update canary", "outputs canary"]);
        var message = r.ErrLines.Last();
        message.ShouldMatch(@"^ringctl: verify edge: error-rate in edge was 0\.\d+ in the hour ending \S+, beyond its max 0\.01; edge is held until it verifies again; rolled back: rollback\(edge\): ai 2\.5\.0 → 2\.4\.0; rollback\(canary\): ai 2\.5\.0 → 2\.4\.0$");
        var fleet = h.Repo.Load();
        fleet.Find("edge")!.Lock.Find("ai")!.Version.ToString().ShouldBe("2.4.0");
        fleet.Find("canary")!.Lock.Find("ai")!.Version.ToString().ShouldBe("2.4.0");
        (await h.Registry.FindRingAsync("edge", default))!.Held.ShouldBeTrue();
        var blocked = await RunAsync(h, stacks, "promote", "orders", "--from", "edge", "--to", "stable", "--approved-by", "release-manager", "--dry-run");
        blocked.ExitCode.ShouldBe(ExitCodes.GateRefused);
        blocked.Err.ShouldContain("health: edge is held");
        (await h.Log.HistoryAsync(null, null, "ai", 2, default)).Select(o => $"{o.Kind} {string.Join(",", o.Rings)} {o.FromValue}→{o.ToValue} {o.Status}")
            .ShouldBe(["rollback canary 2.5.0→2.4.0 succeeded", "rollback edge 2.5.0→2.4.0 succeeded"]);
    }

    /// <summary>edge with the two gates over <paramref name="ns"/>'s series, and its /api/health answering ok (for tenant waves).</summary>
    private async Task<(OpsHarness H, LoopbackHttp Health)> WavesHarnessAsync(string ns)
    {
        Skip.IfNot(TestPrometheus.Available, "prometheus and promtool are not installed (.ci/run installs Debian's prometheus)");
        var h = await OpsHarness.CreateAsync(_pg, repo =>
        {
            repo.Replace("Pulumi.edge.yaml", "config:\n", "config:\n" + Gates.Replace("\r", "", StringComparison.Ordinal).Replace("  ring-infra:bakeTime: 22h\n", "", StringComparison.Ordinal));
            repo.Replace("Pulumi.edge.yaml", "ring-infra:namespace: autocom-edge", $"ring-infra:namespace: {ns}");
        });
        var health = new LoopbackHttp((_, _) => (200, LoopbackHttp.HealthDocument("edge")));
        return (h, health);
    }

    private Task<RingCtlRunner.Result> WavesAsync(OpsHarness h, FakeStacks stacks, FakeClock clock, LoopbackHttp health) =>
        RingCtlRunner.RunAsync(h.Repo.Root, new CliContextOptions(h.ConnectionString, _ => stacks, PrometheusUrl: _prom.Prometheus?.Url, Clock: clock),
            "tenant", "move", "--to", "edge", "--tenants", "acme,foo", "--wave-size", "1", "--pause", "10m", "--verify", "--url", health.Url, "--yes");

    [SkippableFact]
    public async Task TenantWaves_WithVerify_WatchTheTargetsMetricGatesOverThePause_BetweenWaves()
    {
        var (h, health) = await WavesHarnessAsync("edge-clean");
        await using var _ = h;
        using var __ = health;
        var stacks = new FakeStacks(h.Repo.Root);
        var clock = new FakeClock(_prom.Now.AddHours(-3));

        var r = await WavesAsync(h, stacks, clock, health);

        r.ExitCode.ShouldBe(0, r.Err);
        clock.Delays.ShouldBe(20, "10m watched every 30s between the two waves, and not after the last");
        r.ErrLines.Count(l => l.StartsWith("verify edge at ", StringComparison.Ordinal)).ShouldBe(21);
        (await h.Registry.TenantsAsync("edge", default)).Select(t => t.Tenant).ShouldBe(["acme", "bar", "foo", "widgets"]);
    }

    [SkippableFact]
    public async Task TenantWaves_WithVerify_StopAtAFailingGate_AfterTheWaveThatRan_HoldingNothing()
    {
        var (h, health) = await WavesHarnessAsync("canary-spike");
        await using var _ = h;
        using var __ = health;
        var stacks = new FakeStacks(h.Repo.Root);
        var clock = new FakeClock(_prom.Spike.AddMinutes(25));

        var r = await WavesAsync(h, stacks, clock, health);

        r.ExitCode.ShouldBe(ExitCodes.GateRefused, r.Err);
        r.ErrLines.Last().ShouldMatch(@"^ringctl: move 2 tenant\(s\) to edge: stopped\. verification after wave 1 failed: verify edge: error-rate in edge was 0\.\d+ in the hour ending \S+, beyond its max 0\.01\. 1 tenant\(s\) moved by this run \(waves 1–1 of 2 completed\);.* Next wave: ringctl tenant move --resume 1; to move them back: ringctl tenant move --revert 1$");
        (await h.Registry.RingOfTenantAsync("acme", default)).ShouldBe("edge");
        (await h.Registry.RingOfTenantAsync("foo", default)).ShouldBe("stable");
        (await h.Registry.FindRingAsync("edge", default))!.Held.ShouldBeFalse("a wave run holds nothing that was not held");
        stacks.Deployed("edge")!.Value.Tenants.ShouldBe(["acme", "bar", "widgets"]);
    }

    [SkippableFact]
    public async Task VerifyMetrics_WithoutGates_IsAUsageError()
    {
        Skip.IfNot(TestPrometheus.Available, "prometheus is not installed");
        await using var h = await OpsHarness.CreateAsync(_pg);

        var r = await RingCtlRunner.RunAsync(h.Repo.Root, new CliContextOptions(h.ConnectionString, _ => new FakeStacks(h.Repo.Root), PrometheusUrl: _prom.Prometheus!.Url), "verify", "edge", "--metrics");

        r.ExitCode.ShouldBe(ExitCodes.Usage);
        r.ErrLines.Last().ShouldBe("ringctl: --metrics: edge has no metric gates (ring-infra:gates)");
    }

    [SkippableFact]
    public async Task MetricsCommand_ShowsEachRingsGates_StepByStep_SideBySide()
    {
        Skip.IfNot(TestPrometheus.Available, "prometheus is not installed");
        await using var h = await OpsHarness.CreateAsync(_pg, repo =>
        {
            var gates = Gates.Replace("\r", "", StringComparison.Ordinal).Replace("  ring-infra:bakeTime: 22h\n", "", StringComparison.Ordinal);
            repo.Replace("Pulumi.canary.yaml", "config:\n", "config:\n" + gates);
            repo.Replace("Pulumi.canary.yaml", "ring-infra:namespace: autocom-canary", "ring-infra:namespace: canary-spike");
            repo.Replace("Pulumi.edge.yaml", "config:\n", "config:\n" + gates);
            repo.Replace("Pulumi.edge.yaml", "ring-infra:namespace: autocom-edge", "ring-infra:namespace: edge-clean");
        });
        var options = new CliContextOptions(h.ConnectionString, PrometheusUrl: _prom.Prometheus!.Url, Clock: new FakeClock(_prom.Now));

        var table = await RingCtlRunner.RunAsync(h.Repo.Root, options, "metrics", "canary", "edge", "stable", "--since", "22h");
        var json = await RingCtlRunner.RunAsync(h.Repo.Root, options, "metrics", "canary", "edge", "--since", "22h", "--json");

        table.ExitCode.ShouldBe(0, table.Err);
        table.Out.ShouldContain("canary error-rate (max 0.01)");
        table.Out.ShouldContain("edge p99 (max 0.5)");
        table.OutLines.Count(l => l.Contains(" !", StringComparison.Ordinal)).ShouldBe(1, "one hour of canary's error rate breaks its bound");
        table.OutLines.ShouldContain(l => l.StartsWith("canary error-rate: error-rate in canary was 0.0", StringComparison.Ordinal));
        table.OutLines.ShouldContain("edge error-rate: every step within its bound");
        table.ErrLines.ShouldContain("ringctl: stable has no metric gates: left out");
        var gates = JsonNode.Parse(json.Out)!["gates"]!.AsArray();
        gates.Select(g => $"{g!["ring"]} {g["gate"]} {g["passed"]}").ShouldBe(["canary error-rate false", "canary p99 true", "edge error-rate true", "edge p99 true"]);
        gates.ShouldAllBe(g => g!["steps"]!.AsArray().Count == 22);
    }

    [SkippableFact]
    public async Task TheRollout_WatchesEachRingsGates_AndStopsAtTheFirstBrokenBound()
    {
        Skip.IfNot(TestPrometheus.Available, "prometheus is not installed");
        using var git = new GitRepo();
        git.Files.Replace("Pulumi.edge.yaml", "config:\n", "config:\n" + Gates.Replace("\r", "", StringComparison.Ordinal).Replace("  ring-infra:bakeTime: 22h\n", "", StringComparison.Ordinal));
        git.Files.Replace("Pulumi.edge.yaml", "ring-infra:namespace: autocom-edge", "ring-infra:namespace: edge-failing");
        git.Commit("edge is judged on its error rate");
        var registry = await CiScripts.RegistryAsync(_pg, git);
        var scripts = new CiScripts(git);

        var (code, _, err) = scripts.Run("rollout.sh", registry, new Dictionary<string, string> { ["RINGCTL_PROMETHEUS_URL"] = _prom.Prometheus!.Url, ["RINGCTL_ANALYSIS"] = "0m" });

        code.ShouldBe(ExitCodes.GateRefused, err);
        err.ShouldContain("ringctl: verify edge: error-rate in edge was 0.0");
        err.ShouldContain("rollout.sh: stopped at edge (metric analysis failed, exit 4)");
        scripts.SimulatedCalls().ShouldContain("update canary");
        scripts.SimulatedCalls().ShouldContain("update edge");
        scripts.SimulatedCalls().ShouldNotContain("update stable");
        await using var db = new RingCtl.Registry.RegistryDatabase(registry);
        (await new RingCtl.Registry.RingRegistry(db).FindRingAsync("edge", default))!.Held.ShouldBeTrue();
    }
}
