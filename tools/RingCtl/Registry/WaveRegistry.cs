using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using RingInfra.Core.Tenants;

namespace RingCtl.Registry;

/// <summary>
/// The registry side of tenant waves (<c>tenant move</c>): the run's intent row with its plan, then per wave one
/// transaction that moves every tenant of the wave by compare-and-set and writes one log row per tenant moved plus
/// one for the wave; closing a wave closes its rows together; a failed wave is put back the same way.
/// </summary>
public sealed class WaveRegistry
{
    private readonly NpgsqlDataSource _db;

    public WaveRegistry(RegistryDatabase database)
    {
        _db = database.DataSource;
    }

    /// <summary>A run as its intent row holds it: the waves still planned (numbered from <see cref="FirstWave"/>) out of <see cref="TotalWaves"/>.</summary>
    public sealed record Run(long Id, string Status, string Step, int FirstWave, int TotalWaves, int? WaveSize, long? Resumes, IReadOnlyList<IReadOnlyList<TenantMoveSpec>> Waves, string? Error);

    /// <summary>A wave's row: its number, status and the tenants it moved (its tenant rows).</summary>
    public sealed record Wave(long Id, int Number, string Status, IReadOnlyList<TenantMoveSpec> Moved);

    /// <summary>What a wave's registry transaction did: the tenants moved and those skipped (with the ring they are in now, null when gone).</summary>
    public sealed record WaveResult(long WaveId, IReadOnlyList<TenantMoveSpec> Moved, IReadOnlyList<(TenantMoveSpec Move, string? Now)> Skipped);

    /// <summary>Writes the run's intent row with its plan (every wave's tenants, their rings then and their targets).</summary>
    public async Task<long> BeginRunAsync(OperationIntent intent, IReadOnlyList<IReadOnlyList<TenantMoveSpec>> waves, int firstWave, int totalWaves, int? waveSize, long? resumes, CancellationToken ct)
    {
        var plan = new JsonArray([.. waves.Select(w => (JsonNode)new JsonArray([.. w.Select(m => (JsonNode)new JsonArray(m.Tenant, m.From, m.To))]))]);
        var details = new JsonObject
        {
            ["firstWave"] = firstWave,
            ["totalWaves"] = totalWaves,
            ["waveSize"] = waveSize,
            ["resumes"] = resumes,
            ["tenants"] = waves.Sum(w => w.Count),
            ["plan"] = plan,
        };
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        var id = await OperationLog.InsertAsync(c, tx, intent, ct).ConfigureAwait(false);
        await c.ExecuteAsync(new CommandDefinition("update operations set details = @details::jsonb where id = @id",
            new { id, details = details.ToJsonString() }, tx, cancellationToken: ct)).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return id;
    }

    /// <summary>
    /// One transaction: every tenant of the wave moved by compare-and-set against the ring it had when the plan was made,
    /// the wave's row and one row per tenant moved. A tenant that moved meanwhile is skipped (no row, nothing changed for it).
    /// </summary>
    public async Task<WaveResult> MoveWaveAsync(long runId, int number, int of, IReadOnlyList<TenantMoveSpec> wave, string actor, string reason, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        var moved = await CompareAndSetAsync(c, tx, wave, ct).ConfigureAwait(false);
        var movedMoves = wave.Where(m => moved.Contains(m.Tenant)).ToList();
        var skippedMoves = wave.Where(m => !moved.Contains(m.Tenant)).ToList();
        var now = skippedMoves.Count == 0 ? new Dictionary<string, string>() : (await c.QueryAsync<(string Tenant, string Ring)>(new CommandDefinition(
            "select t.name, r.name from tenants t join module_rings r on r.id = t.module_ring_id where t.name = any(@names)",
            new { names = skippedMoves.Select(m => m.Tenant).ToArray() }, tx, cancellationToken: ct)).ConfigureAwait(false)).ToDictionary(r => r.Tenant, r => r.Ring, StringComparer.Ordinal);
        var skipped = skippedMoves.Select(m => (m, now.GetValueOrDefault(m.Tenant))).ToList();
        var (targets, sources) = TenantWaves.Rings(movedMoves.Count > 0 ? movedMoves : wave);
        var details = new JsonObject
        {
            ["wave"] = number,
            ["of"] = of,
            ["moved"] = movedMoves.Count,
            ["skipped"] = new JsonArray([.. skipped.Select(s => (JsonNode)new JsonObject { ["tenant"] = s.m.Tenant, ["planned"] = s.m.From, ["now"] = s.Item2 })]),
        };
        var waveId = await c.ExecuteScalarAsync<long>(new CommandDefinition("""
            insert into operations (kind, rings, from_value, to_value, actor, reason, parent_id, step, details)
            values ('tenant-wave', @rings, @from, @to, @actor, @reason, @runId, 'registry', @details::jsonb) returning id
            """, new
        {
            rings = targets.Concat(sources).ToArray(),
            from = string.Join(",", sources),
            to = string.Join(",", targets),
            actor,
            reason,
            runId,
            details = details.ToJsonString(),
        }, tx, cancellationToken: ct)).ConfigureAwait(false);
        if (movedMoves.Count > 0)
        {
            await c.ExecuteAsync(new CommandDefinition("""
                insert into operations (kind, rings, tenant, from_value, to_value, actor, reason, parent_id, step)
                select 'tenant-move', array[m.f, m.t], m.name, m.f, m.t, @actor, @reason, @waveId, 'wave ' || @number
                from unnest(@names::text[], @froms::text[], @tos::text[]) with ordinality as m(name, f, t, n) order by m.n
                """, new
            {
                names = movedMoves.Select(m => m.Tenant).ToArray(),
                froms = movedMoves.Select(m => m.From).ToArray(),
                tos = movedMoves.Select(m => m.To).ToArray(),
                actor,
                reason,
                waveId,
                number = number.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }, tx, cancellationToken: ct)).ConfigureAwait(false);
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        return new WaveResult(waveId, movedMoves, skipped);
    }

    /// <summary>
    /// Every move of <paramref name="moves"/> in one statement, each only if its tenant is still in its <see cref="TenantMoveSpec.From"/>
    /// ring; returns the tenants moved.
    /// </summary>
    private static async Task<HashSet<string>> CompareAndSetAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<TenantMoveSpec> moves, CancellationToken ct) =>
        (await c.QueryAsync<string>(new CommandDefinition("""
            update tenants x set module_ring_id = tr.id, updated_at = now()
            from unnest(@names::text[], @froms::text[], @tos::text[]) as m(name, f, t)
                join module_rings fr on fr.name = m.f
                join module_rings tr on tr.name = m.t
            where x.name = m.name and x.module_ring_id = fr.id
            returning x.name
            """, new { names = moves.Select(m => m.Tenant).ToArray(), froms = moves.Select(m => m.From).ToArray(), tos = moves.Select(m => m.To).ToArray() },
            tx, cancellationToken: ct)).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);

