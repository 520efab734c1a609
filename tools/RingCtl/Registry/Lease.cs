namespace RingCtl.Registry;

/// <summary>Held leases on one or more rings; disposing releases them (also after a failure).</summary>
public sealed class Lease : IAsyncDisposable
{
    private readonly RingLeases _leases;
    private readonly string[] _rings;
    private readonly string _owner;

    internal Lease(RingLeases leases, string[] rings, string owner)
    {
        _leases = leases;
        _rings = rings;
        _owner = owner;
    }

    public IReadOnlyList<string> Rings => _rings;

    /// <summary>Links the leases to the operation that holds them (reconcile reads it).</summary>
    public Task AttachAsync(long operationId, CancellationToken ct) => _leases.AttachAsync(_rings, _owner, operationId, ct);

    /// <summary>
    /// Extends the leases by <paramref name="ttl"/> from now (database time), for an operation that outlives one lease
    /// (tenant waves with pauses); throws <see cref="LeaseLostException"/> when another run took a lease over after it expired.
    /// </summary>
    public Task RenewAsync(TimeSpan ttl, CancellationToken ct) => _leases.RenewAsync(_rings, _owner, ttl, ct);

    public async ValueTask DisposeAsync() => await _leases.ReleaseAsync(_rings, _owner).ConfigureAwait(false);
}
