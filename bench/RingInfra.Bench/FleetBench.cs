using System.Globalization;
using RingInfra.Core.Fleet;
using RingInfra.Core.Policies;
using RingInfra.Core.Rendering;

namespace RingInfra.Bench;

/// <summary>Render + lint of a whole fleet in one process, against <c>kubectl kustomize</c> over the equivalent overlays.</summary>
public static class FleetBench
{
    public static void Run(string repositoryRoot, int rings, int tenants, int modules)
    {
        var dir = Directory.CreateTempSubdirectory($"bench-fleet-{rings}-").FullName;
        try
        {
            FleetGenerator.Write(dir, rings, tenants, modules, repositoryRoot);
            // Warm up the JIT on the same work once, then measure three runs and keep the median.
            RenderAndLint(dir);
            var runs = Enumerable.Range(0, 3).Select(_ => RenderAndLint(dir)).ToList();
            var load = Measure.Median(runs.Select(r => r.Load));
            var render = Measure.Median(runs.Select(r => r.Render));
            var lint = Measure.Median(runs.Select(r => r.Lint));
            var objects = runs[0].Objects;
            var rendered = RingRenderer.RenderAll(FleetLoader.Load(new DirectoryFiles(dir)));
            KustomizeTree.Write(dir, rendered);
            var kustomize = Measure.Ms(() =>
            {
                foreach (var ring in rendered)
                {
                    var r = Measure.Run("kubectl", ["kustomize", Path.Combine(dir, "k8s", "overlays", "rings", ring.Ring)]);
                    if (r.Code != 0)
                    {
                        throw new InvalidOperationException($"kubectl kustomize {ring.Ring}: {r.Err}");
                    }
                }
            });
            var ours = load + render + lint;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fleet rings={rings} tenants={tenants} modules={modules} objects={objects}: load {load:F0} ms, render {render:F0} ms, lint {lint:F0} ms, total {ours:F0} ms ({ours * 1000 / objects:F1} µs/object); kubectl kustomize over {rings} overlays {kustomize:F0} ms; ratio {kustomize / ours:F1}x"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (double Load, double Render, double Lint, int Objects) RenderAndLint(string dir)
    {
        RingFleet? fleet = null;
        IReadOnlyList<RenderedRing>? rendered = null;
        var load = Measure.Ms(() => fleet = FleetLoader.Load(new DirectoryFiles(dir)));
        var render = Measure.Ms(() => rendered = RingRenderer.RenderAll(fleet!));
        IReadOnlyList<Violation>? violations = null;
        var lint = Measure.Ms(() => violations = PolicySuite.Check(rendered!, fleet!));
        var bytes = 0L;
        var yaml = Measure.Ms(() => bytes = rendered!.Sum(r => RenderLayout.Files(r).Sum(f => (long)f.Value.Length)));
        Console.Error.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"  yaml {yaml:F0} ms ({bytes / 1024} KiB)"));
        if (violations!.Count > 0)
        {
            throw new InvalidOperationException("the synthetic fleet must lint clean: " + violations[0]);
        }

        return (load, render, lint, rendered!.Sum(r => r.Objects.Count));
    }
}
