using RingInfra.Core.Config;
using RingInfra.Core.Locks;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Core.Tests;

public sealed class LockTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("stable")]
    [InlineData("edge")]
    [InlineData("canary")]
    public void ShippedLock_IsInCanonicalForm(string ring)
    {
        var text = File.ReadAllText(Path.Combine(Repo.Root, "stacks", "locks", $"{ring}.lock.json"));
        ModuleLockParser.Parse(text, ring, ring).CanonicalJson.ShouldBe(text);
    }

    [Fact]
    public void StableLock_Pins23Modules_IncludingThoseDoc000Names()
    {
        var stable = Repo.LoadFleet().Find("stable")!.Lock;
        stable.Modules.Count.ShouldBe(23);
        foreach (var alias in new[] { "orders", "shipping-india-post", "ai", "workflows", "wms", "reseller-core", "theme-classic" })
        {
            stable.Find(alias).ShouldNotBeNull(alias);
        }
    }

    [Fact]
    public void EdgeAndCanary_RunNewerVersionsOfSomeModules()
    {
        var fleet = Repo.LoadFleet();
        var stable = fleet.Find("stable")!.Lock;
        foreach (var ring in new[] { "edge", "canary" })
        {
            var newer = fleet.Find(ring)!.Lock.Modules.Where(m => m.Version > stable.Find(m.Alias)!.Version).ToList();
            newer.Count.ShouldBeInRange(1, 10, ring);
        }
    }

    [Fact]
    public void Hash_DependsOnContentNotOrder()
    {
        var a = new LockedModule("a", SemanticVersion.Parse("1.0.0"), "A-1.0.0.zip", Sha);
        var b = new LockedModule("b", SemanticVersion.Parse("2.0.0"), "B-2.0.0.zip", Sha);
        new ModuleLock("r", [a, b]).Hash.ShouldBe(new ModuleLock("r", [b, a]).Hash);
        new ModuleLock("r", [a, b]).Hash.ShouldNotBe(new ModuleLock("r", [a, b with { Version = SemanticVersion.Parse("2.0.1") }]).Hash);
    }

    [Fact]
    public void EveryProblem_IsReportedTogether()
    {
        var json = $$"""
            {
              "ring": "edge",
              "extra": 1,
              "modules": {
                "orders": { "version": "1.6", "artifact": "Orders-1.6.0.tar", "sha256": "XYZ" },
                "ai": { "version": "2.0.0", "artifact": "Ai-2.0.0.zip", "sha256": "{{Sha}}", "signed": true }
              }
            }
            """;
        var e = Should.Throw<RingConfigException>(() => ModuleLockParser.Parse(json, "canary", "stacks/locks/canary.lock.json"));
        e.Problems.Select(p => p.Message).ShouldBe(
        [
            "lock 'stacks/locks/canary.lock.json': extra is not a known key; allowed: modules, ring (got 1)",
            "lock 'stacks/locks/canary.lock.json': ring must be 'canary' (the ring the file belongs to) (got edge)",
            "lock 'stacks/locks/canary.lock.json': modules.orders.version must be a semantic version MAJOR.MINOR.PATCH such as 1.6.0 (got 1.6)",
            "lock 'stacks/locks/canary.lock.json': modules.orders.artifact must be a release archive name such as Orders-1.6.0.zip (got Orders-1.6.0.tar)",
            "lock 'stacks/locks/canary.lock.json': modules.orders.sha256 must be 64 lower-case hex digits (got XYZ)",
            "lock 'stacks/locks/canary.lock.json': modules.ai.signed is not a known key; allowed: artifact, sha256, version (got true)",
        ]);
    }

    [Theory]
    [InlineData("1.0.0", "1.0.1", -1)]
    [InlineData("1.10.0", "1.9.9", 1)]
    [InlineData("1.7.0-beta.1", "1.7.0", -1)]
    [InlineData("1.7.0-beta.2", "1.7.0-beta.11", -1)]
    [InlineData("1.7.0-alpha", "1.7.0-alpha.1", -1)]
    [InlineData("1.7.0+build.5", "1.7.0", 0)]
    public void SemanticVersions_OrderByPrecedence(string a, string b, int sign)
    {
        Math.Sign(SemanticVersion.Parse(a).CompareTo(SemanticVersion.Parse(b))).ShouldBe(sign);
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("01.0.0")]
    [InlineData("v1.0.0")]
    [InlineData("1.0.0-")]
    public void NotASemanticVersion_IsRefused(string text)
    {
        SemanticVersion.TryParse(text, out _).ShouldBeFalse();
    }
}
