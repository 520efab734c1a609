namespace RingInfra.Core.Promotion;

/// <summary>A promotion decision: allowed, or refused with every failed gate (not just the first).</summary>
public sealed record PromotionDecision(IReadOnlyList<GateRefusal> Refusals)
{
    public bool Allowed => Refusals.Count == 0;

    public override string ToString() =>
        Allowed ? "allowed" : "refused: " + string.Join("; ", Refusals);
}
