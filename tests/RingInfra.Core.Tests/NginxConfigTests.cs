using System.Diagnostics;
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
        File.WriteAllText(Path.Combine(_dir, "default.conf"), conf);
        File.WriteAllText(Path.Combine(_dir, "api.conf"), "server {\n    listen 127.0.0.1:8000;\n    location / {\n        return 200 \"api:$request_uri\";\n    }\n}\n");
        File.WriteAllText(Path.Combine(_dir, "hosts"), "127.0.0.1 localhost\n127.0.0.1 api\n");
        File.WriteAllText(Path.Combine(_dir, "nginx.conf"), $"pid {_dir}/nginx.pid;\nerror_log stderr;\nevents {{}}\nhttp {{\n    access_log {_dir}/access.log;\n    include {_dir}/default.conf;\n    include {_dir}/api.conf;\n}}\n");
        var curl = "curl -s -i --max-time 5";
        // Whatever fails, the EXIT trap stops nginx (a daemon) and the exporter: they would hold the output pipe open.
        var script = $"trap 'kill $(cat {_dir}/nginx.pid {_dir}/exporter.pid 2>/dev/null) 2>/dev/null' EXIT; " + string.Join(" && ",
            "ip link set lo up",
            $"mount --bind {_dir}/hosts /etc/hosts",
            "mkdir -p /var/cache/nginx && mount -t tmpfs tmpfs /var/cache/nginx",
            $"{Nginx()} -p {_dir} -c {_dir}/nginx.conf -e stderr",
            "sleep 0.3",
            $"echo '== proxied' && {curl} http://127.0.0.1:8080/api/orders",
            $"echo '== metrics' && {curl} http://127.0.0.1:8080/metrics",
            $"echo '== stub' && {curl} http://127.0.0.1:8081/stub_status",
            $"echo '== public-stub' && ({curl} http://127.0.0.1:8080/stub_status || true)",
            $"({Exporter} {exporterArgs} >{_dir}/exporter.log 2>&1 & echo $! > {_dir}/exporter.pid)",
            $"for i in $(seq 50); do {curl} http://127.0.0.1:{ObservabilityObjects.ExporterPort}/metrics >/dev/null && break; sleep 0.1; done",
            $"echo '== exporter' && {curl} http://127.0.0.1:{ObservabilityObjects.ExporterPort}/metrics");
        var psi = new ProcessStartInfo("unshare", ["-m", "-n", "sh", "-c", script]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var errTask = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd().Replace("\r", "", StringComparison.Ordinal);
        p.WaitForExit();
        p.ExitCode.ShouldBe(0, errTask.Result + output);
        var parts = output.Split("== ", StringSplitOptions.RemoveEmptyEntries).ToDictionary(x => x[..x.IndexOf('\n', StringComparison.Ordinal)], x => x);

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
