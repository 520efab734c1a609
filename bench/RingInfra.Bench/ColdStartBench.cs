using System.Globalization;
using RingCtl.Registry;

namespace RingInfra.Bench;

/// <summary>
/// Cold start of three builds of ringctl (framework-dependent JIT, framework-dependent ReadyToRun, self-contained composite
/// ReadyToRun), run directly against a configured registry, against <c>kubectl version --client</c>.
/// </summary>
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
            // Three builds of the same sources, each with its own intermediate folder (a composite and a plain
            // ReadyToRun build must never share obj/: the second would link the first's native code).
            var plain = Path.Combine(dir, "plain");
            var r2r = Path.Combine(dir, "r2r");
            var composite = Path.Combine(dir, "composite");
            Publish(project, plain, "--self-contained", "false", "-p:PublishReadyToRun=false");
            Publish(project, r2r, "--self-contained", "false", "-p:PublishReadyToRun=true");
            Publish(project, composite, "--self-contained", "true", "-p:PublishReadyToRun=true", "-p:PublishReadyToRunComposite=true");
            Measure.Run("dotnet", [Path.Combine(plain, "ringctl.dll"), "db", "migrate"], repositoryRoot, env);
            Measure.Run("dotnet", [Path.Combine(plain, "ringctl.dll"), "ring", "list"], repositoryRoot, env);
            var results = new (string Name, string File, string[] Args)[]
            {
                ("ringctl --help (framework-dependent, JIT)", "dotnet", [Path.Combine(plain, "ringctl.dll"), "--help"]),
                ("ringctl --help (framework-dependent, ReadyToRun: the build before issue 18)", "dotnet", [Path.Combine(r2r, "ringctl.dll"), "--help"]),
                ("ringctl --help (self-contained composite ReadyToRun: what ./ringctl builds)", Path.Combine(composite, "ringctl"), ["--help"]),
                ("ringctl ring list (framework-dependent, JIT)", "dotnet", [Path.Combine(plain, "ringctl.dll"), "ring", "list"]),
                ("ringctl ring list (framework-dependent, ReadyToRun)", "dotnet", [Path.Combine(r2r, "ringctl.dll"), "ring", "list"]),
                ("ringctl ring list (self-contained composite ReadyToRun)", Path.Combine(composite, "ringctl"), ["ring", "list"]),
                ("kubectl version --client", "kubectl", ["version", "--client"]),
            }.Select(c => (c.Name, Median: Measure.Median(Enumerable.Range(0, runs).Select(_ => Measure.WholeProcessMs(c.File, c.Args, repositoryRoot, env))))).ToList();
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

    private static void Publish(string project, string output, params string[] build)
    {
        var r = Measure.Run("dotnet", ["publish", project, "-c", "Release", "-o", output, "--artifacts-path", output + "-artifacts", "-p:RingCtlWithPulumi=false", "-r", "linux-x64", .. build, "-nologo", "-v:q"]);
        if (r.Code != 0)
        {
            throw new InvalidOperationException($"publish failed: {r.Out}{r.Err}");
        }
    }
}
