namespace RingCtl.Stacks;

/// <summary>What a preview or an update changed: resource counts by operation, and the diff text when there is one.</summary>
public sealed record StackChanges(int Creates, int Updates, int Replaces, int Deletes, int Sames, string Diff = "")
{
    public static StackChanges None { get; } = new(0, 0, 0, 0, 0);

    public override string ToString() => $"{Creates} to create, {Updates} to update, {Replaces} to replace, {Deletes} to delete, {Sames} unchanged";
}
