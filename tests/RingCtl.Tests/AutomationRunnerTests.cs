using System.Diagnostics;
using RingCtl.Cli;
using RingCtl.Stacks;
using RingCtl.Tests.Support;
using RingInfra.Core.Config;

namespace RingCtl.Tests;

/// <summary>
/// ringctl as a whole process, with its real Automation API runner, against <see cref="FakePulumiCli"/>: what
/// ringctl itself does around the CLI — the stack files it writes, the salt it keeps out of them, the lock it
/// releases after a cancelled update, and where it finds an installed CLI. Skipped where ringctl was built
/// without the Pulumi packages.
/// </summary>
[Collection("postgres")]
public sealed class AutomationRunnerTests
{
    private readonly PostgresFixture _pg;

    public AutomationRunnerTests(PostgresFixture pg)
    {
        _pg = pg;
    }

    private static Dictionary<string, string?> Environment(OpsHarness h, string path, string? home = null) => new()
    {
        ["RINGCTL_ROOT"] = h.Repo.Root,
        ["RINGCTL_DATABASE_URL"] = h.ConnectionString,
        ["RINGCTL_ACTOR"] = "tester",
        ["RINGCTL_STACK_RUNNER"] = null,
        ["PULUMI_BACKEND_URL"] = null,
        ["PULUMI_CONFIG_PASSPHRASE"] = null,
        ["PULUMI_CONFIG_PASSPHRASE_FILE"] = null,
        ["PATH"] = path,
        ["HOME"] = home ?? System.Environment.GetEnvironmentVariable("HOME"),
    };

    private static string WithFake(FakePulumiCli cli) => cli.BinDirectory + Path.PathSeparator + System.Environment.GetEnvironmentVariable("PATH");

