using Pulumi.Automation.Commands;
using RingCtl.Stacks;
using Semver;

namespace RingCtl.Pulumi;

/// <summary>Installs the pinned CLI with the Automation API's own LocalPulumiCommand.Install (get.pulumi.com's install script).</summary>
public sealed class AutomationPulumiInstaller : IPulumiInstaller
{
    public AutomationPulumiInstaller(Func<string, string?> env)
    {
        InstallRoot = PulumiCli.InstallRoot(env);
    }

    public string Version => PulumiCli.PinnedVersion;

    public string InstallRoot { get; }

    public async Task InstallAsync(CancellationToken cancellationToken)
    {
        try
        {
            await LocalPulumiCommand.Install(new LocalPulumiCommandOptions { Version = SemVersion.Parse(Version, SemVersionStyles.Strict), Root = InstallRoot }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            throw new PulumiInstallException(e.Message, e);
        }
    }
}
