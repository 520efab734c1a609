using RingInfra.Core.Diff;
using RingInfra.Core.Policies;
using RingInfra.Core.Rendering;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Core.Tests;

/// <summary>The render cache status decides on: only the ring a change touches is rendered again, and a cached render is the render.</summary>
public sealed class RenderCacheTests
{
    [Fact]
    public void AfterAPromotion_OnlyTheTargetIsRenderedAgain_AndEveryRenderIsByteForByteTheUncachedOne()
    {
        var fleet = Repo.LoadFleet();
        var cache = new RenderCache();
        var before = cache.RenderAll(fleet);
        var after = FleetChanges.Promote(fleet, "edge", fleet.Find("canary")!.Lock.Find("ai")!);

        var cached = cache.RenderAll(after);

        cached.Single(r => r.Ring == "stable").ShouldBeSameAs(before.Single(r => r.Ring == "stable"));
        cached.Single(r => r.Ring == "canary").ShouldBeSameAs(before.Single(r => r.Ring == "canary"));
        cached.Single(r => r.Ring == "edge").ShouldNotBeSameAs(before.Single(r => r.Ring == "edge"));
        cached.Select(RingRenderer.ToYaml).ShouldBe(RingRenderer.RenderAll(after).Select(RingRenderer.ToYaml));
        string Judged(IReadOnlyDictionary<string, IReadOnlyList<string>> v) => string.Join("; ", v.Select(kv => $"{kv.Key}: {string.Join(", ", kv.Value)}"));
        Judged(PolicySuite.ByRing(after, ["edge", "stable"], cache)).ShouldBe(Judged(PolicySuite.ByRing(after, ["edge", "stable"])));
    }

    [Fact]
    public void OtherSharedFacts_ReuseNoRender()
    {
        var fleet = Repo.LoadFleet();
        var cache = new RenderCache();
        var before = cache.RenderAll(fleet);
        var rotated = fleet with { Shared = fleet.Shared with { SecretsRevision = "rev-rotated" } };

        var again = cache.RenderAll(rotated);

        again.Zip(before).ShouldAllBe(p => !ReferenceEquals(p.First, p.Second));
        again.Select(RingRenderer.ToYaml).ShouldBe(RingRenderer.RenderAll(rotated).Select(RingRenderer.ToYaml));
    }

    [Fact]
    public void TheFleetWideRules_JudgedOncePerSignature_FindWhatTheyFindUncached_AndSeeAChangedIngress()
    {
        static string Judged(IReadOnlyDictionary<string, IReadOnlyList<string>> v) => string.Join("; ", v.Select(kv => $"{kv.Key}: {string.Join(", ", kv.Value)}"));
        var fleet = Repo.LoadFleet();
        var cache = new RenderCache();
        Judged(PolicySuite.ByRing(fleet, ["stable", "edge", "canary"], cache)).ShouldBe(Judged(PolicySuite.ByRing(fleet, ["stable", "edge", "canary"])));

        // widgets pinned to edge and to canary too: one host served by two rings (the fleet-wide hostname rule).
        var twice = fleet with { Rings = [.. fleet.Rings.Select(r => r.Name == "canary" ? r with { Config = r.Config with { Tenants = [.. r.Config.Tenants, "widgets"] } } : r)] };
        var cached = Judged(PolicySuite.ByRing(twice, ["stable", "edge", "canary"], cache));

        cached.ShouldBe(Judged(PolicySuite.ByRing(twice, ["stable", "edge", "canary"])));
        cached.ShouldContain("hostname-uniqueness");
        Judged(PolicySuite.ByRing(fleet, ["canary"], cache)).ShouldNotContain("hostname-uniqueness", customMessage: "the first fleet's findings are kept apart from the second's");
    }
}
