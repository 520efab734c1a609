using RingCtl.Stacks;

namespace RingCtl.Cli;

/// <summary>
/// <c>up --install-pulumi</c>: where ringctl has the Automation API but finds no <c>pulumi</c> CLI, install the
/// version the Automation API pins, then go on. Never without the flag; a failed install changes nothing.
/// </summary>
public static class PulumiSetup
{
    public static async Task EnsureCliAsync(CliContext context, string root, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.StackRunnerFactory(root) is not UnavailableStackRunner { CliMissing: true } || context.PulumiInstaller is not { } installer)
        {
            return;
        }

        await context.Err.WriteLineAsync($"ringctl: no pulumi CLI found: installing Pulumi {installer.Version} into {installer.InstallRoot}".AsMemory(), ct).ConfigureAwait(false);
        try
        {
            await installer.InstallAsync(ct).ConfigureAwait(false);
        }
        catch (PulumiInstallException e)
        {
            throw new CommandException(ExitCodes.Infrastructure,
                $"could not install Pulumi {installer.Version} into {installer.InstallRoot}: {e.Message}. Install it by hand " +
                $"(curl -fsSL https://get.pulumi.com | sh -s -- --version {installer.Version}) or put `pulumi` on PATH, then run again; nothing was changed");
        }

        if (context.StackRunnerFactory(root) is UnavailableStackRunner { CliMissing: true })
        {
            throw new CommandException(ExitCodes.Infrastructure, $"Pulumi {installer.Version} was installed into {installer.InstallRoot}, but no bin/pulumi is there; nothing was changed");
        }

        await context.Err.WriteLineAsync($"ringctl: installed Pulumi {installer.Version}".AsMemory(), ct).ConfigureAwait(false);
    }
}
