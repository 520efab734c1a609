namespace RingCtl.Stacks;

/// <summary>Pulumi reports another update of the stack in progress (the backend's own lock).</summary>
public sealed class StackBusyException : Exception
{
    public StackBusyException(StackId stack, Exception inner)
        : base($"{stack} is locked by another update in progress (Pulumi backend lock); retry later, or `pulumi cancel` a dead one", inner)
    {
    }
}
