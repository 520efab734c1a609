using System.Diagnostics;
using System.Text.Json.Nodes;
using RingInfra.Core.Config;
using RingInfra.Core.Fleet;
using RingInfra.Core.Kube;
using RingInfra.Core.Policies;
using RingInfra.Core.Rendering;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Core.Tests;

/// <summary>
/// What Prometheus needs from a ring (issue 14): scrape annotations, the nginx exporter, NetworkPolicies for the two
/// metrics ports, and with <c>observability.prometheusOperator</c> the PodMonitors and the PrometheusRule — whose rules
/// are checked and unit-tested by the real <c>promtool</c>.
/// </summary>
public sealed class ObservabilityRenderTests
{
    private const string Gates = """
          ring-infra:gates:
            metrics:
              - name: error-rate
                query: sum(rate(http_requests_total{namespace="$namespace",code=~"5.."}[1h])) / sum(rate(http_requests_total{namespace="$namespace"}[1h]))
                max: 0.01
                step: 1h
              - name: availability
                query: avg_over_time(up{namespace="$namespace"}[5m])
                min: 0.995
                step: 5m
          ring-infra:observability:
            prometheusOperator: true
            namespace: observability
            metricsPath: /internal/metrics
            labels:
              release: kube-prometheus-stack

        """;

    private static RenderedRing RenderCanary(string extra) => RenderCanary(extra, out _);

    private static RenderedRing RenderCanary(string extra, out Shared.SharedFacts shared)
    {
        using var repo = new TempRepo();
        repo.Replace("Pulumi.canary.yaml", "  ring-infra:bakeTime: 24h\n", "  ring-infra:bakeTime: 24h\n" + extra.Replace("\r", "", StringComparison.Ordinal));
        var fleet = repo.Load();
        shared = fleet.Shared;
        return RingRenderer.Render(fleet.Find("canary")!, fleet.Shared);
    }

    private static JsonObject Annotations(RenderedRing r, string deployment) =>
        r.Find("Deployment", deployment)!.Body["spec"]!["template"]!["metadata"]!["annotations"]!.AsObject();

    [Fact]
    public void ApiAndNginxPods_CarryTheScrapeAnnotations_AndHorizonNone()
    {
        var r = Repo.Render("edge");

        var api = Annotations(r, "api");
        (api["prometheus.io/scrape"]!.ToString(), api["prometheus.io/port"]!.ToString(), api["prometheus.io/path"]!.ToString()).ShouldBe(("true", "8000", "/metrics"));
        var nginx = Annotations(r, "nginx");
        (nginx["prometheus.io/scrape"]!.ToString(), nginx["prometheus.io/port"]!.ToString(), nginx["prometheus.io/path"]!.ToString()).ShouldBe(("true", "9113", "/metrics"));
        Annotations(r, "horizon").ContainsKey("prometheus.io/scrape").ShouldBeFalse();
    }

    [Fact]
    public void TheNginxExporter_ReadsStubStatusOnLoopback_AndPassesPodSecurityRestricted()
    {
        var r = Repo.Render("stable");
        var pod = r.Find("Deployment", "nginx")!.Body["spec"]!["template"]!["spec"]!;
        var exporter = pod["containers"]!.AsArray().Single(c => c!["name"]!.ToString() == "nginx-exporter")!;

        exporter["args"]!.AsArray().Select(a => a!.ToString()).ShouldContain("--nginx.scrape-uri=http://127.0.0.1:8081/stub_status");
        exporter["ports"]![0]!["containerPort"]!.GetValue<int>().ShouldBe(ObservabilityObjects.ExporterPort);
        var conf = r.Find("ConfigMap", "ring-nginx-conf")!.Body["data"]!["default.conf"]!.ToString();
        conf.ShouldContain("listen 127.0.0.1:8081;");
        PodSecurity.CheckRestricted(r.Find("Deployment", "nginx")!.Body).ShouldBeEmpty();
        PolicySuite.Check([r], Repo.LoadFleet().Shared).ShouldBeEmpty();
    }