    private static ProcessRunner.Result Run(Dictionary<string, string?> env, string root, params string[] args) =>
        ProcessRunner.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "ringctl.dll"), .. args], root, env);

    [SkippableFact]
    public async Task ATenantMove_WritesTheStackFilesItself_TypedAndQuoted_AndLeavesNoSalt()
    {
        Skip.IfNot(StackRunners.BuiltWithPulumi, "ringctl was built without the Pulumi packages");
        await using var h = await OpsHarness.CreateAsync(_pg, repo => repo.Replace("Pulumi.canary.yaml", "    - test-canary\n", "    - test-canary\n    - \"007\"\n"));
        using var cli = new FakePulumiCli();
        cli.SetOutputs("shared", """{"secretsRevision":"rev-1"}""");
        cli.SetOutputs("canary", """{"tenants":["007","acme","test-canary"]}""");
        cli.SetOutputs("stable", """{"tenants":["foo"]}""");
        var stableBefore = h.Repo.Read("Pulumi.stable.yaml");

        var run = Run(Environment(h, WithFake(cli)), h.Repo.Root, "tenant", "assign", "acme", "canary", "--yes");

        run.Code.ShouldBe(0, run.Err);
        var canary = h.Repo.Read("Pulumi.canary.yaml");
        canary.ShouldContain("  ring-infra:tenants:\n    - \"007\"\n    - acme\n    - test-canary\n");
        canary.ShouldNotContain("encryptionsalt");
        h.Repo.Read("Pulumi.stable.yaml").ShouldBe(stableBefore.Replace("    - acme\n", "", StringComparison.Ordinal));
        h.Repo.Load().Find("canary")!.Config.Tenants.ShouldBe(["007", "acme", "test-canary"]);
        // The CLI really was asked to create both stacks (and wrote its salt, which ringctl removed).
        cli.Calls.ShouldContain(c => c.StartsWith("stack init", StringComparison.Ordinal) && c.Contains("canary", StringComparison.Ordinal));
        cli.Events.ShouldBe(["up-finished canary", "up-finished stable"]);
    }

    [SkippableFact]
    public async Task TheSimulatedRunner_WritesTheStackFilesByteForByte_AsTheAutomationRunner()
    {
        Skip.IfNot(StackRunners.BuiltWithPulumi, "ringctl was built without the Pulumi packages");
        static void Arrange(RingInfra.Core.Tests.Support.TempRepo repo) => repo.Replace("Pulumi.canary.yaml", "    - test-canary\n", "    - test-canary\n    - \"007\"\n");
        await using var real = await OpsHarness.CreateAsync(_pg, Arrange);
        await using var simulated = await OpsHarness.CreateAsync(_pg, Arrange);
        using var cli = new FakePulumiCli();
        cli.SetOutputs("shared", """{"secretsRevision":"rev-1"}""");
        cli.SetOutputs("canary", """{"tenants":["007","acme","test-canary"]}""");
        cli.SetOutputs("stable", """{"tenants":["foo"]}""");
        var simulate = Environment(simulated, System.Environment.GetEnvironmentVariable("PATH")!);
        simulate["RINGCTL_STACK_RUNNER"] = "simulate";

        var a = Run(Environment(real, WithFake(cli)), real.Repo.Root, "tenant", "assign", "acme", "canary", "--yes");
        var b = Run(simulate, simulated.Repo.Root, "tenant", "assign", "acme", "canary", "--yes");

        a.Code.ShouldBe(0, a.Err);
        b.Code.ShouldBe(0, b.Err);
        foreach (var file in new[] { "Pulumi.canary.yaml", "Pulumi.stable.yaml", "Pulumi.edge.yaml" })
        {
            File.ReadAllBytes(simulated.Repo.PathOf(file)).ShouldBe(File.ReadAllBytes(real.Repo.PathOf(file)), file);
        }

        real.Repo.Read("Pulumi.canary.yaml").ShouldNotBe(File.ReadAllText(Path.Combine(RingInfra.Core.Tests.Support.Repo.Root, "Pulumi.canary.yaml")), "both runners really wrote the file");
    }

    [SkippableFact]
    public async Task ACancelledUpdate_KillsTheCli_ThenReleasesTheFileBackendsLock_AndClosesTheOperation()
    {
        Skip.IfNot(StackRunners.BuiltWithPulumi, "ringctl was built without the Pulumi packages");
        // A background job of a non-interactive shell starts with SIGINT ignored, and every process under it inherits
        // that: ringctl then keeps ignoring it, as programs do under nohup (seen when `.ci/run` was started as `(… &)`).
        // Then ringctl is started through a python3 exec that restores SIGINT's default first, as a terminal would have it.
        var ignored = SigIntIgnored();
        Skip.If(ignored && !File.Exists("/usr/bin/python3"), "this test process was started with SIGINT ignored and there is no python3 to restore it for ringctl");
        await using var h = await OpsHarness.CreateAsync(_pg);
        using var cli = new FakePulumiCli();
        cli.SetOutputs("shared", """{"secretsRevision":"rev-1"}""");
        var canaryBefore = h.Repo.Read("Pulumi.canary.yaml");
        var env = Environment(h, WithFake(cli));
        env["FAKE_PULUMI_SLOW_UP"] = "1";

        string[] command = ["dotnet", Path.Combine(AppContext.BaseDirectory, "ringctl.dll"), "up", "canary", "--yes"];
        using var ringctl = ignored
            ? ProcessRunner.Start("/usr/bin/python3", ["-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])", .. command], h.Repo.Root, env)
            : ProcessRunner.Start(command[0], command[1..], h.Repo.Root, env);
        var stderr = ringctl.StandardError.ReadToEndAsync();
        var watch = Stopwatch.StartNew();
        while (!cli.Events.Contains("up-started canary") && watch.Elapsed < TimeSpan.FromSeconds(60) && !ringctl.HasExited)
        {
            await Task.Delay(100);
        }

        cli.Events.ShouldContain("up-started canary", (await ReadIfExited(ringctl, stderr)));
        using (var interrupt = Process.Start("kill", ["-INT", ringctl.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await interrupt.WaitForExitAsync();
        }

        var ended = await WaitAsync(ringctl, TimeSpan.FromSeconds(50));
        var err = await stderr;
        // A run that does not end is killed by WaitAsync: what it had said by then is the diagnosis (CI saw this once, under load).
        ended.ShouldBeTrue($"ringctl must end after Ctrl+C; fake CLI events [{string.Join(", ", cli.Events)}]; its stderr:\n{err}");
        ringctl.ExitCode.ShouldBe(ExitCodes.Infrastructure, err);
        err.ShouldContain("ringctl: cancelled");
        cli.Events.ShouldBe(["up-started canary", "cancel canary"], "the update was killed (never finished), then its lock released");
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(55), "the killed update did not run its 60 s course");
        h.Repo.Read("Pulumi.canary.yaml").ShouldBe(canaryBefore);
        var op = (await h.Log.HistoryAsync("canary", null, null, 10, default)).ShouldHaveSingleItem();
        (op.Kind, op.Status).ShouldBe(("up", "failed"));
        op.Error.ShouldBe("up cancelled at canary; updated: none");
        (await h.Log.PendingAsync(null, default)).ShouldBeEmpty();
    }

    [SkippableFact]
    public async Task TheCliInstalledUnderPulumiVersions_IsFound_WhenNoneIsOnPath()
    {
        Skip.IfNot(StackRunners.BuiltWithPulumi, "ringctl was built without the Pulumi packages");
        await using var h = await OpsHarness.CreateAsync(_pg);
        var home = Directory.CreateTempSubdirectory("ringctl-home").FullName;
        try
        {
            using var cli = new FakePulumiCli(Path.Combine(home, ".pulumi", "versions", StackRunners.PinnedPulumiVersion!));
            cli.SetOutputs("shared", """{"secretsRevision":"rev-1"}""");
            cli.SetOutputs("canary", $$"""{"lockHash":"{{h.Repo.Load().Find("canary")!.Lock.Hash}}"}""");
            var dotnetDir = Path.GetDirectoryName(Process.GetCurrentProcess().MainModule!.FileName)!;

            var run = Run(Environment(h, $"{dotnetDir}:/usr/bin:/bin", home), h.Repo.Root, "up", "canary", "--yes");

            run.Code.ShouldBe(0, run.Err);
            run.Out.Trim().ShouldBe("updated canary (operation #1)");
            cli.Events.ShouldBe(["up-finished canary"]);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [SkippableFact]
    public async Task EncryptedConfig_WithTheGeneratedPassphrase_IsRefusedNamingTheTeamSetup()
    {
        Skip.IfNot(StackRunners.BuiltWithPulumi, "ringctl was built without the Pulumi packages");
        await using var h = await OpsHarness.CreateAsync(_pg, repo =>
            repo.Write("stacks/shared/Pulumi.shared.yaml", repo.Read("stacks/shared/Pulumi.shared.yaml") + "  ring-infra-shared:registryToken:\n    secure: v1:abc\n"));
        using var cli = new FakePulumiCli();

        var run = Run(Environment(h, WithFake(cli)), h.Repo.Root, "secrets", "sync", "--yes");

        run.Code.ShouldBe(ExitCodes.Infrastructure);
        run.Err.ShouldContain("Pulumi.shared.yaml holds encrypted config, which ringctl's generated passphrase cannot read: set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE");
        cli.Calls.ShouldBeEmpty();
    }

    /// <summary>SIGINT (signal 2) in this process's ignored set (<c>SigIgn</c> in /proc/self/status, a hex mask).</summary>
    private static bool SigIntIgnored() =>
        File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal)) is { } line
        && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 0x2) != 0;

    private static async Task<bool> WaitAsync(Process p, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            return false;
        }
    }

    private static async Task<string> ReadIfExited(Process p, Task<string> stderr) => p.HasExited ? await stderr : "(still running)";
}
