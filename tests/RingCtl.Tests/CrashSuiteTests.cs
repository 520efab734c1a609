using System.Text.Json.Nodes;
using RingCtl.Operations;
using RingCtl.Registry;
using RingCtl.Tests.Support;
using RingInfra.Core.Locks;

namespace RingCtl.Tests;

/// <summary>
/// The crash suite: ringctl killed abruptly (<c>RINGCTL_CRASH_AT</c>) at every named step of tenant assign,
/// promote, rollback, ring add, secrets sync, secrets rotate and tenant waves (then --resume); then <c>reconcile --apply</c> must converge the registry,
/// the lock files, the stacks' config and the operations log, and the rings must take new operations.
/// </summary>
[Collection("postgres")]
public sealed class CrashSuiteTests
{
    private readonly PostgresFixture _pg;

    public CrashSuiteTests(PostgresFixture pg)
    {
        _pg = pg;
    }

    public static TheoryData<string> Steps() => [.. CrashSteps.All];

    [Fact]
    public void EveryCrashPointInTheCode_IsAListedStep_AndEveryListedStepIsReached()
    {
        var root = Path.Combine(RingInfra.Core.Tests.Support.Repo.Root, "tools", "RingCtl", "Operations");
        var code = string.Concat(Directory.GetFiles(root, "*.cs").Where(f => !f.EndsWith("CrashSteps.cs", StringComparison.Ordinal)).Select(File.ReadAllText));
        foreach (var constant in typeof(CrashSteps).GetFields().Where(f => f.IsLiteral).Select(f => f.Name))
        {
            code.ShouldContain($"CrashSteps.{constant}", customMessage: $"{constant} is listed but no CrashPoint reaches it");
        }

        foreach (var step in CrashSteps.PromotionSteps)
        {
            code.ShouldContain($"CrashSteps.Promotion(plan.Request.IsRollback, \"{step}\")");
        }

        System.Text.RegularExpressions.Regex.Matches(code, "CrashPoint\\(\"").Count.ShouldBe(0, "crash points name their step through CrashSteps");
        CrashSteps.All.Count.ShouldBe(46);
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task KilledAtStep_ReconcileApply_Converges(string step)
    {
        // The cluster and region steps run on edge with three clusters in two regions (widgets homed in eu, bar in us).
        await using var h = await OpsHarness.CreateAsync(_pg, step.Split('.')[0] is "cluster" or "region" ? r => r.AddClusters() : null);
        // A wave run checks canary's health between its waves.
        using var canaryHealth = new LoopbackHttp((_, _) => (200, LoopbackHttp.HealthDocument("canary")));
        var env = new Dictionary<string, string>
        {
            ["RINGCTL_DATABASE_URL"] = h.ConnectionString,
            ["RINGCTL_STACK_RUNNER"] = "simulate",
            ["RINGCTL_ACTOR"] = "crash-suite",
        };
        var command = step.Split('.')[0] switch
        {
            "move" => new[] { "tenant", "assign", "acme", "canary", "--yes" },
            "waves" => ["tenant", "move", "--to", "canary", "--tenants", "acme,foo", "--wave-size", "1", "--url", canaryHealth.Url, "--yes"],
            "promote" or "cluster" => ["promote", "ai", "--version", "2.5.0", "--to", "edge", "--yes"],
            "region" => ["tenant", "assign", "widgets", "--region", "us", "--yes"],
            "rollback" => ["rollback", "ai", "--ring", "edge", "--yes"],
            "ring-add" => ["ring", "add", "qa", "--order", "30", "--segment", "qa", "--yes"],
            "ring-retire" => ["ring", "retire", "qa", "--yes"],
            "set-default" => ["ring", "set-default", "edge", "--yes"],
            "tenant-add" => ["tenant", "add", "newco", "--yes"],
            "tenant-remove" => ["tenant", "remove", "widgets", "--reason", "offboarded", "--yes"],
            "rotate" => ["secrets", "rotate", "REDIS_PASSWORD", "--reason", "quarterly", "--yes"],
            _ => ["secrets", "sync", "--yes"],
        };
        if (step.StartsWith("rollback", StringComparison.Ordinal))
        {
            RingCtlProcess.Run(h.Repo.Root, env, "promote", "ai", "--version", "2.5.0", "--to", "edge", "--yes").Code.ShouldBe(0);
        }

        if (step.StartsWith("ring-retire", StringComparison.Ordinal))
        {
            var added = RingCtlProcess.Run(h.Repo.Root, env, "ring", "add", "qa", "--order", "30", "--segment", "qa", "--yes");
            added.Code.ShouldBe(0, added.Err);
        }

        var crashed = RingCtlProcess.Run(h.Repo.Root, new Dictionary<string, string>(env) { ["RINGCTL_CRASH_AT"] = step }, command);
        crashed.Code.ShouldBe(86, $"ringctl must die at {step}: {crashed.Err}");

        var reconciled = RingCtlProcess.Run(h.Repo.Root, env, "reconcile", "--apply", "--json");
        reconciled.Code.ShouldBe(0, reconciled.Err + reconciled.Out);

        (await h.Log.PendingAsync(null, default)).ShouldBeEmpty($"after {step}: {reconciled.Out}");
        if (step.StartsWith("rotate.", StringComparison.Ordinal) && step != CrashSteps.RotateClosed)
        {
            // The replacement happened (or happens again) before the rings take the new revision.
            var calls = await File.ReadAllLinesAsync(Path.Combine(h.Repo.Root, ".ringctl", "simulated-stacks", "calls.log"));
            calls.ShouldContain(c => c.StartsWith("replace shared urn:pulumi:shared::ring-infra-shared::", StringComparison.Ordinal) && c.EndsWith("::app-secrets-redis-password", StringComparison.Ordinal));
        }

        await AssertConvergedAsync(h, step);
        if (step.StartsWith("waves.", StringComparison.Ordinal))
        {
            // Reconcile finished the wave under way and stopped; --resume runs what is left (nothing after the last wave).
            var run = (await h.Log.FindAsync(1, default))!;
            run.Status.ShouldBe(step == CrashSteps.WavesClosed ? "succeeded" : "abandoned", $"the run after {step}: {reconciled.Out}");
            var resumed = RingCtlProcess.Run(h.Repo.Root, env, "tenant", "move", "--resume", "1", "--url", canaryHealth.Url, "--yes");
            resumed.Code.ShouldBe(0, $"resume after {step}: {resumed.Err}");
            (await h.Registry.TenantsAsync("canary", default)).Select(t => t.Tenant).ShouldBe(["acme", "foo", "test-canary"], $"after {step} and --resume");
            await AssertConvergedAsync(h, step + " then --resume");
        }

        foreach (var ring in (await h.Registry.ListRingsAsync(default)).Where(r => r.IsActive).Select(r => r.Name))
        {
            var next = RingCtlProcess.Run(h.Repo.Root, env, "up", ring, "--yes");
            next.Code.ShouldBe(0, $"{ring} after {step}: {next.Err}");
        }
    }

    private static async Task AssertConvergedAsync(OpsHarness h, string step)
    {
        var state = Path.Combine(h.Repo.Root, ".ringctl", "simulated-stacks");
        foreach (var ring in (await h.Registry.ListRingsAsync(default)).Where(r => r.IsActive))
        {
            var file = Path.Combine(state, $"ring-{ring.Name}.json");
            var registryTenants = (await h.Registry.TenantsAsync(ring.Name, default)).Select(t => t.Tenant).ToList();
            if (File.Exists(file) && JsonNode.Parse(await File.ReadAllTextAsync(file))!["deployed"] is JsonObject deployed)
            {
                deployed["tenants"]!.AsArray().Select(t => t!.ToString()).ShouldBe(registryTenants, $"{ring.Name} tenants after {step}");
                var lockPath = Path.Combine(h.Repo.Root, "stacks", "locks", $"{ring.Name}.lock.json");
                deployed["lockHash"]!.ToString().ShouldBe(ModuleLockParser.Parse(await File.ReadAllTextAsync(lockPath), ring.Name, lockPath).Hash, $"{ring.Name} lock after {step}");
            }

            var lockFile = Path.Combine(h.Repo.Root, "stacks", "locks", $"{ring.Name}.lock.json");
            File.Exists(lockFile).ShouldBeTrue($"{ring.Name} is registered, so its lock exists (after {step})");
            File.Exists(Path.Combine(h.Repo.Root, $"Pulumi.{ring.Name}.yaml")).ShouldBeTrue();
            var ai = ModuleLockParser.Parse(await File.ReadAllTextAsync(lockFile), ring.Name, lockFile).Find("ai");
            if (ai is not null && ring.Name == "edge")
            {
                (await h.Registry.LandingAsync("edge", "ai", default))!.Value.Version.ShouldBe(ai.Version.ToString(), $"edge's landing follows its lock after {step}");
            }
        }

        if (!File.Exists(Path.Combine(h.Repo.Root, "Pulumi.qa.yaml")))
        {
            (await h.Registry.FindRingAsync("qa", default) is null or { IsActive: false }).ShouldBeTrue($"no qa files, no active qa ring (after {step})");
            File.Exists(Path.Combine(h.Repo.Root, "stacks", "locks", "qa.lock.json")).ShouldBeFalse();
        }

        // The registry is the truth: every stack file says what it holds, and one default ring.
        var files = h.Repo.Load();
        foreach (var ring in (await h.Registry.ListRingsAsync(default)).Where(r => r.IsActive))
        {
            var held = (await h.Registry.TenantsAsync(ring.Name, default)).Select(t => t.Tenant).Order(StringComparer.Ordinal).ToList();
            files.Find(ring.Name)!.Config.Tenants.Order(StringComparer.Ordinal).ToList().ShouldBe(held, $"{ring.Name}'s stack file after {step}");
            files.Find(ring.Name)!.Config.IsDefault.ShouldBe(ring.IsDefault, $"{ring.Name}'s default flag after {step}");
            var homes = (await h.Registry.AssignmentAsync(ring.Name, default))!.Regions;
            files.Find(ring.Name)!.Config.TenantRegions.ShouldBe(homes, $"{ring.Name}'s tenantRegions after {step}");
        }

        if (await h.Registry.RingOfTenantAsync("newco", default) is not null)
        {
            h.Repo.Read("stacks/shared/Pulumi.shared.yaml").ShouldContain("    - newco\n", customMessage: $"the shared stack lists newco after {step}");
        }

        foreach (var op in await h.Log.HistoryAsync(null, null, null, 100, default))
        {
            op.Status.ShouldBeOneOf(["succeeded", "failed", "abandoned"]);
        }
    }
}
