using Dapper;
using Npgsql;

namespace RingCtl.Registry;

/// <summary>
/// One operation per ring at a time: a lease row per ring with an owner and an expiry on database time.
/// Rings are leased in name order (no deadlock between two callers wanting the same pair); a live lease
/// held by someone else makes the ring busy; an expired one is taken over.
/// </summary>
public sealed class RingLeases
{
    private readonly NpgsqlDataSource _db;

    public RingLeases(RegistryDatabase database)
    {
        _db = database.DataSource;
    }

    public static TimeSpan DefaultTtl { get; } = TimeSpan.FromMinutes(30);

    /// <summary>Leases every ring or none; throws <see cref="RingBusyException"/> when one is held (after <paramref name="wait"/>).</summary>
    public async Task<Lease> AcquireAsync(IEnumerable<string> rings, string owner, TimeSpan ttl, TimeSpan wait, CancellationToken ct)
    {
        var names = rings.Distinct().Order(StringComparer.Ordinal).ToArray();
        var deadline = DateTime.UtcNow + wait;
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            var busy = await TryAcquireAsync(names, owner, ttl, ct).ConfigureAwait(false);
            if (busy is null)
            {
                return new Lease(this, names, owner);
            }

            if (DateTime.UtcNow + delay > deadline)
            {
                throw busy;
            }

            await Task.Delay(delay, ct).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
        }
    }

    private async Task<RingBusyException?> TryAcquireAsync(string[] rings, string owner, TimeSpan ttl, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await TryAcquireOnceAsync(rings, owner, ttl, ct).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure && attempt < 5)
            {
                // Racing a release of the same rings: try again with a fresh transaction.
                await Task.Delay(20 * (attempt + 1), ct).ConfigureAwait(false);
            }
        }
    }

    private async Task<RingBusyException?> TryAcquireOnceAsync(string[] rings, string owner, TimeSpan ttl, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        foreach (var ring in rings)
        {
            var taken = await c.ExecuteAsync(new CommandDefinition("""
                insert into ring_leases (ring, owner, acquired_at, expires_at) values (@ring, @owner, now(), now() + @ttl)
                on conflict (ring) do update set owner = excluded.owner, acquired_at = now(), expires_at = excluded.expires_at, operation_id = null
                where ring_leases.expires_at < now()
                """, new { ring, owner, ttl }, tx, cancellationToken: ct)).ConfigureAwait(false);
            if (taken == 0)
            {
                var holder = await c.QuerySingleAsync<(string Owner, DateTime Since, DateTime Until)>(new CommandDefinition(
                    "select owner, acquired_at, expires_at from ring_leases where ring = @ring", new { ring }, tx, cancellationToken: ct)).ConfigureAwait(false);
                await tx.RollbackAsync(ct).ConfigureAwait(false);
                return new RingBusyException(ring, holder.Owner, DateTime.SpecifyKind(holder.Since, DateTimeKind.Utc), DateTime.SpecifyKind(holder.Until, DateTimeKind.Utc));
            }
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        return null;
    }

    internal async Task AttachAsync(string[] rings, string owner, long operationId, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await c.ExecuteAsync(new CommandDefinition("update ring_leases set operation_id = @operationId where ring = any(@rings) and owner = @owner",
            new { rings, owner, operationId }, cancellationToken: ct)).ConfigureAwait(false);
    }

    internal async Task RenewAsync(string[] rings, string owner, TimeSpan ttl, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        var renewed = await c.ExecuteAsync(new CommandDefinition("update ring_leases set expires_at = now() + @ttl where ring = any(@rings) and owner = @owner",
            new { rings, owner, ttl }, cancellationToken: ct)).ConfigureAwait(false);
        if (renewed != rings.Length)
        {
            throw new LeaseLostException(rings);
        }
    }

    internal async Task ReleaseAsync(string[] rings, string owner)
    {
        await using var c = await _db.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        await c.ExecuteAsync(new CommandDefinition("delete from ring_leases where ring = any(@rings) and owner = @owner", new { rings, owner })).ConfigureAwait(false);
    }

    /// <summary>Removes leases whose holders are known dead (reconcile), each only if the same holder still has it.</summary>
    public async Task ReleaseDeadAsync(IEnumerable<(string Ring, string Owner)> dead, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        foreach (var (ring, owner) in dead)
        {
            await c.ExecuteAsync(new CommandDefinition("delete from ring_leases where ring = @ring and owner = @owner", new { ring, owner }, cancellationToken: ct)).ConfigureAwait(false);
        }
    }

    /// <summary>Leases currently held (not expired), for <c>ring show</c> and reconcile.</summary>
    public async Task<IReadOnlyList<(string Ring, string Owner, DateTime Since, DateTime Until)>> ActiveAsync(CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        return [.. await c.QueryAsync<(string, string, DateTime, DateTime)>(new CommandDefinition(
            "select ring, owner, acquired_at, expires_at from ring_leases where expires_at >= now() order by ring", cancellationToken: ct)).ConfigureAwait(false)];
    }
}
