using RingInfra.Core.Config;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Core.Tests;

public sealed class ConfigTests
{
    [Fact]
    public void Layers_BuiltInThenProjectThenRing()
    {
        var fleet = Repo.LoadFleet();
        var canary = fleet.Find("canary")!.Config;
        canary.Domain.ShouldBe("acme.io");                              // Pulumi.yaml
        canary.IngressClass.ShouldBe("nginx");                          // Pulumi.yaml
        canary.Active.ShouldBeTrue();                                   // built-in
        canary.BakeTime.ShouldBe(TimeSpan.FromHours(24));               // ring file
        canary.Workloads[WorkloadKind.Api].Replicas.ShouldBe(2);        // ring file override
        canary.Workloads[WorkloadKind.Horizon].Replicas.ShouldBe(1);    // dev tier default
        fleet.Find("edge")!.Config.BakeTime.ShouldBe(TimeSpan.FromDays(7));
    }

    [Fact]
    public void ShippedRings_AreAsTheIssueDescribes()
    {
        var fleet = Repo.LoadFleet();
        fleet.Rings.Select(r => (r.Name, r.Config.Namespace, r.Config.PromotionOrder, r.Config.Tier)).ShouldBe(
        [
            ("stable", "autocom", 0, Tier.Production),
            ("edge", "autocom-edge", 10, Tier.Staging),
            ("canary", "autocom-canary", 20, Tier.Dev),
        ]);
        fleet.Default.Name.ShouldBe("stable");
        fleet.Find("stable")!.Config.Protected.ShouldBeTrue();
        fleet.Find("stable")!.Config.Tenants.ShouldBe(["acme", "foo"]);
        fleet.Find("edge")!.Config.Tenants.ShouldBe(["bar", "widgets"]);
        fleet.Find("canary")!.Config.Tenants.ShouldBe(["test-canary"]);
        fleet.Rings.ShouldAllBe(r => r.Config.Connectors.Count == 1 && r.Config.Env.Count > 0 && r.Config.FeatureFlags.Count > 0);
    }

    [Fact]
    public void Validation_ReportsEveryProblemAtOnce()
    {
        using var repo = new TempRepo();
        repo.Replace("Pulumi.canary.yaml", "ring-infra:tier: dev", "ring-infra:tier: qa");
        repo.Replace("Pulumi.canary.yaml", "replicas: 2", "replicas: 0");
        repo.Replace("Pulumi.canary.yaml", "LOG_LEVEL: debug", "LOG_LEVEL: debug\n    DB_PASSWORD: hunter2");
        repo.Replace("Pulumi.edge.yaml", "ring-infra:promotionOrder: 10", "ring-infra:promotionOrder: 0");
        var e = Should.Throw<RingConfigException>(repo.Load);
        e.Problems.Select(p => p.Message).ShouldBe(
        [
            "ring 'canary': tier must be one of dev, staging, production (got qa)",
            "ring 'canary': env.DB_PASSWORD looks like a secret; secrets come from the shared stack's secret outputs, never from ring config (got (value hidden))",
            "ring 'canary': workloads.api.replicas must be >= 1 (got 0)",
            "ring 'stable': promotionOrder must be unique across rings (ring 'edge' uses it too) (got 0)",
        ], ignoreOrder: true);
        e.Message.ShouldNotContain("hunter2");
    }

    [Theory]
    [InlineData("24h", 24 * 60)]
    [InlineData("7d", 7 * 24 * 60)]
    [InlineData("30m", 30)]
    [InlineData("0", 0)]
    public void Durations_Parse(string text, int minutes)
    {
        RingConfigBinder.ParseDuration(text).ShouldBe(TimeSpan.FromMinutes(minutes));
        RingConfigBinder.ParseDuration(RingConfigBinder.FormatDuration(TimeSpan.FromMinutes(minutes))).ShouldBe(TimeSpan.FromMinutes(minutes));
    }

    [Theory]
    [InlineData("250m", 250)]
    [InlineData("0.5", 500)]
    [InlineData("2", 2000)]
    public void CpuQuantities_Parse(string text, int millis) => Quantity.ParseCpu(text).ShouldBe(millis);

    [Theory]
    [InlineData("512Mi", 512L * 1024 * 1024)]
    [InlineData("2Gi", 2L * 1024 * 1024 * 1024)]
    [InlineData("1G", 1_000_000_000L)]
    public void MemoryQuantities_Parse(string text, long bytes) => Quantity.ParseMemory(text).ShouldBe(bytes);

    [Theory]
    [InlineData("DB_PASSWORD")]
    [InlineData("APP_KEY")]
    [InlineData("REGISTRY_TOKEN")]
    [InlineData("STRIPE_SECRET")]
    [InlineData("stripeSecret")]
    [InlineData("passportPrivateKey")]
    public void SecretLookingNames_AreRecognised(string name) => Names.LooksSecret(name).ShouldBeTrue();

    [Theory]
    [InlineData("LOG_LEVEL")]
    [InlineData("KEYBOARD_LAYOUT")]
    [InlineData("DB_HOST")]
    [InlineData("keyboardLayout")]
    public void OrdinaryNames_AreNotSecret(string name) => Names.LooksSecret(name).ShouldBeFalse();
}
