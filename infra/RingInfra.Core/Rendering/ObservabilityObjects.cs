using System.Globalization;
using System.Text.Json.Nodes;
using RingInfra.Core.Config;
using RingInfra.Core.Metrics;

namespace RingInfra.Core.Rendering;

/// <summary>
/// What Prometheus needs from a ring (issue 14, doc 004): scrape annotations on the api and nginx pods, the nginx
/// exporter sidecar (nginx's own <c>stub_status</c> is not Prometheus's format), NetworkPolicies admitting the
/// observability namespace to the two metrics ports only, and with a Prometheus Operator a PodMonitor per workload
/// and a PrometheusRule alerting when a metric gate's bound stays broken for two of its steps.
/// </summary>
public static class ObservabilityObjects
{
    /// <summary>The api serves its metrics on its own port (Octane's), at <see cref="Observability.MetricsPath"/>.</summary>
    public const int ApiPort = 8000;

    /// <summary>The nginx exporter's port (its upstream default), named <c>metrics</c>.</summary>
    public const int ExporterPort = 9113;

    /// <summary>nginx's <c>stub_status</c>, on the pod's loopback only: the exporter reads it, nothing else can.</summary>
    public const int StubStatusPort = 8081;

    public const string ApiMetricsPolicy = "api-metrics-from-observability";
    public const string NginxMetricsPolicy = "nginx-metrics-from-observability";
    public const string RuleName = "ring-metric-gates";
    public const string AlertName = "RingMetricGateBroken";

    /// <summary>The exporter's requests (and limit: memory) per nginx pod; the quota counts them.</summary>
    public const int ExporterCpuMillis = 10;

    public const long ExporterMemoryBytes = 32L * 1024 * 1024;

    /// <summary>The doc 004 annotations: <c>prometheus.io/scrape</c>, <c>port</c> and <c>path</c>.</summary>
    internal static void AddScrapeAnnotations(JsonObject annotations, RenderContext c, WorkloadKind kind)
    {
        if (kind == WorkloadKind.Horizon)
        {
            return;
        }

        annotations["prometheus.io/scrape"] = "true";
        annotations["prometheus.io/port"] = (kind == WorkloadKind.Api ? ApiPort : ExporterPort).ToString(CultureInfo.InvariantCulture);
        annotations["prometheus.io/path"] = kind == WorkloadKind.Api ? c.Config.Observability.MetricsPath : "/metrics";
    }

    internal static JsonObject ExporterContainer(RenderContext c) => new()
    {
        ["name"] = "nginx-exporter",
        ["image"] = c.Config.Observability.ExporterImage,
        ["args"] = K.Strings(
            $"--nginx.scrape-uri=http://127.0.0.1:{StubStatusPort}/stub_status",
            $"--web.listen-address=:{ExporterPort}"),
        ["ports"] = K.Array(new JsonObject { ["name"] = "metrics", ["containerPort"] = ExporterPort, ["protocol"] = "TCP" }),
        ["resources"] = new JsonObject
        {
            ["requests"] = new JsonObject { ["cpu"] = Quantity.FormatCpu(ExporterCpuMillis), ["memory"] = Quantity.FormatMemory(ExporterMemoryBytes) },
            ["limits"] = new JsonObject { ["memory"] = Quantity.FormatMemory(ExporterMemoryBytes) },
        },
        ["securityContext"] = new JsonObject
        {
            ["allowPrivilegeEscalation"] = false,
            ["capabilities"] = new JsonObject { ["drop"] = K.Strings("ALL") },
            ["privileged"] = false,
            ["readOnlyRootFilesystem"] = true,
            ["runAsNonRoot"] = true,
        },
        // Liveness asks only whether the exporter answers: nginx being down is nginx's own probes' business.
        ["livenessProbe"] = new JsonObject
        {
            ["tcpSocket"] = new JsonObject { ["port"] = "metrics" },
            ["periodSeconds"] = 30,
            ["timeoutSeconds"] = 5,
            ["failureThreshold"] = 3,
        },
    };

