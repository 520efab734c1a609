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

/// <summary><c>ring-infra:observability</c>: a Prometheus Operator's PodMonitor and PrometheusRule per ring, and where Prometheus runs.</summary>
public sealed record Observability(bool PrometheusOperator, string Namespace)
{
    public static Observability Default { get; } = new(false, "monitoring");
}
