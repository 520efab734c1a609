using System.Net;
using System.Net.Sockets;
using System.Text;
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

    private static async Task<(HttpListener Listener, string Url)> ServeAsync(int status, string body)
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                continue;
            }

            _ = Task.Run(async () =>
            {
                while (listener.IsListening)
                {
                    HttpListenerContext ctx;
                    try
                    {
                        ctx = await listener.GetContextAsync();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }

                    ctx.Response.StatusCode = ctx.Request.Url!.AbsolutePath == "/api/health" ? status : 404;
                    var bytes = Encoding.UTF8.GetBytes(body);
                    ctx.Response.ContentType = "application/json";
                    await ctx.Response.OutputStream.WriteAsync(bytes);
                    ctx.Response.Close();
                }
            });
            await Task.Yield();
            return (listener, $"http://127.0.0.1:{port}");
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    [Fact]
    public async Task HealthyRing_ReportingItsNameAndLockPath_Verifies_AndReleasesAHold()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        await h.Registry.SetHeldAsync("canary", "failed verification", default);
        var (listener, url) = await ServeAsync(200, """{"status":"ok","ring":{"name":"canary","lock_path":"modules/manifests/canary.lock.json"},"services":{"database":"up","redis":"up"}}""");
        using (listener)
        {
            var result = await h.RunAsync(new FakeStacks(h.Repo.Root), "verify", "canary", "--url", url);
            result.ExitCode.ShouldBe(ExitCodes.Ok, result.Err);
            result.Out.Trim().ShouldBe($"canary: {url}/api/health ok, ring canary, lock modules/manifests/canary.lock.json; hold released");
        }

        (await h.Registry.FindRingAsync("canary", default))!.Held.ShouldBeFalse();
    }

    [Fact]
    public async Task PodsThatFellBackToStable_FailVerification_NamingWhy()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var (listener, url) = await ServeAsync(200, """{"status":"ok","ring":{"name":"stable","lock_path":"modules/manifests/stable.lock.json"}}""");
        using (listener)
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
        var (listener, url) = await ServeAsync(503, "{}");
        using (listener)
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
        var (listener, url) = await ServeAsync(500, "{}");
        using (listener)
        {
            var result = await h.RunAsync(new FakeStacks(h.Repo.Root), "promote", "ai", "--version", "2.5.0", "--to", "edge", "--url", url, "--yes");
            result.ExitCode.ShouldBe(ExitCodes.Infrastructure);
            result.ErrLines.Last().ShouldContain("failed at verify");
            result.ErrLines.Last().ShouldContain("edge is held until `ringctl verify edge` passes");
        }

        h.Repo.Read("stacks/locks/edge.lock.json").ShouldBe(before);
        (await h.Registry.FindRingAsync("edge", default))!.Held.ShouldBeTrue();
        var gated = await h.RunAsync(new FakeStacks(h.Repo.Root), "promote", "ai", "--from", "edge", "--to", "stable", "--approved-by", "alice", "--dry-run");
        gated.ExitCode.ShouldBe(ExitCodes.GateRefused);
        gated.Err.ShouldContain("health: edge is held after a failed verification; fix it and run ringctl verify edge");
    }
}
