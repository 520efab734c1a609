using Dapper;
using Npgsql;

namespace RingCtl.Registry;

/// <summary>
/// The append-only operations log. An operation's intent row is written before any stack is touched;
/// its step advances as it goes; it is closed exactly once (succeeded, failed or abandoned).
/// </summary>
public sealed class OperationLog
{
    private const string Columns = "id, kind, rings, tenant, module, from_value, to_value, actor, reason, status, step, started_at, finished_at, error";

    private readonly NpgsqlDataSource _db;

    public OperationLog(RegistryDatabase database)
    {
        _db = database.DataSource;
    }

    public async Task<long> BeginAsync(OperationIntent intent, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await InsertAsync(c, null, intent, ct).ConfigureAwait(false);
    }

    internal static Task<long> InsertAsync(NpgsqlConnection c, NpgsqlTransaction? tx, OperationIntent intent, CancellationToken ct) =>
        c.ExecuteScalarAsync<long>(new CommandDefinition("""
            insert into operations (kind, rings, tenant, module, from_value, to_value, actor, reason, details)
            values (@Kind, @Rings, @Tenant, @Module, @From, @To, @Actor, @Reason, @Details::jsonb) returning id
            """, new { intent.Kind, Rings = intent.Rings.ToArray(), intent.Tenant, intent.Module, intent.From, intent.To, intent.Actor, intent.Reason, Details = System.Text.Json.JsonSerializer.Serialize(intent.Details) }, tx, cancellationToken: ct));

    public async Task StepAsync(long id, string step, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await c.ExecuteAsync(new CommandDefinition("update operations set step = @step where id = @id", new { id, step }, cancellationToken: ct)).ConfigureAwait(false);
    }

    public async Task CloseAsync(long id, string status, string? error, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await CloseAsync(c, null, id, status, error, ct).ConfigureAwait(false);
    }

    internal static Task CloseAsync(NpgsqlConnection c, NpgsqlTransaction? tx, long id, string status, string? error, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "update operations set status = @status, error = @error, finished_at = now() where id = @id",
            new { id, status, error }, tx, cancellationToken: ct));

    public async Task<IReadOnlyList<OperationRecord>> PendingAsync(IReadOnlyCollection<string>? rings, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        return [.. await c.QueryAsync<OperationRecord>(new CommandDefinition(
            $"select {Columns} from operations where status = 'pending' and (@rings::text[] is null or rings && @rings) order by id",
            new { rings = rings?.ToArray() }, cancellationToken: ct)).ConfigureAwait(false)];
    }

    public async Task<OperationRecord?> FindAsync(long id, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await c.QuerySingleOrDefaultAsync<OperationRecord>(new CommandDefinition($"select {Columns} from operations where id = @id", new { id }, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>The log, newest first, filtered by ring, tenant and/or module.</summary>
    public async Task<IReadOnlyList<OperationRecord>> HistoryAsync(string? ring, string? tenant, string? module, int limit, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        return [.. await c.QueryAsync<OperationRecord>(new CommandDefinition($"""
            select {Columns} from operations
            where (@ring::text is null or @ring = any(rings)) and (@tenant::text is null or tenant = @tenant) and (@module::text is null or module = @module)
            order by id desc limit @limit
            """, new { ring, tenant, module, limit }, cancellationToken: ct)).ConfigureAwait(false)];
    }

    /// <summary>
    /// The version (and its artifact and checksum) a module had before its last successful promotion or
    /// rollback in the ring: what a rollback returns to.
    /// </summary>
    public async Task<(string Version, string? Artifact, string? Sha256)?> PreviousVersionAsync(string ring, string module, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await c.QuerySingleOrDefaultAsync<(string, string?, string?)?>(new CommandDefinition("""
            select from_value, details->>'fromArtifact', details->>'fromSha256' from operations
            where kind in ('promote', 'rollback') and status = 'succeeded' and module = @module and rings[array_upper(rings, 1)] = @ring and from_value is not null
            order by id desc limit 1
            """, new { ring, module }, cancellationToken: ct)).ConfigureAwait(false);
    }
}
