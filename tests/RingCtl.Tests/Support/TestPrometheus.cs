using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RingCtl.Tests.Support;

/// <summary>
/// A real Prometheus (Debian's package) for the metric gates: the series are written as OpenMetrics, turned into
/// TSDB blocks with <c>promtool tsdb create-blocks-from openmetrics</c>, and served by <c>prometheus</c> on a free
/// loopback port from a temporary data directory. Nothing is scraped.
/// </summary>
public sealed class TestPrometheus : IDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    private TestPrometheus(Process process, string dir, string url)
    {
        _process = process;
        _dir = dir;
        Url = url;
    }

    public string Url { get; }

    public static bool Available => File.Exists("/usr/bin/prometheus") && File.Exists("/usr/bin/promtool");

    public static async Task<TestPrometheus> StartAsync(OpenMetrics series)
    {
        var dir = Path.Combine(Path.GetTempPath(), "ringinfra-prom-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "series.om"), series.Text);
        var blocks = ProcessRunner.Run("promtool", ["tsdb", "create-blocks-from", "openmetrics", Path.Combine(dir, "series.om"), Path.Combine(dir, "data")]);
        blocks.Code.ShouldBe(0, blocks.Err + blocks.Out);
        await File.WriteAllTextAsync(Path.Combine(dir, "prometheus.yml"), "global:\n  scrape_interval: 1h\nscrape_configs: []\n");
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var process = ProcessRunner.Start("prometheus", [
            $"--config.file={Path.Combine(dir, "prometheus.yml")}", $"--storage.tsdb.path={Path.Combine(dir, "data")}",
            $"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=100y", "--log.level=warn",
        ], dir);
        var url = $"http://127.0.0.1:{port}";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if ((await http.GetAsync(new Uri(url + "/-/ready"))).IsSuccessStatusCode)
                {
                    return new TestPrometheus(process, dir, url);
                }
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > deadline || process.HasExited)
            {
                var log = process.HasExited ? await process.StandardError.ReadToEndAsync() : "(still starting)";
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"prometheus did not become ready on {url}: {log}");
            }

            await Task.Delay(200);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>Series for <see cref="TestPrometheus"/>: counters and histograms sampled every 5 minutes, as a scrape would.</summary>
public sealed class OpenMetrics
{
    private readonly StringBuilder _text = new();

    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    public string Text => _text + "# EOF\n";

    /// <summary>
    /// <c>http_requests_total</c> for a namespace over [<paramref name="from"/>, <paramref name="to"/>): per interval
    /// <paramref name="ok"/> 200s and <paramref name="errors"/>(t) 500s.
    /// </summary>
    public OpenMetrics Requests(string ns, DateTimeOffset from, DateTimeOffset to, int ok, Func<DateTimeOffset, int> errors, Func<DateTimeOffset, bool>? gap = null)
    {
        _text.Append("# TYPE http_requests counter\n");
        foreach (var (code, perStep) in new (string, Func<DateTimeOffset, int>)[] { ("200", _ => ok), ("500", errors) })
        {
            long total = 0;
            for (var t = from; t < to; t += Interval)
            {
                total += perStep(t);
                if (gap?.Invoke(t) != true)
                {
                    _text.Append(CultureInfo.InvariantCulture, $"http_requests_total{{namespace=\"{ns}\",code=\"{code}\"}} {total} {t.ToUnixTimeSeconds()}\n");
                }
            }
        }

        return this;
    }

    /// <summary>
    /// <c>http_request_duration_seconds</c> for a namespace: per interval 1000 requests, of which the share
    /// <paramref name="slow"/>(t) takes between 0.5 s and 1 s and the rest under 0.1 s.
    /// </summary>
    public OpenMetrics Latency(string ns, DateTimeOffset from, DateTimeOffset to, Func<DateTimeOffset, double> slow)
    {
        _text.Append("# TYPE http_request_duration_seconds histogram\n");
        var les = new[] { "0.1", "0.25", "0.5", "1", "+Inf" };
        var lines = les.ToDictionary(le => le, _ => new StringBuilder());
        var count = new StringBuilder();
        var sum = new StringBuilder();
        double fast = 0, slowTotal = 0, seconds = 0;
        for (var t = from; t < to; t += Interval)
        {
            var n = (int)Math.Round(1000 * slow(t));
            fast += 1000 - n;
            slowTotal += n;
            seconds += (1000 - n) * 0.05 + n * 0.8;
            var ts = t.ToUnixTimeSeconds();
            foreach (var le in les)
            {
                var v = le is "0.1" or "0.25" or "0.5" ? fast : fast + slowTotal;
                lines[le].Append(CultureInfo.InvariantCulture, $"http_request_duration_seconds_bucket{{namespace=\"{ns}\",le=\"{le}\"}} {v} {ts}\n");
            }

            count.Append(CultureInfo.InvariantCulture, $"http_request_duration_seconds_count{{namespace=\"{ns}\"}} {fast + slowTotal} {ts}\n");
            sum.Append(CultureInfo.InvariantCulture, $"http_request_duration_seconds_sum{{namespace=\"{ns}\"}} {seconds} {ts}\n");
        }

        foreach (var le in les)
        {
            _text.Append(lines[le]);
        }

        _text.Append(count).Append(sum);
        return this;
    }
}

/// <summary>A clock for polling commands that never sleeps: each delay moves it forward.</summary>
public sealed class FakeClock(DateTimeOffset start) : RingCtl.Operations.IClock
{
    public DateTimeOffset Now { get; private set; } = start;

    public int Delays { get; private set; }

    public Task DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        Now += delay;
        Delays++;
        return Task.CompletedTask;
    }
}
