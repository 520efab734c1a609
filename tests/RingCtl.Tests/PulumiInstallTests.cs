using System.Text.Json.Nodes;
using Moq;
using RingCtl.Cli;
using RingCtl.Stacks;
using RingCtl.Tests.Support;

namespace RingCtl.Tests;

/// <summary>
/// <c>up</c> where ringctl has the Automation API but no <c>pulumi</c> CLI: it says so and offers
/// <c>--install-pulumi</c>; only the flag installs (through an injected installer: no test reaches the network).
/// </summary>
[Collection("postgres")]
public sealed class PulumiInstallTests
{
    private const string MissingCli = "the Pulumi CLI is not installed (no `pulumi` on PATH or in /home/op/.pulumi/versions/3.258.0/bin); `ringctl up --install-pulumi` installs Pulumi 3.258.0 there";

    private readonly PostgresFixture _pg;

    public PulumiInstallTests(PostgresFixture pg)
    {
        _pg = pg;
    }

    /// <summary>An installer that records its calls and then either fails as a closed network does, or "installs".</summary>
    private sealed class FakeInstaller(bool succeeds) : IPulumiInstaller
    {
        public int Calls { get; private set; }

        public bool Installed { get; private set; }

        public string Version => "3.258.0";

        public string InstallRoot => "/home/op/.pulumi/versions/3.258.0";

        public Task InstallAsync(CancellationToken cancellationToken)
        {
            Calls++;
            if (!succeeds)
            {
                throw new PulumiInstallException("Name or service not known (get.pulumi.com:443)");
            }

            Installed = true;
            return Task.CompletedTask;
        }
    }

    private static async Task<RingCtlRunner.Result> RunAsync(OpsHarness h, FakeInstaller installer, Func<IStackRunner> afterInstall, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext(output, error, h.Repo.Root)
        {
            DatabaseUrl = h.ConnectionString,
            StackRunnerFactory = _ => installer.Installed ? afterInstall() : new UnavailableStackRunner(MissingCli, cliMissing: true),
            PulumiInstaller = installer,
            DefaultActor = "tester",
            Redact = [],
        };
        var code = await RingCtlApp.RunAsync(args, context, CancellationToken.None);
        return new RingCtlRunner.Result(code, output.ToString(), error.ToString());
    }

    private static async Task<long> OperationCount(OpsHarness h) =>
        (await h.Log.HistoryAsync(null, null, null, 1000, default)).Count;

    [Fact]
    public async Task Up_WithoutACli_SaysSoAndOffersTheFlag_AndInstallsNothing()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var installer = new FakeInstaller(succeeds: true);
        var before = Snapshot.Of(h.Repo.Root);

        var result = await RunAsync(h, installer, () => throw new InvalidOperationException("no runner expected"), "up", "canary", "--yes");

        result.ExitCode.ShouldBe(ExitCodes.Infrastructure);
        result.ErrLines.Last().ShouldBe($"ringctl: cannot update stacks here: {MissingCli}. `./ringctl plan` shows what would be deployed; --dry-run previews an operation offline");
        installer.Calls.ShouldBe(0);
        (await OperationCount(h)).ShouldBe(0);
        Snapshot.Of(h.Repo.Root).ShouldBe(before);
    }

    [Fact]
    public async Task InstallPulumi_WhenTheDownloadFails_ExitsSix_NamingTheVersionAndTheManualInstall()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var installer = new FakeInstaller(succeeds: false);
        var before = Snapshot.Of(h.Repo.Root);

        var result = await RunAsync(h, installer, () => throw new InvalidOperationException("no runner expected"), "up", "canary", "--yes", "--install-pulumi");

        result.ExitCode.ShouldBe(ExitCodes.Infrastructure);
        installer.Calls.ShouldBe(1);
        result.ErrLines.First().ShouldBe("ringctl: no pulumi CLI found: installing Pulumi 3.258.0 into /home/op/.pulumi/versions/3.258.0");
        result.ErrLines.Last().ShouldBe("ringctl: could not install Pulumi 3.258.0 into /home/op/.pulumi/versions/3.258.0: Name or service not known (get.pulumi.com:443). " +
            "Install it by hand (curl -fsSL https://get.pulumi.com | sh -s -- --version 3.258.0) or put `pulumi` on PATH, then run again; nothing was changed");
        (await OperationCount(h)).ShouldBe(0);
        Snapshot.Of(h.Repo.Root).ShouldBe(before);
    }

    [Fact]
    public async Task InstallPulumi_Installs_ThenGoesOnWithTheUpdate()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var installer = new FakeInstaller(succeeds: true);
        var stacks = new Mock<IStackRunner>(MockBehavior.Strict);
        var canary = StackId.Ring("canary");
        stacks.Setup(s => s.GetOutputsAsync(StackId.SharedStack(), It.IsAny<CancellationToken>())).ReturnsAsync(new Dictionary<string, object?> { ["secretsRevision"] = "rev-1" });
        stacks.Setup(s => s.SelectOrCreateAsync(canary, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        stacks.Setup(s => s.UpdateAsync(canary, It.IsAny<IProgress<string>>(), It.IsAny<CancellationToken>())).ReturnsAsync(StackChanges.None);
        stacks.Setup(s => s.GetOutputsAsync(canary, It.IsAny<CancellationToken>())).ReturnsAsync(new Dictionary<string, object?> { ["lockHash"] = h.Repo.Load().Find("canary")!.Lock.Hash });

        var result = await RunAsync(h, installer, () => stacks.Object, "up", "canary", "--yes", "--install-pulumi", "--json");

        result.ExitCode.ShouldBe(0, result.Err);
        installer.Calls.ShouldBe(1);
        result.Err.ShouldContain("ringctl: installed Pulumi 3.258.0");
        JsonNode.Parse(result.Out)!["rings"]!.AsArray().Select(r => r!.ToString()).ShouldBe(["canary"]);
        stacks.VerifyAll();
    }

    [Fact]
    public async Task InstallPulumi_WithABadRing_IsAUsageError_BeforeAnyInstall()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var installer = new FakeInstaller(succeeds: true);

        var result = await RunAsync(h, installer, () => throw new InvalidOperationException("no runner expected"), "up", "nowhere", "--yes", "--install-pulumi");

        result.ExitCode.ShouldBe(ExitCodes.Usage);
        result.ErrLines.Last().ShouldBe("ringctl: ring: 'nowhere' is not a ring of this repository (known: stable, edge, canary)");
        installer.Calls.ShouldBe(0);
    }
}
