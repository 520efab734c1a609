using RingCtl.Cli;
using RingCtl.Tests.Support;

namespace RingCtl.Tests;

/// <summary><c>verify</c> against a real HTTP server on loopback answering /api/health.</summary>
[Collection("postgres")]
public sealed class VerifyTests
{
    private readonly PostgresFixture _pg;

    public VerifyTests(PostgresFixture pg)
    {
        _pg = pg;
    }

    [Fact]
    public async Task HealthyRing_ReportingItsNameAndLockPath_Verifies_AndReleasesAHold()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        await h.Registry.SetHeldAsync("canary", "failed verification", default);
        using var health = LoopbackHttp.Health(200, """{"status":"ok","ring":{"name":"canary","lock_path":"modules/manifests/canary.lock.json"},"services":{"database":"up","redis":"up"}}""");
        var url = health.Url;
        {
            var dry = await h.RunAsync(new FakeStacks(h.Repo.Root), "verify", "canary", "--url", url, "--dry-run");
            dry.Out.Trim().ShouldEndWith("; still held (--dry-run)");
            (await h.Registry.FindRingAsync("canary", default))!.Held.ShouldBeTrue();
            var result = await h.RunAsync(new FakeStacks(h.Repo.Root), "verify", "canary", "--url", url);
            result.ExitCode.ShouldBe(ExitCodes.Ok, result.Err);
            result.Out.Trim().ShouldBe($"canary: {url}/api/health ok, ring canary, lock modules/manifests/canary.lock.json; hold released");
        }

        (await h.Registry.FindRingAsync("canary", default))!.Held.ShouldBeFalse();
        // The release is logged: a closed row saying who released it and why the ring was held.
        var release = (await h.Log.HistoryAsync("canary", null, null, 10, default)).ShouldHaveSingleItem();
        (release.Kind, release.Status, release.Actor).ShouldBe(("hold-release", "succeeded", "tester"));
        release.Reason.ShouldBe($"verify passed: {url}/api/health ok, ring canary, lock modules/manifests/canary.lock.json; it was held: failed verification");
        release.FinishedAt.ShouldNotBeNull();
    }

    [Fact]
    public async Task TheRingsCustomChecks_AreCalledToo_AndAFailingOneFailsVerification()
    {
        await using var h = await OpsHarness.CreateAsync(_pg, repo => repo.Replace("Pulumi.canary.yaml", "  ring-infra:bakeTime: 24h\n",
            "  ring-infra:bakeTime: 24h\n  ring-infra:health:\n    custom:\n      - name: database-connectivity\n        path: /health/db\n      - name: search\n        path: /health/search\n"));
        var healthy = """{"status":"ok","ring":{"name":"canary","lock_path":"modules/manifests/canary.lock.json"}}""";
        var searchDown = false;
        var asked = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var server = new LoopbackHttp((request, _) =>
        {
            asked.Enqueue(request.Url!.AbsolutePath);
            return request.Url!.AbsolutePath switch
            {
                "/api/health" => (200, healthy),
                "/health/db" => (200, "{}"),
                "/health/search" => (searchDown ? 503 : 200, "{}"),
                _ => (404, "{}"),
            };
        });

        var ok = await h.RunAsync(new FakeStacks(h.Repo.Root), "verify", "canary", "--url", server.Url);
        ok.ExitCode.ShouldBe(ExitCodes.Ok, ok.Err);
        ok.Out.ShouldContain("custom checks ok: database-connectivity, search");
        asked.ShouldBe(["/api/health", "/health/db", "/health/search"]);

        searchDown = true;
        var failed = await h.RunAsync(new FakeStacks(h.Repo.Root), "verify", "canary", "--url", server.Url);
        failed.ExitCode.ShouldBe(ExitCodes.Infrastructure);
        failed.ErrLines.ShouldBe([$"ringctl: verify canary: custom check(s) failed: search: {server.Url}/health/search answered 503 Service Unavailable"]);
    }

    [Fact]
    public async Task PodsThatFellBackToStable_FailVerification_NamingWhy()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        using var health = LoopbackHttp.Health(200, """{"status":"ok","ring":{"name":"stable","lock_path":"modules/manifests/stable.lock.json"}}""");
        var url = health.Url;
        {
            var result = await h.RunAsync(new FakeStacks(h.Repo.Root), "verify", "canary", "--url", url);
            result.ExitCode.ShouldBe(ExitCodes.Infrastructure);
            result.ErrLines.ShouldBe([$"ringctl: verify canary: {url}/api/health: ring.name is 'stable', expected 'canary' (the pods did not get RING_NAME, or the ingress routes elsewhere); ring.lock_path is 'modules/manifests/stable.lock.json', expected 'modules/manifests/canary.lock.json'"]);
        }
    }

    [Fact]
    public async Task UnhealthyAnswer_FailsVerification()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        using var health = LoopbackHttp.Health(503, "{}");
        var url = health.Url;
                {
            var result = await h.RunAsync(new FakeStacks(h.Repo.Root), "verify", "edge", "--url", url);
            result.ExitCode.ShouldBe(ExitCodes.Infrastructure);
            result.ErrLines.ShouldBe([$"ringctl: verify edge: {url}/api/health answered 503 Service Unavailable"]);
        }
    }

    [Fact]
    public async Task PromoteWithUrl_HoldsTheRing_WhenHealthFailsAfterTheUpdate()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var before = h.Repo.Read("stacks/locks/edge.lock.json");
        using var health = LoopbackHttp.Health(500, "{}");
        var url = health.Url;
                {
            var result = await h.RunAsync(new FakeStacks(h.Repo.Root), "promote", "ai", "--version", "2.5.0", "--to", "edge", "--url", url, "--yes");
            result.ExitCode.ShouldBe(ExitCodes.Infrastructure);
            result.ErrLines.Last().ShouldContain("failed at verify");
            result.ErrLines.Last().ShouldContain("edge is held until `ringctl verify edge` passes");
        }

        h.Repo.Read("stacks/locks/edge.lock.json").ShouldBe(before);
        (await h.Registry.FindRingAsync("edge", default))!.Held.ShouldBeTrue();
        var gated = await h.RunAsync(new FakeStacks(h.Repo.Root), "promote", "ai", "--from", "edge", "--to", "stable", "--approved-by", "release-manager", "--dry-run");
        gated.ExitCode.ShouldBe(ExitCodes.GateRefused);
        gated.Err.ShouldContain("health: edge is held after a failed verification; fix it and run ringctl verify edge");
    }
}
