namespace RingCtl.Stacks;

/// <summary>A stack ringctl drives: a ring stack (project ring-infra at the repository root) or the shared stack (stacks/shared).</summary>
public sealed record StackId(bool Shared, string Name)
{
    public static StackId Ring(string name) => new(false, name);

    public static StackId SharedStack(string name = "shared") => new(true, name);

    public override string ToString() => Shared ? $"shared stack '{Name}'" : $"ring stack '{Name}'";
}
