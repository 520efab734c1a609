namespace RingCtl.Stacks;

/// <summary>
/// Picks the runner: <c>RINGCTL_STACK_RUNNER=simulate</c> gives the local simulation; otherwise the Automation
/// API one when ringctl was built with Pulumi (build property <c>RingCtlWithPulumi</c>, on by default) and a
/// <c>pulumi</c> CLI is found (on PATH, or where <c>up --install-pulumi</c> installs it); otherwise one that
/// explains why stacks cannot be updated here.
/// </summary>
public static class StackRunners
{
    /// <summary>Whether this ringctl carries the Automation API runner.</summary>
#if RINGCTL_PULUMI
    public const bool BuiltWithPulumi = true;
#else
    public const bool BuiltWithPulumi = false;
#endif

    /// <summary>The CLI version the Automation API pins (what <c>up --install-pulumi</c> installs); null without it.</summary>
    public static string? PinnedPulumiVersion =>
#if RINGCTL_PULUMI
        RingCtl.Pulumi.PulumiCli.PinnedVersion;
#else
        null;
#endif

    public static IStackRunner Create(string repositoryRoot) => Create(repositoryRoot, Environment.GetEnvironmentVariable);

    /// <summary>The runner for <paramref name="repositoryRoot"/>, reading the environment through <paramref name="env"/>.</summary>
    public static IStackRunner Create(string repositoryRoot, Func<string, string?> env)
    {
        ArgumentNullException.ThrowIfNull(env);
        if (env("RINGCTL_STACK_RUNNER") == "simulate")
        {
            return new SimulatedStackRunner(repositoryRoot);
        }

#if RINGCTL_PULUMI
        var cli = RingCtl.Pulumi.PulumiCli.Find(env);
        if (cli is null)
        {
            var version = RingCtl.Pulumi.PulumiCli.PinnedVersion;
            return new UnavailableStackRunner(
                $"the Pulumi CLI is not installed (no `pulumi` on PATH or in {RingCtl.Pulumi.PulumiCli.InstallRoot(env)}/bin); `ringctl up --install-pulumi` installs Pulumi {version} there",
                cliMissing: true);
        }

        RingCtl.Pulumi.PulumiCli.UseForThisProcess(cli);
        return new RingCtl.Pulumi.AutomationStackRunner(repositoryRoot, env);
#else
        _ = repositoryRoot;
        return new UnavailableStackRunner("this ringctl was built without the Pulumi packages (RingCtlWithPulumi=false: they cannot be restored from this machine's NuGet source)");
#endif
    }

    /// <summary>The installer <c>up --install-pulumi</c> uses; null when ringctl has no Automation API.</summary>
    public static IPulumiInstaller? Installer()
    {
#if RINGCTL_PULUMI
        return new RingCtl.Pulumi.AutomationPulumiInstaller(Environment.GetEnvironmentVariable);
#else
        return null;
#endif
    }
}
