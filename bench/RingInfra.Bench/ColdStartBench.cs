using System.Diagnostics;
using System.Globalization;
using RingCtl.Registry;

namespace RingInfra.Bench;

/// <summary>Cold start: <c>ringctl --help</c> and <c>ringctl ring list</c> (framework-dependent and ReadyToRun) against <c>kubectl version --client</c>.</summary>
public static class ColdStartBench
{
    public static void Run(string repositoryRoot, int runs)
    {
        var dir = Path.Combine(Path.GetTempPath(), "bench-coldstart-" + Guid.NewGuid().ToString("N")[..8]); // world-traversable: the server runs as postgres
        Directory.CreateDirectory(dir);
        var server = new LocalPostgres(Path.Combine(dir, "pg"));
        try
        {
            var cs = server.EnsureStartedAsync("ringinfra", CancellationToken.None).GetAwaiter().GetResult();
            var env = new Dictionary<string, string> { ["RINGCTL_DATABASE_URL"] = cs, ["RINGCTL_ROOT"] = repositoryRoot };
            var project = Path.Combine(repositoryRoot, "tools", "RingCtl", "RingCtl.csproj");
            var plain = Path.Combine(dir, "plain");
            var r2r = Path.Combine(dir, "r2r");
            Publish(project, plain, readyToRun: false);
            Publish(project, r2r, readyToRun: true);
            Measure.Run("dotnet", [Path.Combine(plain, "ringctl.dll"), "db", "migrate"], repositoryRoot, env);
            Measure.Run("dotnet", [Path.Combine(plain, "ringctl.dll"), "ring", "list"], repositoryRoot, env);
            var results = new (string Name, string File, string[] Args)[]
            {
                ("ringctl --help", "dotnet", [Path.Combine(plain, "ringctl.dll"), "--help"]),
                ("ringctl --help (ReadyToRun)", "dotnet", [Path.Combine(r2r, "ringctl.dll"), "--help"]),
                ("ringctl ring list", "dotnet", [Path.Combine(plain, "ringctl.dll"), "ring", "list"]),
                ("ringctl ring list (ReadyToRun)", "dotnet", [Path.Combine(r2r, "ringctl.dll"), "ring", "list"]),
                ("kubectl version --client", "kubectl", ["version", "--client"]),
            }.Select(c => (c.Name, Median: Measure.Median(Enumerable.Range(0, runs).Select(_ => Time(c.File, c.Args, repositoryRoot, env))))).ToList();
            foreach (var (name, median) in results)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"coldstart {name}: median {median:F0} ms over {runs} runs"));
            }
        }
        finally
        {
            server.Stop();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static double Time(string file, string[] args, string cwd, IDictionary<string, string> env)
    {
        var sw = Stopwatch.StartNew();
        var r = Measure.Run(file, args, cwd, env);
        var ms = sw.Elapsed.TotalMilliseconds;
        return r.Code == 0 ? ms : throw new InvalidOperationException($"{file} {string.Join(' ', args)}: exit {r.Code}: {r.Err}");
    }

    private static void Publish(string project, string output, bool readyToRun)
    {
        var r = Measure.Run("dotnet", ["publish", project, "-c", "Release", "-o", output, "-p:RingCtlWithPulumi=false", $"-p:PublishReadyToRun={(readyToRun ? "true" : "false")}", "-r", "linux-x64", "--self-contained", "false", "-nologo", "-v:q"]);
        if (r.Code != 0)
        {
            throw new InvalidOperationException($"publish failed: {r.Out}{r.Err}");
        }
    }
}
