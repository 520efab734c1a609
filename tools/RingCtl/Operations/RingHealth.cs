using System.Text.Json;
using RingCtl.Cli;

namespace RingCtl.Operations;

/// <summary>
/// <c>verify</c>: the ring's <c>/api/health</c> must answer ok and report the ring's own name and lock path
/// (doc 000's operator sanity check: a pod that fell back to "stable" shows up here).
/// </summary>
public static class RingHealth
{
    public sealed record Report(string Url, string Ring, string LockPath, string Status)
    {
        /// <summary>The ring's custom checks (doc 001) that answered 2xx, by name.</summary>
        public IReadOnlyList<string> Custom { get; init; } = [];
    }

    /// <summary>The health document, then each of the ring's custom checks (<c>ring-infra:health.custom</c>): every one must answer 2xx.</summary>
    public static async Task<Report> CheckAsync(HttpClient http, string baseUrl, string ring, string expectedLockPath, IReadOnlyList<RingInfra.Core.Config.CustomCheck> custom, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(custom);
        var report = await CheckAsync(http, baseUrl, ring, expectedLockPath, ct).ConfigureAwait(false);
        var failed = new List<string>();
        foreach (var check in custom)
        {
            var url = baseUrl.TrimEnd('/') + check.Path;
            try
            {
                using var response = await http.GetAsync(new Uri(url), ct).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    failed.Add($"{check.Name}: {url} answered {(int)response.StatusCode} {response.ReasonPhrase}");
                }
            }
            catch (HttpRequestException e)
            {
                failed.Add($"{check.Name}: {url} did not answer: {e.Message}");
            }
        }

        return failed.Count == 0
            ? report with { Custom = [.. custom.Select(c => c.Name)] }
            : throw new CommandException(ExitCodes.Infrastructure, $"verify {ring}: custom check(s) failed: {string.Join("; ", failed)}");
    }

    private static async Task<Report> CheckAsync(HttpClient http, string baseUrl, string ring, string expectedLockPath, CancellationToken ct)
    {
        var url = baseUrl.TrimEnd('/') + "/api/health";
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(new Uri(url), ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new CommandException(ExitCodes.Infrastructure, $"verify {ring}: {url} did not answer: {e.Message}");
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new CommandException(ExitCodes.Infrastructure, $"verify {ring}: {url} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            string status, name, lockPath;
            try
            {
                using var doc = JsonDocument.Parse(body);
                status = doc.RootElement.GetProperty("status").GetString() ?? "";
                var r = doc.RootElement.GetProperty("ring");
                name = r.GetProperty("name").GetString() ?? "";
                lockPath = r.GetProperty("lock_path").GetString() ?? "";
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new CommandException(ExitCodes.Infrastructure, $"verify {ring}: {url} did not answer the health document ({{\"status\", \"ring\": {{\"name\", \"lock_path\"}}}}): {e.Message}");
            }

            var problems = new List<string>();
            if (status != "ok")
            {
                problems.Add($"status is '{status}', expected 'ok'");
            }

            if (name != ring)
            {
                problems.Add($"ring.name is '{name}', expected '{ring}' (the pods did not get RING_NAME, or the ingress routes elsewhere)");
            }

            if (lockPath != expectedLockPath)
            {
                problems.Add($"ring.lock_path is '{lockPath}', expected '{expectedLockPath}'");
            }

            return problems.Count == 0
                ? new Report(url, name, lockPath, status)
                : throw new CommandException(ExitCodes.Infrastructure, $"verify {ring}: {url}: {string.Join("; ", problems)}");
        }
    }
}
