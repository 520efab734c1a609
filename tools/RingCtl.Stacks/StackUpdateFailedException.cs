namespace RingCtl.Stacks;

/// <summary>A preview or update of a stack failed; the message carries the engine's diagnostics, without secrets.</summary>
public sealed class StackUpdateFailedException : Exception
{
    public StackUpdateFailedException(StackId stack, string detail, Exception? inner = null)
        : base($"{stack}: {detail}", inner)
    {
    }
}
