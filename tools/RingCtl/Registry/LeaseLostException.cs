namespace RingCtl.Registry;

/// <summary>A run's lease expired and another run took the ring over: the run must stop before it changes anything more.</summary>
public sealed class LeaseLostException : Exception
{
    public LeaseLostException(IReadOnlyList<string> rings)
        : base($"the lease on {string.Join(", ", rings)} was lost (it expired and another run took it over): stopping before changing anything more")
    {
    }
}
