using RingInfra.Core.Config;
using RingInfra.Core.Fleet;
using RingInfra.Core.Kube;
using RingInfra.Core.Rendering;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Core.Tests;

/// <summary>
/// Rings are loaded and rendered on every core (issue 18): the fleet, its objects and its YAML must be exactly what a
/// one-by-one run gives, and problems and failures must come in the same order.
/// </summary>
public sealed class ParallelFleetTests : IDisposable
{
    private readonly TempRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void RenderingAFleetOnEveryCore_GivesTheBytesOfRenderingItRingByRing()
    {
        _repo.AddStagingRings(9);
        var fleet = _repo.Load();
        fleet.Rings.Count.ShouldBe(12);
        fleet.Rings.Count.ShouldBeGreaterThanOrEqualTo(Parallelism.Threshold);

        var parallel = RingRenderer.RenderAll(fleet);
        var sequential = fleet.Rings.Select(r => RingRenderer.Render(r, fleet.Shared)).ToList();

        parallel.Select(r => r.Ring).ShouldBe(fleet.Rings.Select(r => r.Name));
        parallel.Select(RingRenderer.ToYaml).ShouldBe(sequential.Select(RingRenderer.ToYaml));
        parallel.Select(r => string.Concat(RenderLayout.Files(r).Select(f => f.Key + "\n" + f.Value)))
            .ShouldBe(sequential.Select(r => string.Concat(RenderLayout.Files(r).Select(f => f.Key + "\n" + f.Value))));
    }

    [Fact]
    public void LoadingRingFilesOnEveryCore_ReportsEveryProblem_InFileOrder_AsOneByOneWould()
    {
        _repo.AddStagingRings(6);
        // Two broken rings, far apart in file order: both reported, ring-b's before ring-e's, each once.
        _repo.Replace("Pulumi.ring-b.yaml", "tier: staging", "tier: stagin");
        _repo.Replace("Pulumi.ring-e.yaml", "tier: staging", "tier: production-ish");

        var e = Should.Throw<RingConfigException>(() => _repo.Load());

        var messages = e.Problems.Select(p => p.Message).ToList();
        var b = messages.FindIndex(m => m.Contains("ring 'ring-b'", StringComparison.Ordinal) && m.Contains("stagin", StringComparison.Ordinal));
        var eIndex = messages.FindIndex(m => m.Contains("ring 'ring-e'", StringComparison.Ordinal) && m.Contains("production-ish", StringComparison.Ordinal));
        b.ShouldBeGreaterThanOrEqualTo(0, string.Join("\n", messages));
        eIndex.ShouldBeGreaterThan(b, string.Join("\n", messages));
        messages.Count(m => m.Contains("ring 'ring-b'", StringComparison.Ordinal)).ShouldBe(1);
    }

    [Fact]
    public void Map_KeepsTheInputOrder_AndThrowsTheFirstFailureByPosition_NotAnAggregate()
    {
        var items = Enumerable.Range(0, 64).ToList();
        Parallelism.Map(items, i => i * i).ShouldBe(items.Select(i => i * i));

        var thrown = Should.Throw<InvalidOperationException>(() => Parallelism.Map(items, i =>
        {
            if (i is 7 or 50)
            {
                // The later item fails first in time: the earlier one's failure must still be the one thrown.
                Thread.Sleep(i == 7 ? 200 : 0);
                throw new InvalidOperationException($"item {i}");
            }

            return i;
        }));
        thrown.Message.ShouldBe("item 7");
    }

    [Fact]
    public void TheYamlWriter_PutsAMapInAListOnTheDashLine_AtEveryDepth()
    {
        var node = Yaml.ParseDocument("""
            rules:
              - host: a.example.com
                http:
                  paths:
                    - path: /
                      backend: {service: {name: nginx, port: {number: 80}}}
                    - path: /ws
              - - x: 1
                  z: [1, 2]
                - []
            """, "t");

        Yaml.Write(node).ShouldBe("""
            rules:
            - host: a.example.com
              http:
                paths:
                - path: /
                  backend:
                    service:
                      name: nginx
                      port:
                        number: 80
                - path: /ws
            -
              - x: 1
                z:
                - 1
                - 2
              - []

            """.Replace("\r", "", StringComparison.Ordinal));
        Yaml.ParseDocument(Yaml.Write(node), "again")!.ToJsonString().ShouldBe(node!.ToJsonString());
    }
}
