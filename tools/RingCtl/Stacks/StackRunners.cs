namespace RingCtl.Stacks;

/// <summary>
/// Picks the runner: <c>RINGCTL_STACK_RUNNER=simulate</c> gives the local simulation; otherwise the Automation API one when ringctl was built with Pulumi (build property
/// <c>RingCtlWithPulumi</c>, on by default) and the <c>pulumi</c> CLI is on PATH; otherwise one that
/// explains why stacks cannot be updated here.
/// </summary>
public static class StackRunners
{
    public static IStackRunner Create(string repositoryRoot)
    {
        if (Environment.GetEnvironmentVariable("RINGCTL_STACK_RUNNER") == "simulate")
        {
            return new SimulatedStackRunner(repositoryRoot);
        }

#if RINGCTL_PULUMI
        var cli = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "pulumi")).FirstOrDefault(File.Exists);
        return cli is null
            ? new UnavailableStackRunner("the Pulumi CLI is not installed (no `pulumi` on PATH)")
            : new RingCtl.Pulumi.AutomationStackRunner(repositoryRoot);
#else
        _ = repositoryRoot;
        return new UnavailableStackRunner("this ringctl was built without the Pulumi packages (RingCtlWithPulumi=false: they cannot be restored from this machine's NuGet source)");
#endif
    }
}
