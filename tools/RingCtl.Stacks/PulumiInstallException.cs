namespace RingCtl.Stacks;

/// <summary>The Pulumi CLI could not be installed (no network, a failing install script, …).</summary>
public sealed class PulumiInstallException : Exception
{
    public PulumiInstallException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
