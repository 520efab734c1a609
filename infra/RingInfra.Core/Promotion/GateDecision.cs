namespace RingInfra.Core.Promotion;

/// <summary>
/// A decision on a change: every failed gate (not just the first), the gates the operator overrode (with
/// what they would have said), and notes the log keeps (a rollback that ran inside a freeze window).
/// </summary>
public sealed record GateDecision(IReadOnlyList<GateRefusal> Refusals, IReadOnlyList<GateRefusal> Overridden, IReadOnlyList<string> Notes)
{
    public bool Allowed => Refusals.Count == 0;

    /// <summary>Whether a refusal is a policy violation (exit 3 rather than 4).</summary>
    public bool RefusedByPolicy => Refusals.Any(r => r.Gate == Gate.Policy);

    /// <summary>One decision over several rings' (an <c>up</c> of several rings is refused when any ring is).</summary>
    public static GateDecision Combine(IEnumerable<GateDecision> decisions)
    {
        var all = decisions.ToList();
        return new GateDecision([.. all.SelectMany(d => d.Refusals)], [.. all.SelectMany(d => d.Overridden)], [.. all.SelectMany(d => d.Notes).Distinct()]);
    }

    public override string ToString() =>
        Allowed ? "allowed" : "refused: " + string.Join("; ", Refusals);
}
