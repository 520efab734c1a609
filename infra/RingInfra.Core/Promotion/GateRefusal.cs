namespace RingInfra.Core.Promotion;

/// <summary>One failed gate and why, in words an operator can act on.</summary>
public sealed record GateRefusal(Gate Gate, string Reason)
{
    public override string ToString() => $"{GateTable.Name(Gate)}: {Reason}";
}
