namespace RingInfra.Core.Diff;

/// <summary>How an object differs between two renders.</summary>
public enum ChangeKind
{
    Added,
    Removed,
    Changed,
}

/// <summary>One field that differs: its path and its values before and after (null: absent), as compact JSON or plain text.</summary>
public sealed record FieldChange(string Path, string? Before, string? After);

/// <summary>One object that differs, with the fields that changed (for <see cref="ChangeKind.Changed"/>).</summary>
public sealed record ObjectChange(string Id, string Kind, ChangeKind Change, IReadOnlyList<FieldChange> Fields)
{
    public IReadOnlyList<string> Paths => [.. Fields.Select(f => f.Path)];

    /// <summary>The change in one line, as dry runs list it: <c>changed Ingress autocom-edge/ring</c>.</summary>
    public string Summary => $"{Change.ToString().ToLowerInvariant()} {Id}";

    /// <summary>True when the change rolls pods: a Deployment's pod template changed.</summary>
    public bool RollsPods => Kind == "Deployment" && Fields.Any(f => f.Path.StartsWith("spec.template", StringComparison.Ordinal));

    /// <summary>
    /// True when Kubernetes cannot change the object in place (an immutable field changed): a Deployment's
    /// selector, a Service's type or clusterIP, a Secret's or ConfigMap's immutable flag.
    /// </summary>
    public bool Replaces => Change == ChangeKind.Changed && Fields.Any(f =>
        (Kind == "Deployment" && f.Path.StartsWith("spec.selector", StringComparison.Ordinal))
        || (Kind == "Service" && (f.Path == "spec.clusterIP" || f.Path == "spec.type"))
        || (Kind is "Secret" or "ConfigMap" && f.Path == "immutable")
        || f.Path is "metadata.name" or "metadata.namespace");
}