    /// <summary>Prometheus's namespace to the api's port and the exporter's port, each on its own pods only.</summary>
    internal static IEnumerable<(string Name, WorkloadKind Kind, int Port)> MetricsPolicies() =>
    [
        (ApiMetricsPolicy, WorkloadKind.Api, ApiPort),
        (NginxMetricsPolicy, WorkloadKind.Nginx, ExporterPort),
    ];

    /// <summary>The Prometheus Operator's objects, when <c>observability.prometheusOperator</c> is on.</summary>
    internal static IEnumerable<JsonObject> OperatorObjects(RenderContext c)
    {
        var o = c.Config.Observability;
        if (!o.PrometheusOperator)
        {
            yield break;
        }

        foreach (var kind in new[] { WorkloadKind.Api, WorkloadKind.Nginx })
        {
            var monitor = K.Object("monitoring.coreos.com/v1", "PodMonitor", RingLabels.Name(kind), c.Ns, Labels(c));
            monitor["spec"] = new JsonObject
            {
                ["selector"] = new JsonObject { ["matchLabels"] = RingLabels.Selector(c.Name, kind) },
                ["podTargetLabels"] = K.Strings(RingLabels.Ring),
                ["podMetricsEndpoints"] = K.Array(new JsonObject
                {
                    ["port"] = kind == WorkloadKind.Api ? "http" : "metrics",
                    ["path"] = kind == WorkloadKind.Api ? o.MetricsPath : "/metrics",
                    ["interval"] = "30s",
                }),
            };
            yield return monitor;
        }

        if (c.Config.Gates.Any)
        {
            var rule = K.Object("monitoring.coreos.com/v1", "PrometheusRule", RuleName, c.Ns, Labels(c));
            rule["spec"] = RuleGroups(c.Name, c.Ns, c.Config.Gates);
            yield return rule;
        }
    }

    /// <summary>
    /// One alerting rule per gate: the gate's query against its bound, firing once the bound has stayed broken for
    /// two of the gate's steps (<c>for: 2 × step</c>). A rule file's <c>groups</c>, as <c>promtool</c> reads it.
    /// </summary>
    public static JsonObject RuleGroups(string ring, string ns, MetricGates gates)
    {
        ArgumentNullException.ThrowIfNull(gates);
        return new JsonObject
        {
            ["groups"] = K.Array(new JsonObject
            {
                ["name"] = $"ringinfra-{ring}-metric-gates",
                ["rules"] = new JsonArray([.. gates.Metrics.Select(g => (JsonNode?)new JsonObject
                {
                    ["alert"] = AlertName,
                    ["expr"] = $"({g.QueryFor(ring, ns)}) {(g.Max is not null ? ">" : "<")} {(g.Max ?? g.Min!.Value).ToString("R", CultureInfo.InvariantCulture)}",
                    ["for"] = RingConfigBinder.FormatDuration(g.Step * 2),
                    ["labels"] = new JsonObject { ["severity"] = "critical", ["ring"] = ring, ["gate"] = g.Name },
                    ["annotations"] = new JsonObject
                    {
                        ["summary"] = $"{g.Name} in ring {ring} broke its {g.Bound} for two steps of {RingConfigBinder.FormatDuration(g.Step)}",
                        ["description"] = $"Promotions out of {ring} are refused while {g.Name} breaks its bound; see `ringctl metrics {ring}` and `ringctl verify {ring} --metrics`.",
                    },
                })]),
            }),
        };
    }

    private static JsonObject Labels(RenderContext c)
    {
        var labels = RingLabels.Common(c.Name);
        foreach (var (k, v) in c.Config.Observability.Labels.Where(l => !labels.ContainsKey(l.Key)))
        {
            labels[k] = v;
        }

        return labels;
    }
}
