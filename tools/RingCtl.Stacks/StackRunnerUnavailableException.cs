namespace RingCtl.Stacks;

/// <summary>No Pulumi here (not built in, or no CLI): operations that touch stacks stop before changing anything.</summary>
public sealed class StackRunnerUnavailableException : Exception
{
    public StackRunnerUnavailableException(string reason)
        : base($"cannot update stacks here: {reason}. `./ringctl plan` shows what would be deployed; --dry-run previews an operation offline")
    {
        Reason = reason;
    }

    public string Reason { get; }
}
