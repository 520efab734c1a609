namespace RingCtl.Stacks;

/// <summary>
/// Installs the Pulumi CLI version the Automation API package pins, where ringctl looks for it
/// (<c>~/.pulumi/versions/&lt;version&gt;</c>). Only <c>ringctl up --install-pulumi</c> calls it; tests inject one
/// that never reaches the network.
/// </summary>
public interface IPulumiInstaller
{
    /// <summary>The CLI version that would be installed.</summary>
    string Version { get; }

    /// <summary>Where it is installed (its <c>bin/pulumi</c> is then found by ringctl).</summary>
    string InstallRoot { get; }

    /// <exception cref="PulumiInstallException">The download or the install script failed.</exception>
    Task InstallAsync(CancellationToken cancellationToken);
}
