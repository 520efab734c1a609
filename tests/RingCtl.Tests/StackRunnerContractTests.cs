using RingCtl.Stacks;
using RingInfra.Core.Config;
using RingInfra.Core.Tests.Support;

namespace RingCtl.Tests;

/// <summary>
/// What every <see cref="IStackRunner"/> must do, whoever implements it. The same suite runs against the
/// simulated runner here and against the Automation API runner wherever a <c>pulumi</c> CLI is on PATH (a
/// real engine, a file backend in a copy of the repository); without one, that half is skipped and says so.
/// </summary>
public abstract class StackRunnerContract : IDisposable
{
    private static readonly StackId Canary = StackId.Ring("canary");
    private static readonly StackId Shared = StackId.SharedStack();

    protected abstract string Root { get; }

    protected abstract IStackRunner Runner { get; }

    /// <summary>Skips (with the reason) where this runner cannot run here.</summary>
    protected abstract void RequireRunner();

    public abstract void Dispose();

    private static IReadOnlyList<object?> List(object? value) => value is System.Collections.IEnumerable e and not string ? [.. e.Cast<object?>()] : [];

    [SkippableFact]
    public async Task StacksNeverUpdated_HaveNoOutputs()
    {
        RequireRunner();
        await Runner.SelectOrCreateAsync(Canary, default);
        (await Runner.GetOutputsAsync(Canary, default)).ShouldBeEmpty();
        (await Runner.GetOutputsAsync(Shared, default)).ContainsKey("secretsRevision").ShouldBeFalse();
    }

    [SkippableFact]
    public async Task SelectOrCreate_IsIdempotent_AndCancelOnAnIdleStackIsHarmless()
    {
        RequireRunner();
        await Runner.SelectOrCreateAsync(Canary, default);
        await Runner.SelectOrCreateAsync(Canary, default);
        await Runner.CancelAsync(Canary, default);
    }

    [SkippableFact]
    public async Task ARingUpdatedAfterTheShared_ExportsItsTenantsAsStrings_ItsLockHash_AndTheSharedRevision()
    {
        RequireRunner();
        var progress = new Progress<string>();
        await Runner.SelectOrCreateAsync(Shared, default);
        await Runner.UpdateAsync(Shared, progress, default);
        var shared = await Runner.GetOutputsAsync(Shared, default);
        var revision = shared["secretsRevision"].ShouldBeOfType<string>();
        shared.ContainsKey("secrets").ShouldBeFalse("secret outputs are never handed out");

        await Runner.SelectOrCreateAsync(Canary, default);
        await Runner.SetConfigAsync(Canary, "ring-infra:tenants", "[\"007\",\"test-canary\"]", default);
        await Runner.UpdateAsync(Canary, progress, default);
        var outputs = await Runner.GetOutputsAsync(Canary, default);

        outputs["ring"].ShouldBe("canary");
        List(outputs["tenants"]).ShouldBe(["007", "test-canary"]);
        List(outputs["tenants"]).ShouldAllBe(t => t is string);
        outputs["lockHash"].ShouldBe(RingInfra.Core.Fleet.FleetLoader.Load(new RingInfra.Core.Fleet.DirectoryFiles(Root)).Find("canary")!.Lock.Hash);
        outputs["secretsRevision"].ShouldBe(revision);
        foreach (var file in new[] { StackConfigFile.PathOf(Root, Canary), StackConfigFile.PathOf(Root, Shared) })
        {
            StackFileEditor.HasTopLevel(File.ReadAllText(file), "encryptionsalt").ShouldBeFalse($"{file} carries no passphrase salt");
        }
    }
}

/// <summary>The contract against <c>RINGCTL_STACK_RUNNER=simulate</c>'s runner.</summary>
public sealed class SimulatedStackRunnerContractTests : StackRunnerContract
{
    private readonly TempRepo _repo = new();

    public SimulatedStackRunnerContractTests()
    {
        Runner = new SimulatedStackRunner(_repo.Root);
    }

    protected override string Root => _repo.Root;

    protected override IStackRunner Runner { get; }

    protected override void RequireRunner()
    {
    }

    public override void Dispose() => _repo.Dispose();
}

/// <summary>The contract against the Automation API runner and a real <c>pulumi</c> CLI, in a full copy of the repository.</summary>
public sealed class AutomationStackRunnerContractTests : StackRunnerContract
{
    private static readonly string[] Skipped = [".git", "bin", "obj", "out", ".ringctl", ".pulumi-state", "TestResults"];
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ringinfra-contract-" + Guid.NewGuid().ToString("N")[..10]);
    private IStackRunner? _runner;

    protected override string Root => _root;

    /// <summary>Always a file backend and a generated passphrase inside the copy: never the user's own backend.</summary>
    protected override IStackRunner Runner => _runner ??= StackRunners.Create(CopyRepository(), name => name switch
    {
        "PULUMI_BACKEND_URL" or "PULUMI_CONFIG_PASSPHRASE" or "PULUMI_CONFIG_PASSPHRASE_FILE" or "RINGCTL_STACK_RUNNER" => null,
        _ => Environment.GetEnvironmentVariable(name),
    });

    protected override void RequireRunner()
    {
        Skip.IfNot(StackRunners.BuiltWithPulumi, "ringctl was built without the Pulumi packages");
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, "pulumi")));
        Skip.IfNot(onPath, "no `pulumi` CLI on PATH: the Automation API runner needs a real engine");
        Skip.If(Environment.GetEnvironmentVariable("RINGCTL_STACK_RUNNER") == "simulate", "RINGCTL_STACK_RUNNER=simulate is set");
    }

    private string CopyRepository()
    {
        void Copy(string from, string to)
        {
            Directory.CreateDirectory(to);
            foreach (var f in Directory.GetFiles(from))
            {
                File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
            }

            foreach (var d in Directory.GetDirectories(from).Where(d => !Skipped.Contains(Path.GetFileName(d))))
            {
                Copy(d, Path.Combine(to, Path.GetFileName(d)));
            }
        }

        Copy(Repo.Root, _root);
        return _root;
    }

    public override void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