    /// <summary>Closes a wave's row and its tenants' rows together (a pending row only; the step too when given).</summary>
    private static Task CloseWaveRowsAsync(NpgsqlConnection c, NpgsqlTransaction? tx, long waveId, string status, string? error, string? step, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "update operations set status = @status, error = @error, step = coalesce(@step, step), finished_at = now() where status = 'pending' and (id = @waveId or parent_id = @waveId)",
            new { waveId, status, error, step }, tx, cancellationToken: ct));

    /// <summary>Closes the wave's row and its tenants' rows as succeeded, together.</summary>
    public async Task CompleteWaveAsync(long waveId, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await CloseWaveRowsAsync(c, null, waveId, "succeeded", null, "done", ct).ConfigureAwait(false);
    }

    /// <summary>A failed wave put back: each of its tenants returned by compare-and-set, and its rows closed as failed, in one transaction.</summary>
    public async Task RevertWaveAsync(long waveId, IReadOnlyList<TenantMoveSpec> moved, string error, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await CompareAndSetAsync(c, tx, [.. moved.Select(m => m with { From = m.To, To = m.From })], ct).ConfigureAwait(false);
        await CloseWaveRowsAsync(c, tx, waveId, "failed", error, null, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The run's intent row and plan; null when <paramref name="id"/> is no wave run.</summary>
    public async Task<Run?> FindRunAsync(long id, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<(long Id, string Status, string Step, string Details, string? Error)?>(new CommandDefinition(
            "select id, status, step, details::text, error from operations where id = @id and kind = 'tenant-waves'", new { id }, cancellationToken: ct)).ConfigureAwait(false);
        if (row is not { } r)
        {
            return null;
        }

        var d = JsonNode.Parse(r.Details)!.AsObject();
        // A run the gates refused was written closed without a plan.
        var waves = d["plan"] is JsonArray plan
            ? plan.Select(w => (IReadOnlyList<TenantMoveSpec>)[.. w!.AsArray().Select(m => new TenantMoveSpec(m![0]!.GetValue<string>(), m[1]!.GetValue<string>(), m[2]!.GetValue<string>()))]).ToList()
            : [];
        return new Run(r.Id, r.Status, r.Step, d["firstWave"]?.GetValue<int>() ?? 1, d["totalWaves"]?.GetValue<int>() ?? 0, d["waveSize"]?.GetValue<int>(), d["resumes"]?.GetValue<long>(), waves, r.Error);
    }

    /// <summary>The run's waves so far, in order, each with the tenants it moved.</summary>
    public async Task<IReadOnlyList<Wave>> WavesAsync(long runId, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        var waves = await c.QueryAsync<(long Id, int Number, string Status)>(new CommandDefinition(
            "select id, (details->>'wave')::int, status from operations where parent_id = @runId and kind = 'tenant-wave' order by id", new { runId }, cancellationToken: ct)).ConfigureAwait(false);
        var moves = (await c.QueryAsync<(long Wave, string Tenant, string From, string To)>(new CommandDefinition("""
            select o.parent_id, o.tenant, o.from_value, o.to_value from operations o join operations w on w.id = o.parent_id
            where w.parent_id = @runId and o.kind = 'tenant-move' order by o.id
            """, new { runId }, cancellationToken: ct)).ConfigureAwait(false)).ToLookup(m => m.Wave, m => new TenantMoveSpec(m.Tenant, m.From, m.To));
        return [.. waves.Select(w => new Wave(w.Id, w.Number, w.Status, [.. moves[w.Id]]))];
    }

    /// <summary>The run that resumed <paramref name="runId"/>, if any (a run is resumed once; resume the newest).</summary>
    public async Task<long?> ResumedByAsync(long runId, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await c.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            "select id from operations where kind = 'tenant-waves' and (details->>'resumes')::bigint = @runId order by id limit 1", new { runId }, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>A run's step (<c>wave 2/5: update edge</c>).</summary>
    public static string Step(int wave, int of, string what) => $"wave {wave}/{of}: {what}";
}
