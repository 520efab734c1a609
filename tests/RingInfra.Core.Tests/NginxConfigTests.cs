using System.Diagnostics;
using RingInfra.Core.Config;
using RingInfra.Core.Rendering;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Core.Tests;

/// <summary>
/// Every ring's nginx config, as rendered, passes <c>nginx -t</c> (Debian's nginx-light; <c>.ci/run</c> installs it).
/// nginx resolves <c>api</c> when it loads the config, so the check runs in a private mount namespace whose
/// <c>/etc/hosts</c> names it, with a private <c>/var/cache/nginx</c> for the temp paths the config creates.
/// </summary>
public sealed class NginxConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ringinfra-nginx").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string? Nginx() => new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists);

    private (int Code, string Err) Check(string conf)
    {
        File.WriteAllText(Path.Combine(_dir, "default.conf"), conf);
        File.WriteAllText(Path.Combine(_dir, "hosts"), "127.0.0.1 localhost\n127.0.0.1 api\n");
        File.WriteAllText(Path.Combine(_dir, "nginx.conf"), $"pid {_dir}/nginx.pid;\nerror_log stderr;\nevents {{}}\nhttp {{\n    include {_dir}/default.conf;\n}}\n");
        var script = $"mount --bind {_dir}/hosts /etc/hosts && mkdir -p /var/cache/nginx && mount -t tmpfs tmpfs /var/cache/nginx && exec {Nginx()} -t -q -p {_dir} -c {_dir}/nginx.conf -e stderr";
        var psi = new ProcessStartInfo("unshare", ["-m", "sh", "-c", script]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, err);
    }

    private static void RequireTools()
    {
        Skip.If(Nginx() is null, "nginx is not installed (Debian's nginx-light; .ci/run installs it)");
        Skip.IfNot(Environment.UserName == "root" && File.Exists("/usr/bin/unshare"), "the check needs root and unshare for a private /etc/hosts");
    }

    [SkippableTheory]
    [InlineData("stable")]
    [InlineData("edge")]
    [InlineData("canary")]
    public void TheRenderedConfig_PassesNginxT(string ring)
    {
        RequireTools();
        var conf = Repo.Render(ring).Find("ConfigMap", "ring-nginx-conf")!.Body["data"]!["default.conf"]!.ToString();

        var (code, err) = Check(conf);

        code.ShouldBe(0, err);
    }

    /// <summary>
    /// The rendered config, served: nginx runs in a private network namespace (its own loopback, so 8080, 8081 and
    /// 8000 are free) beside a stand-in api on 127.0.0.1:8000 (another server block, since <c>api</c> resolves to
    /// loopback there), and curl asks it what a client and the exporter would. Debian's prometheus-nginx-exporter
    /// runs there with the rendered sidecar's own arguments and must report nginx up.
    /// </summary>
    [SkippableFact]
    public void TheRenderedConfig_NamesRingAndLockOnEveryResponse_HidesTheApisMetrics_AndServesStubStatusOnLoopback()
    {
        RequireTools();
        Skip.If(!File.Exists("/usr/bin/curl") || !File.Exists("/usr/sbin/ip"), "curl and ip are needed");
        Skip.IfNot(File.Exists(Exporter), "Debian's prometheus-nginx-exporter is not installed (.ci/run installs it)");
        var ring = Repo.Render("edge");
        var sidecar = ring.Find("Deployment", "nginx")!.Body["spec"]!["template"]!["spec"]!["containers"]!.AsArray()
            .Single(c => c!["name"]!.ToString() == "nginx-exporter")!;
        var exporterArgs = string.Join(' ', sidecar["args"]!.AsArray().Select(a => "'" + a!.ToString() + "'"));
        var conf = ring.Find("ConfigMap", "ring-nginx-conf")!.Body["data"]!["default.conf"]!.ToString();
        var parts = Serve(conf, "return 200 \"api:$request_uri\";",
            ("proxied", $"{Curl} http://127.0.0.1:8080/api/orders"),
            ("metrics", $"{Curl} http://127.0.0.1:8080/metrics"),
            ("stub", $"{Curl} http://127.0.0.1:8081/stub_status"),
            ("public-stub", $"({Curl} http://127.0.0.1:8080/stub_status || true)"),
            ("exporter-start", $"({Exporter} {exporterArgs} >{_dir}/exporter.log 2>&1 & echo $! > {_dir}/exporter.pid); for i in $(seq 50); do {Curl} http://127.0.0.1:{ObservabilityObjects.ExporterPort}/metrics >/dev/null && break; sleep 0.1; done"),
            ("exporter", $"{Curl} http://127.0.0.1:{ObservabilityObjects.ExporterPort}/metrics"));

        parts["proxied"].ShouldContain("HTTP/1.1 200");
        parts["proxied"].ShouldContain("api:/api/orders");
        parts["proxied"].ShouldContain("X-Ring: edge\n");
        parts["proxied"].ShouldContain($"X-Module-Lock: {ring.LockHash}\n");
        parts["metrics"].ShouldContain("HTTP/1.1 404");
        parts["metrics"].ShouldNotContain("api:/metrics");
        parts["metrics"].ShouldContain("X-Ring: edge\n", customMessage: "nginx's own errors name the ring too (add_header … always)");
        parts["stub"].ShouldContain("Active connections:");
        parts["public-stub"].ShouldContain("api:/stub_status", customMessage: "stub_status is not served on the public port");
        parts["exporter"].ShouldContain("\nnginx_up 1\n", customMessage: "the exporter, run with the rendered arguments, reads stub_status");
        parts["exporter"].ShouldContain("nginx_connections_accepted");
    }

    private const string Exporter = "/usr/bin/prometheus-nginx-exporter";

    private const string Curl = "curl -s -i --max-time 5";

    /// <summary>
    /// Serves <paramref name="conf"/> (the ring's conf.d file) in a private mount and network namespace beside a stand-in
    /// api on 127.0.0.1:8000 whose every location runs <paramref name="api"/>, then runs each named shell step and returns
    /// its output by name. An EXIT trap stops nginx (a daemon) and an exporter, which would hold the output pipe open.
    /// </summary>
    private Dictionary<string, string> Serve(string conf, string api, params (string Name, string Command)[] steps)
    {
        File.WriteAllText(Path.Combine(_dir, "default.conf"), conf);
        File.WriteAllText(Path.Combine(_dir, "api.conf"), $"server {{\n    listen 127.0.0.1:8000;\n    location / {{\n        {api}\n    }}\n}}\n");
        File.WriteAllText(Path.Combine(_dir, "hosts"), "127.0.0.1 localhost\n127.0.0.1 api\n");
        File.WriteAllText(Path.Combine(_dir, "nginx.conf"), $"pid {_dir}/nginx.pid;\nerror_log stderr;\nevents {{}}\nhttp {{\n    access_log {_dir}/access.log;\n    include {_dir}/default.conf;\n    include {_dir}/api.conf;\n}}\n");
        var script = $"trap 'kill $(cat {_dir}/nginx.pid {_dir}/exporter.pid 2>/dev/null) 2>/dev/null' EXIT; " + string.Join(" && ", new[]
        {
            "ip link set lo up",
            $"mount --bind {_dir}/hosts /etc/hosts",
            "mkdir -p /var/cache/nginx && mount -t tmpfs tmpfs /var/cache/nginx",
            $"{Nginx()} -p {_dir} -c {_dir}/nginx.conf -e stderr",
            "sleep 0.3",
        }.Concat(steps.Select(st => $"echo '== {st.Name}' && {st.Command} && echo")));
        var psi = new ProcessStartInfo("unshare", ["-m", "-n", "sh", "-c", script]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var errTask = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd().Replace("\r", "", StringComparison.Ordinal);
        p.WaitForExit();
        p.ExitCode.ShouldBe(0, errTask.Result + output);
        return output.Split("== ", StringSplitOptions.RemoveEmptyEntries).ToDictionary(x => x[..x.IndexOf('\n', StringComparison.Ordinal)], x => x);
    }

    private static void RequireServing()
    {
        RequireTools();
        Skip.If(!File.Exists("/usr/bin/curl") || !File.Exists("/usr/sbin/ip"), "curl and ip are needed");
    }

    /// <summary>Reverb's path is upgraded to a websocket (issue 16); every other path is a plain request that nginx closes.</summary>
    [SkippableFact]
    public void TheReverbPath_PassesTheWebsocketUpgrade_OtherPathsDoNot()
    {
        RequireServing();
        var conf = Repo.Render("canary").Find("ConfigMap", "ring-nginx-conf")!.Body["data"]!["default.conf"]!.ToString();
        conf.ShouldContain("proxy_read_timeout 3600s;", customMessage: "idle sockets are kept for the websockets' idle timeout");

        var parts = Serve(conf, "return 200 \"api:$request_uri upgrade=$http_upgrade connection=$http_connection\";",
            ("socket", $"{Curl} -H 'Upgrade: websocket' -H 'Connection: Upgrade' http://127.0.0.1:8080/app/reverb-key?protocol=7"),
            ("plain", $"{Curl} -H 'Upgrade: websocket' -H 'Connection: Upgrade' http://127.0.0.1:8080/api/orders"));

        parts["socket"].ShouldContain("upgrade=websocket connection=upgrade");
        parts["plain"].ShouldContain("upgrade= connection=close", customMessage: "outside the Reverb path nothing is upgraded");
    }

    /// <summary>
    /// The custom checks (issue 16) aggregated by nginx on port 8082: 200 only when every check answers 2xx; one failing
    /// check fails the whole path; the chain's links refuse anyone but the pod itself.
    /// </summary>
    [SkippableFact]
    public void TheCustomChecks_AreOneReadinessPath_ThatFailsWhenAnyCheckFails()
    {
        RequireServing();
        var api = "if ($request_uri = /health/queue) { return 503; } return 200 \"ok $request_uri\";";
        NginxConfig.Inputs Inputs(params CustomCheck[] checks) => new("canary", 300, "sha256:abc", "/metrics", WebsocketSettings.Default, checks);
        var good = NginxConfig.Render(Inputs(new CustomCheck("database-connectivity", "/health/db", 30, 5), new CustomCheck("search", "/health/search", 15, 3)));
        var bad = NginxConfig.Render(Inputs(new CustomCheck("database-connectivity", "/health/db", 30, 5), new CustomCheck("queue", "/health/queue", 15, 3), new CustomCheck("search", "/health/search", 15, 3)));
        Check(good).Code.ShouldBe(0, Check(good).Err);

        var ok = Serve(good, api, ("custom", $"{Curl} http://127.0.0.1:{NginxConfig.HealthPort}{NginxConfig.CustomHealthPath}"), ("chain-from-outside", $"{Curl} -H 'X-Real-IP: 1.2.3.4' http://127.0.0.1:8080/_ringinfra/chain/0"));
        ok["custom"].ShouldContain("HTTP/1.1 200");
        var logged = File.ReadAllText(Path.Combine(_dir, "access.log"));
        logged.ShouldContain("GET /health/db ");
        logged.ShouldContain("GET /health/search ");
        ok["chain-from-outside"].ShouldContain("ok /_ringinfra/chain/0", customMessage: "the public port has no chain: it is proxied like any path");

        var failing = Serve(bad, api, ("custom", $"{Curl} http://127.0.0.1:{NginxConfig.HealthPort}{NginxConfig.CustomHealthPath}"));
        failing["custom"].ShouldNotContain("HTTP/1.1 200");
        failing["custom"].ShouldContain("HTTP/1.1 500");
    }

    [SkippableFact]
    public void ABrokenConfig_FailsNginxT()
    {
        RequireTools();
        var conf = Repo.Render("canary").Find("ConfigMap", "ring-nginx-conf")!.Body["data"]!["default.conf"]!.ToString()
            .Replace("proxy_request_buffering off;", "proxy_request_buffering sometimes;", StringComparison.Ordinal);

        var (code, err) = Check(conf);

        code.ShouldNotBe(0);
        err.ShouldContain("proxy_request_buffering");
    }
}
