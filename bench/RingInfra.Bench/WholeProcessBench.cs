using System.Globalization;
using RingCtl.Registry;
using RingInfra.Core.Fleet;
using RingInfra.Core.Rendering;

namespace RingInfra.Bench;

/// <summary>
/// What a user times: the real <c>./ringctl</c> as a whole process (wrapper, runtime start, everything), side by side
/// with the tool it replaces on the same inputs in the same run — <c>kubectl kustomize</c> over the equivalent overlays
/// for the fleet commands, <c>kubectl version --client</c> for the everyday ones. Runs alternate (ours, theirs, ours, …)
/// so the machine's noise hits both; each figure is a median.
/// </summary>
public static class WholeProcessBench
{
    /// <summary><c>render --all --out</c>, <c>lint --all</c> and <c>plan --all</c> on a generated fleet, against kustomize.</summary>
    public static void Fleet(string repositoryRoot, int rings, int tenants, int modules, int runs, int clusters = 0)
    {
        var dir = Directory.CreateTempSubdirectory($"bench-whole-{rings}-").FullName;
        try
        {
            FleetGenerator.Write(dir, rings, tenants, modules, repositoryRoot, clusters);
            var fleet = FleetLoader.Load(new DirectoryFiles(dir));
            var rendered = RingRenderer.RenderAll(fleet);
            KustomizeTree.Write(dir, rendered);
            var objects = rendered.Sum(r => r.Objects.Count);
            var wrapper = Path.Combine(repositoryRoot, "ringctl");
            var output = Path.Combine(dir, "out");
            var commands = new (string Name, string[] Args)[]
            {
                ("render --all --out", ["--root", dir, "render", "--all", "--out", output]),
                ("lint --all", ["--root", dir, "lint", "--all"]),
                ("plan --all", ["--root", dir, "plan", "--all"]),
            };
            foreach (var (_, args) in commands)
            {
                Measure.WholeProcessMs(wrapper, args); // warm-up: builds ./ringctl once if needed, fills the page cache
            }

            var ours = commands.ToDictionary(c => c.Name, _ => new List<double>());
            var kustomize = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                foreach (var (name, args) in commands)
                {
                    ours[name].Add(Measure.WholeProcessMs(wrapper, args));
                }

                // kustomize's run over 100 overlays is the long one: once per round is enough to pair with ours.
                kustomize.Add(Measure.Ms(() =>
                {
                    foreach (var ring in rendered)
                    {
                        var r = Measure.Run("kubectl", ["kustomize", KustomizeTree.OverlayOf(dir, ring)]);
                        if (r.Code != 0)
                        {
                            throw new InvalidOperationException($"kubectl kustomize {KustomizeTree.OverlayOf(dir, ring)}: {r.Err}");
                        }
                    }
                }));
            }

            var k = Measure.Median(kustomize);
            var inProcess = InProcess(dir);
            foreach (var (name, _) in commands)
            {
                var m = Measure.Median(ours[name]);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"whole rings={rings}{(clusters > 0 ? $" clusters={clusters}" : "")} tenants={tenants} modules={modules} objects={objects}: ./ringctl {name} median {m:F0} ms over {runs} runs (in-process {inProcess[name]:F0} ms); kubectl kustomize over {rendered.Count} overlays median {k:F0} ms; ratio {k / m:F1}x"));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The same work inside this (warm) process: load + render + write, load + render + lint, and plan's load + render + lint.</summary>
    private static Dictionary<string, double> InProcess(string dir)
    {
        double Run(bool write, bool lint)
        {
            return Measure.Median(Enumerable.Range(0, 3).Select(run => Measure.Ms(() =>
            {
                var fleet = FleetLoader.Load(new DirectoryFiles(dir));
                var rendered = RingRenderer.RenderAll(fleet);
                if (lint)
                {
                    _ = RingInfra.Core.Policies.PolicySuite.Check(rendered, fleet);
                }

                if (write)
                {
                    var outDir = Path.Combine(dir, "out-inprocess");
                    _ = Parallelism.Map(rendered, r =>
                    {
                        var folder = r.Cluster.IsUnnamed ? Path.Combine(outDir, r.Ring) : Path.Combine(outDir, r.Ring, r.Cluster.Name);
                        Directory.CreateDirectory(folder);
                        foreach (var (file, content) in RenderLayout.Files(r))
                        {
                            File.WriteAllText(Path.Combine(folder, file), content);
                        }

                        return folder;
                    });
                }
            })));
        }

        Run(write: true, lint: false); // warm-up
        Run(write: false, lint: true);
        var lintMs = Run(write: false, lint: true);
        return new Dictionary<string, double> { ["render --all --out"] = Run(write: true, lint: false), ["lint --all"] = lintMs, ["plan --all"] = lintMs };
    }

    /// <summary><c>--help</c>, <c>ring list</c> and <c>status</c> (the repository's fleet, its private registry) against <c>kubectl version --client</c>.</summary>
    public static void Everyday(string repositoryRoot, int runs)
    {
        var dir = Directory.CreateTempSubdirectory("bench-everyday-").FullName;
        // The private registry's server runs as the postgres user when ringctl runs as root: it must reach .ringctl/ inside.
        File.SetUnixFileMode(dir, (UnixFileMode)0x1ED); // 0755
        File.Copy(Path.Combine(repositoryRoot, "Pulumi.yaml"), Path.Combine(dir, "Pulumi.yaml"));
        foreach (var f in Directory.GetFiles(repositoryRoot, "Pulumi.*.yaml"))
        {
            File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        }

        CopyTree(Path.Combine(repositoryRoot, "stacks"), Path.Combine(dir, "stacks"));
        try
        {
            var wrapper = Path.Combine(repositoryRoot, "ringctl");
            var apphost = Path.Combine(repositoryRoot, "tools", "RingCtl", "bin", "ringctl", "ringctl");
            var env = new Dictionary<string, string> { ["RINGCTL_ROOT"] = dir };
            var commands = new (string Name, string File, string[] Args)[]
            {
                ("./ringctl --help", wrapper, ["--help"]),
                ("ringctl --help (the build itself, no wrapper)", apphost, ["--help"]),
                ("./ringctl ring list", wrapper, ["ring", "list"]),
                ("./ringctl status", wrapper, ["status"]),
            };
            foreach (var c in commands)
            {
                Measure.WholeProcessMs(c.File, c.Args, null, env); // warm-up: builds, starts and seeds the private registry
            }

            foreach (var (name, file, args) in commands)
            {
                var ours = new List<double>();
                var kubectl = new List<double>();
                for (var i = 0; i < runs; i++)
                {
                    ours.Add(Measure.WholeProcessMs(file, args, null, env));
                    kubectl.Add(Measure.WholeProcessMs("kubectl", ["version", "--client"]));
                }

                var (m, k) = (Measure.Median(ours), Measure.Median(kubectl));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"everyday {name}: median {m:F0} ms over {runs} runs; kubectl version --client median {k:F0} ms; ratio {m / k:F2}x"));
            }
        }
        finally
        {
            var server = Path.Combine(dir, ".ringctl", "postgres");
            if (Directory.Exists(Path.Combine(server, "data")))
            {
                new LocalPostgres(server).Stop();
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from))
        {
            File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        }

        foreach (var d in Directory.GetDirectories(from))
        {
            CopyTree(d, Path.Combine(to, Path.GetFileName(d)));
        }
    }
}
