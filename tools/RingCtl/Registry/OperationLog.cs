using Dapper;
using Npgsql;

namespace RingCtl.Registry;

/// <summary>
/// The append-only operations log. An operation's intent row is written before any stack is touched;
/// its step advances as it goes; it is closed exactly once (succeeded, failed or abandoned).
/// </summary>
public sealed class OperationLog
{
    private const string Columns = "id, kind, rings, tenant, module, from_value, to_value, actor, reason, status, step, started_at, finished_at, error, approved_by, overrides, notes, parent_id";

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
        c.ExecuteScalarAsync<long>(new CommandDefinition($"""
            insert into operations ({IntentColumns}) values ({IntentValues}) returning id
            """, Parameters(intent), tx, cancellationToken: ct));

    /// <summary>The columns an intent row is written with, and their values as parameters (<see cref="Parameters"/>).</summary>
    internal const string IntentColumns = "kind, rings, tenant, module, from_value, to_value, actor, reason, details, approved_by, overrides, notes";

    internal const string IntentValues = "@Kind, @Rings, @Tenant, @Module, @From, @To, @Actor, @Reason, @Details::jsonb, @ApprovedBy, @Overrides, @Notes";

    /// <summary>
    /// An intent's row as parameters — every column, the gates' notes, overrides and approver included — for every
    /// statement that writes one (a compare-and-set adds its own, with names that cannot meet these).
    /// </summary>
    internal static DynamicParameters Parameters(OperationIntent intent) => new(new
    {
        intent.Kind, Rings = intent.Rings.ToArray(), intent.Tenant, intent.Module, intent.From, intent.To, intent.Actor, intent.Reason,
        Details = System.Text.Json.JsonSerializer.Serialize(intent.Details), intent.ApprovedBy, Overrides = intent.Overrides.ToArray(), Notes = intent.Notes.ToArray(),
    });

    /// <summary>A change the gates refused: written closed at once, so history shows what was attempted and why not.</summary>
    public async Task<long> RefusedAsync(OperationIntent intent, IEnumerable<string> reasons, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        var id = await InsertAsync(c, tx, intent, ct).ConfigureAwait(false);
        await CloseAsync(c, tx, id, "refused", string.Join("; ", reasons), ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return id;
    }

    /// <summary>A record of something done at once (a hold released): written closed as succeeded.</summary>
    public async Task<long> RecordAsync(OperationIntent intent, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        var id = await InsertAsync(c, tx, intent, ct).ConfigureAwait(false);
        await CloseAsync(c, tx, id, "succeeded", null, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return id;
    }

    /// <summary>The versions of a module a ring ran: every from and to of its succeeded promotions, rollbacks and ring adds.</summary>
    public async Task<IReadOnlyList<string>> VersionsRanAsync(string ring, string module, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        return [.. await c.QueryAsync<string>(new CommandDefinition("""
            select v from (
                select from_value as v from operations where kind in ('promote', 'rollback') and status = 'succeeded' and module = @module and rings[array_upper(rings, 1)] = @ring
                union select to_value from operations where kind in ('promote', 'rollback') and status = 'succeeded' and module = @module and rings[array_upper(rings, 1)] = @ring
            ) x where v is not null
            """, new { ring, module }, cancellationToken: ct)).ConfigureAwait(false)];
    }

    /// <summary>The ring's last successful promotion: its module and the version it brought (null when there was none).</summary>
    public async Task<(string Module, string Version)?> LastPromotionAsync(string ring, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await c.QuerySingleOrDefaultAsync<(string, string)?>(new CommandDefinition("""
            select module, to_value from operations
            where kind = 'promote' and status = 'succeeded' and rings[array_upper(rings, 1)] = @ring and module is not null and to_value is not null
            order by id desc limit 1
            """, new { ring }, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>The module's last successful change in the ring: its kind and from → to (null when there was none).</summary>
    public async Task<(string Kind, string? From, string? To)?> LastChangeAsync(string ring, string module, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await c.QuerySingleOrDefaultAsync<(string, string?, string?)?>(new CommandDefinition("""
            select kind, from_value, to_value from operations
            where kind in ('promote', 'rollback') and status = 'succeeded' and module = @module and rings[array_upper(rings, 1)] = @ring
            order by id desc limit 1
            """, new { ring, module }, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>The artifact and checksum recorded for a module version (from any promotion or rollback), or null.</summary>
    public async Task<(string? Artifact, string? Sha256)?> ArtifactAsync(string module, string version, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await c.QuerySingleOrDefaultAsync<(string?, string?)?>(new CommandDefinition("""
            select a, s from (
                select id, details->>'toArtifact' as a, details->>'toSha256' as s from operations where module = @module and to_value = @version and details ? 'toArtifact'
                union all select id, details->>'fromArtifact', details->>'fromSha256' from operations where module = @module and from_value = @version and details ? 'fromArtifact'
            ) x where a is not null and s is not null order by id desc limit 1
            """, new { module, version }, cancellationToken: ct)).ConfigureAwait(false);
    }

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
    /// <summary>Whether the registry or the log has ever known this ring, tenant or module (a history filter's check).</summary>
    public async Task<bool> KnowsAsync(string kind, string value, CancellationToken ct)
    {
        var sql = kind switch
        {
            "ring" => "select exists (select 1 from module_rings where name = @value) or exists (select 1 from operations where @value = any(rings))",
            "tenant" => "select exists (select 1 from tenants where name = @value) or exists (select 1 from operations where tenant = @value)",
            _ => "select exists (select 1 from module_landings where module = @value) or exists (select 1 from operations where module = @value)",
        };
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await c.ExecuteScalarAsync<bool>(new CommandDefinition(sql, new { value }, cancellationToken: ct)).ConfigureAwait(false);
    }

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
