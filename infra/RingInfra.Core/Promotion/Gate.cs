namespace RingInfra.Core.Promotion;

/// <summary>The gates a promotion passes, each refusal naming one.</summary>
public enum Gate
{
    /// <summary>Moves follow promotion order: to the adjacent more conservative ring (a skip or a backwards move needs --force).</summary>
    Order,

    /// <summary>The version has soaked in the source ring for at least its bake time.</summary>
    Bake,

    /// <summary>The source ring is healthy.</summary>
    Health,

    /// <summary>A protected target needs an approver.</summary>
    Approval,

    /// <summary>No promotion lands inside a freeze window of the target.</summary>
    Freeze,

    /// <summary>The version is a real change (not what the target runs; not a downgrade without --force).</summary>
    Version,
}
