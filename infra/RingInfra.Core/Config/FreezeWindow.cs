namespace RingInfra.Core.Config;

/// <summary>A period in which no promotion may land in the ring (start inclusive, end exclusive, UTC).</summary>
public sealed record FreezeWindow(DateTimeOffset Start, DateTimeOffset End, string Reason)
{
    public bool Contains(DateTimeOffset instant) => instant >= Start && instant < End;
}