    [Fact]
    public void OnlyTheObservabilityNamespace_ReachesTheMetricsPorts_EachOnItsOwnPods()
    {
        var r = RenderCanary(Gates);

        foreach (var (name, app, port) in new[] { ("api-metrics-from-observability", "api", 8000), ("nginx-metrics-from-observability", "nginx", 9113) })
        {
            var spec = r.Find("NetworkPolicy", name)!.Body["spec"]!;
            spec["podSelector"]!["matchLabels"]!["app"]!.ToString().ShouldBe(app);
            spec["policyTypes"]!.AsArray().Select(t => t!.ToString()).ShouldBe(["Ingress"]);
            var rule = spec["ingress"]!.AsArray().ShouldHaveSingleItem()!;
            rule["from"]![0]!["namespaceSelector"]!["matchLabels"]!["kubernetes.io/metadata.name"]!.ToString().ShouldBe("observability");
            rule["ports"]!.AsArray().Select(p => p!["port"]!.GetValue<int>()).ShouldBe([port]);
        }
    }

    [Fact]
    public void WithoutTheOperator_NoCustomResourceIsRendered()
    {
        Repo.RenderAll().SelectMany(r => r.Objects).Where(o => o.ApiVersion.StartsWith("monitoring.coreos.com/", StringComparison.Ordinal)).ShouldBeEmpty();
    }

    [Fact]
    public void WithTheOperator_ARingHasAPodMonitorPerScrapedWorkload_AndARulePerGate()
    {
        var r = RenderCanary(Gates, out var shared);

        var api = r.Find("PodMonitor", "api")!;
        api.Body["metadata"]!["labels"]!["release"]!.ToString().ShouldBe("kube-prometheus-stack");
        api.Body["spec"]!["selector"]!["matchLabels"]!["app"]!.ToString().ShouldBe("api");
        var endpoint = api.Body["spec"]!["podMetricsEndpoints"]![0]!;
        (endpoint["port"]!.ToString(), endpoint["path"]!.ToString()).ShouldBe(("http", "/internal/metrics"));
        r.Find("PodMonitor", "nginx")!.Body["spec"]!["podMetricsEndpoints"]![0]!["port"]!.ToString().ShouldBe("metrics");
        r.Objects.TakeLast(3).Select(o => o.Kind).ShouldBe(["PodMonitor", "PodMonitor", "PrometheusRule"]);

        var rules = r.Find("PrometheusRule", ObservabilityObjects.RuleName)!.Body["spec"]!["groups"]![0]!["rules"]!.AsArray();
        rules.Select(x => (x!["labels"]!["gate"]!.ToString(), x["for"]!.ToString())).ShouldBe([("error-rate", "2h"), ("availability", "10m")]);
        rules[0]!["expr"]!.ToString().ShouldBe("(sum(rate(http_requests_total{namespace=\"autocom-canary\",code=~\"5..\"}[1h])) / sum(rate(http_requests_total{namespace=\"autocom-canary\"}[1h]))) > 0.01");
        rules[1]!["expr"]!.ToString().ShouldBe("(avg_over_time(up{namespace=\"autocom-canary\"}[5m])) < 0.995");
        PolicySuite.Check([r], shared).ShouldBeEmpty();
    }

    [Fact]
    public void TheOperatorWithoutGates_RendersPodMonitorsButNoRule()
    {
        var r = RenderCanary("  ring-infra:observability:\n    prometheusOperator: true\n");

        r.Objects.Count(o => o.Kind == "PodMonitor").ShouldBe(2);
        r.Find("PrometheusRule", ObservabilityObjects.RuleName).ShouldBeNull();
    }

