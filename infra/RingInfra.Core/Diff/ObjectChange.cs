namespace RingInfra.Core.Diff;

/// <summary>How an object differs between two renders.</summary>
public enum ChangeKind
{
    Added,
    Removed,
    Changed,
}

/// <summary>One object that differs, with the field paths that changed (for <see cref="ChangeKind.Changed"/>).</summary>
public sealed record ObjectChange(string Id, string Kind, ChangeKind Change, IReadOnlyList<string> Paths)
{
    /// <summary>True when the change rolls pods: a Deployment's pod template changed.</summary>
    public bool RollsPods => Kind == "Deployment" && Paths.Any(p => p.StartsWith("spec.template", StringComparison.Ordinal));
}
