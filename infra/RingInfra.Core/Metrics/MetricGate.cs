namespace RingInfra.Core.Metrics;

/// <summary>
/// One metric gate of a ring (doc 003): a PromQL query (with <c>$ring</c> and <c>$namespace</c> substituted), a
/// bound (exactly one of <see cref="Max"/> and <see cref="Min"/>), and the step at which the window is judged —
/// each step on its own, never an average over the window.
/// </summary>
public sealed record MetricGate(string Name, string Query, double? Max, double? Min, TimeSpan Step)
{
    /// <summary>The query for a ring: <c>$ring</c> and <c>$namespace</c> replaced.</summary>
    public string QueryFor(string ring, string ns) =>
        Query.Replace("$namespace", ns, StringComparison.Ordinal).Replace("$ring", ring, StringComparison.Ordinal);

    /// <summary>
    /// The query for one cluster of a ring (doc 003: each cluster is judged on its own): also <c>$cluster</c> and
    /// <c>$region</c> replaced. For a ring without clusters, as <see cref="QueryFor(string, string)"/>.
    /// </summary>
    public string QueryFor(string ring, string ns, Config.ClusterSpec cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return cluster.Substitute(QueryFor(ring, ns));
    }

    /// <summary>Whether a value keeps the bound (the bound itself passes).</summary>
    public bool Allows(double value) => Max is { } max ? value <= max : value >= Min!.Value;

    /// <summary>The bound as people read it: <c>max 0.01</c>, <c>min 0.995</c>.</summary>
    public string Bound => Max is { } max ? $"max {MetricJudge.Format(max)}" : $"min {MetricJudge.Format(Min!.Value)}";
}

/// <summary>A ring's metric gates and what else to roll back when they fail (<c>ring-infra:gates</c>).</summary>
public sealed record MetricGates(IReadOnlyList<MetricGate> Metrics, IReadOnlyList<string> OnFailureRollback)
{
    public static MetricGates None { get; } = new([], []);

    public bool Any => Metrics.Count > 0;
}

/// <summary>
/// <c>ring-infra:observability</c>: where Prometheus runs (admitted to the metrics ports), the api's metrics path,
/// the nginx exporter sidecar's image, and with a Prometheus Operator a PodMonitor and a PrometheusRule per ring
/// carrying <see cref="Labels"/> (what the operator's <c>podMonitorSelector</c> and <c>ruleSelector</c> match).
/// </summary>
public sealed record Observability(bool PrometheusOperator, string Namespace)
{
    public const string DefaultExporterImage = "nginx/nginx-prometheus-exporter:1.4.1";

    public static Observability Default { get; } = new(false, "monitoring");

    /// <summary>Where the api (Octane) serves its Prometheus metrics on its own port 8000; nginx refuses it to the public.</summary>
    public string MetricsPath { get; init; } = "/metrics";

    /// <summary>The sidecar that turns nginx's <c>stub_status</c> into Prometheus metrics on port 9113.</summary>
    public string ExporterImage { get; init; } = DefaultExporterImage;

    /// <summary>Labels on the PodMonitors and the PrometheusRule.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Labels { get; init; } = [];
}
