namespace RingCtl.Registry;

/// <summary>What an operation is about to do, written before any stack is touched.</summary>
public sealed record OperationIntent(string Kind, IReadOnlyList<string> Rings, string Actor, string Reason)
{
    public string? Tenant { get; init; }

    public string? Module { get; init; }

    public string? From { get; init; }

    public string? To { get; init; }

    /// <summary>The approver of a change to a protected ring (or of an override there).</summary>
    public string? ApprovedBy { get; init; }

    /// <summary>The gates the operator overrode (their names).</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];

    /// <summary>What the decision noted (a rollback inside a freeze window).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Extra facts kept with the row (e.g. the artifacts of both versions, so a rollback can restore them).</summary>
    public IReadOnlyDictionary<string, string?> Details { get; init; } = new Dictionary<string, string?>();
}