    [Fact]
    public void ObservabilityConfig_NamesEveryProblemAtOnce()
    {
        using var repo = new TempRepo();
        repo.Replace("Pulumi.canary.yaml", "  ring-infra:bakeTime: 24h\n", """
              ring-infra:bakeTime: 24h
              ring-infra:observability:
                prometheusOperator: maybe
                metricsPath: /metrics;return 200
                exporterImage: nginx/nginx-prometheus-exporter:latest
                labels:
                  release: "not a label value"
                scrapeInterval: 15s

            """.Replace("\r", "", StringComparison.Ordinal));

        var e = Should.Throw<RingConfigException>(repo.Load);

        var keys = e.Problems.Select(p => p.Key).ToList();
        keys.ShouldContain("observability.prometheusOperator");
        keys.ShouldContain("observability.metricsPath");
        keys.ShouldContain("observability.exporterImage");
        keys.ShouldContain("observability.labels.release");
        keys.ShouldContain("observability.scrapeInterval");
        e.Problems.Single(p => p.Key == "observability.metricsPath").Message.ShouldContain("/metrics;return 200");
    }

    private static string? Promtool() => new[] { "/usr/bin/promtool", "/usr/local/bin/promtool" }.FirstOrDefault(File.Exists);

    private static (int Code, string Output) RunPromtool(string dir, params string[] args)
    {
        var psi = new ProcessStartInfo(Promtool()!, args) { WorkingDirectory = dir, RedirectStandardError = true, RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output.Result + err);
    }

    /// <summary>
    /// The rendered rule file, unit-tested by <c>promtool test rules</c>: an error rate above the bound for one hour
    /// does not fire; above it for two hours fires, naming the ring and the gate; back under, it clears.
    /// </summary>
    [SkippableFact]
    public void TheRule_FiresWhenTheBoundStaysBrokenForTwoSteps_PerPromtool()
    {
        Skip.If(Promtool() is null, "promtool is not installed (.ci/run installs Debian's prometheus)");
        var r = RenderCanary(Gates);
        var spec = r.Find("PrometheusRule", ObservabilityObjects.RuleName)!.Body["spec"]!;
        var dir = Directory.CreateTempSubdirectory("ringinfra-rules").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "rules.yaml"), Yaml.Write(spec));
            var check = RunPromtool(dir, "check", "rules", "rules.yaml");
            check.Code.ShouldBe(0, check.Output);
            check.Output.ShouldContain("SUCCESS: 2 rules found");

            // 100 requests a minute; from minute 60 to 300 two of them fail (2 % > 1 %), then none. The hourly ratio
            // crosses 1 % around minute 90 and falls back around minute 330.
            File.WriteAllText(Path.Combine(dir, "test.yaml"), """
                rule_files: [rules.yaml]
                evaluation_interval: 1m
                tests:
                  - interval: 1m
                    input_series:
                      - series: 'http_requests_total{namespace="autocom-canary",code="200"}'
                        values: '0+100x60 6000+98x240 29520+100x200'
                      - series: 'http_requests_total{namespace="autocom-canary",code="500"}'
                        values: '0x60 0+2x240 480x200'
                      - series: 'up{namespace="autocom-canary"}'
                        values: '1x500'
                    alert_rule_test:
                      - eval_time: 170m
                        alertname: RingMetricGateBroken
                        exp_alerts: []
                      - eval_time: 270m
                        alertname: RingMetricGateBroken
                        exp_alerts:
                          - exp_labels: {severity: critical, ring: canary, gate: error-rate}
                            exp_annotations:
                              summary: error-rate in ring canary broke its max 0.01 for two steps of 1h
                              description: Promotions out of canary are refused while error-rate breaks its bound; see `ringctl metrics canary` and `ringctl verify canary --metrics`.
                      - eval_time: 450m
                        alertname: RingMetricGateBroken
                        exp_alerts: []
                """.Replace("\r", "", StringComparison.Ordinal));
            var test = RunPromtool(dir, "test", "rules", "test.yaml");
            test.Code.ShouldBe(0, test.Output);

            // The same test against a rule that would fire after one step fails: the two-step hold is what passes it.
            File.WriteAllText(Path.Combine(dir, "rules.yaml"), File.ReadAllText(Path.Combine(dir, "rules.yaml")).Replace("for: 2h", "for: 1h", StringComparison.Ordinal));
            RunPromtool(dir, "test", "rules", "test.yaml").Code.ShouldNotBe(0);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
