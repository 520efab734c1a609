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
