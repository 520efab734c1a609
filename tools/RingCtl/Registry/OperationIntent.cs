namespace RingCtl.Registry;

/// <summary>What an operation is about to do, written before any stack is touched.</summary>
public sealed record OperationIntent(string Kind, IReadOnlyList<string> Rings, string Actor, string Reason)
{
    public string? Tenant { get; init; }

    public string? Module { get; init; }

    public string? From { get; init; }

    public string? To { get; init; }
}
