using System.Globalization;

namespace RingCtl.Registry;

/// <summary>Another operation holds the ring's lease.</summary>
public sealed class RingBusyException : Exception
{
    public RingBusyException(string ring, string owner, DateTime since, DateTime until)
        : base($"ring busy: {ring} is held by {owner} since {since.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)} (lease expires {until.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}); retry later or pass --wait")
    {
        Ring = ring;
        Owner = owner;
    }

    public string Ring { get; }

    public string Owner { get; }
}
