using System.Globalization;
using System.Text.Json;
using RingCtl.Cli;
using RingInfra.Core.Fleet;
using RingInfra.Core.Metrics;

namespace RingCtl.Operations;

/// <summary>
/// Prometheus's HTTP API for the metric gates (<c>/api/v1/query_range</c>). An unreachable Prometheus is an
/// infrastructure failure (exit 6), a query Prometheus rejects is a configuration error (exit 2): neither is ever a pass.
/// </summary>
public sealed class PrometheusClient
{
    private readonly HttpClient _http;

    public PrometheusClient(HttpClient http, string baseUrl)
    {
        _http = http;
        BaseUrl = baseUrl.TrimEnd('/');
    }

    public string BaseUrl { get; }

    /// <summary>The Prometheus that judges <paramref name="ring"/>'s gates: <c>RINGCTL_PROMETHEUS_URL</c>, else the ring's <c>prometheusUrl</c>; a usage error when neither is set.</summary>
    public static PrometheusClient For(HttpClient http, string? overrideUrl, RingDefinition ring) =>
        new(http, overrideUrl ?? ring.Config.PrometheusUrl ?? throw new CommandException(ExitCodes.Usage,
            $"{ring.Name} has metric gates, but no Prometheus is configured: set ring-infra:prometheusUrl in Pulumi.yaml, or RINGCTL_PROMETHEUS_URL"));

    /// <summary>The query's values at <paramref name="start"/>, start + step, … up to <paramref name="end"/> (one series; none: no data).</summary>
    public async Task<IReadOnlyList<(DateTimeOffset At, double Value)>> QueryRangeAsync(string gate, string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken ct)
    {
        var url = $"{BaseUrl}/api/v1/query_range?query={Uri.EscapeDataString(query)}&start={start.ToUnixTimeSeconds()}&end={end.ToUnixTimeSeconds()}&step={(long)step.TotalSeconds}";
        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync(new Uri(url), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new CommandException(ExitCodes.Infrastructure, $"Prometheus at {BaseUrl} is unreachable ({e.Message}): the metric gates cannot be judged, and an unjudged gate never passes");
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            JsonElement root;
            try
            {
                root = JsonDocument.Parse(body).RootElement;
            }
            catch (JsonException)
            {
                throw new CommandException(ExitCodes.Infrastructure, $"Prometheus at {BaseUrl} answered {(int)response.StatusCode} with something that is not its API's JSON");
            }

            if (!root.TryGetProperty("status", out var status) || status.GetString() != "success")
            {
                var error = root.TryGetProperty("error", out var e) ? e.GetString() : $"HTTP {(int)response.StatusCode}";
                throw new CommandException((int)response.StatusCode is >= 400 and < 500 ? ExitCodes.Usage : ExitCodes.Infrastructure,
                    $"gates: Prometheus refused the query of {gate} ({error}): {query}");
            }

            var result = root.GetProperty("data").GetProperty("result");
            if (result.GetArrayLength() > 1)
            {
                throw new CommandException(ExitCodes.Usage, $"gates: the query of {gate} returns {result.GetArrayLength()} series; a gate's query must return one (aggregate it, e.g. sum(...)): {query}");
            }

            return result.GetArrayLength() == 0 ? [] : [.. result[0].GetProperty("values").EnumerateArray().Select(v =>
                (DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(v[0].GetDouble() * 1000)), double.Parse(v[1].GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)))];
        }
    }

    /// <summary>
    /// Every metric gate of <paramref name="ring"/> judged over [<paramref name="from"/>, <paramref name="to"/>]: for a ring with
    /// clusters, every gate in every cluster (or only in <paramref name="only"/>), each query with <c>$cluster</c> and
    /// <c>$region</c> substituted and each verdict naming its cluster.
    /// </summary>
    public async Task<IReadOnlyList<MetricVerdict>> JudgeAsync(RingDefinition ring, DateTimeOffset from, DateTimeOffset to, CancellationToken ct, RingInfra.Core.Config.ClusterSpec? only = null)
    {
        ArgumentNullException.ThrowIfNull(ring);
        var verdicts = new List<MetricVerdict>();
        foreach (var cluster in only is null ? ring.Config.Clusters : [only])
        {
            var subject = cluster.IsUnnamed ? ring.Name : $"{ring.Name} in {cluster.Describe()}";
            foreach (var gate in ring.Config.Gates.Metrics)
            {
                var steps = MetricJudge.Steps(from, to, gate.Step);
                var samples = await QueryRangeAsync(gate.Name, gate.QueryFor(ring.Name, ring.Config.Namespace, cluster), steps[0], steps[^1], gate.Step, ct).ConfigureAwait(false);
                verdicts.Add(MetricJudge.Judge(subject, gate, from, to, samples));
            }
        }

        return verdicts;
    }
}

/// <summary>Time for the polling commands (<c>verify --metrics</c>): the system clock, or a test's, which never sleeps.</summary>
public interface IClock
{
    DateTimeOffset Now { get; }

    Task DelayAsync(TimeSpan delay, CancellationToken ct);
}

public sealed class SystemClock : IClock
{
    public static SystemClock Instance { get; } = new();

    public DateTimeOffset Now => DateTimeOffset.UtcNow;

    public Task DelayAsync(TimeSpan delay, CancellationToken ct) => Task.Delay(delay, ct);
}
