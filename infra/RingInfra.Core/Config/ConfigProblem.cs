namespace RingInfra.Core.Config;

/// <summary>
/// One thing wrong with a configuration: who (<paramref name="Subject"/>, e.g. <c>ring 'canary'</c>),
/// which key, the bad value as written, and the rule it breaks (what is allowed).
/// </summary>
public sealed record ConfigProblem(string Subject, string Key, string Value, string Rule)
{
    /// <summary><c>ring 'canary': workloads.api.replicas must be >= 1 (got 0)</c>.</summary>
    public string Message => $"{Subject}: {Key} {Rule} (got {Value})";

    public override string ToString() => Message;
}
