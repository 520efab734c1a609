using Dapper;
using Npgsql;
using RingInfra.Core.Fleet;

namespace RingCtl.Registry;

/// <summary>
/// Rings and tenant assignment (doc 000's <c>module_rings</c> and <c>tenants.module_ring_id</c>): the source
/// of truth. A tenant move is a compare-and-set and its log row, in one transaction.
/// </summary>
public sealed class RingRegistry
{
    private const string RingColumns = """
        r.id, r.name, r.display_name, r.description, r.manifest_path, r.k8s_namespace, r.k8s_service, r.hostname_segment,
        r.promotion_order, r.is_active, r.is_default, r.held, r.held_reason,
        (select count(*)::int from tenants t where t.module_ring_id = r.id) as tenant_count
        """;

    private readonly NpgsqlDataSource _db;

    public RingRegistry(RegistryDatabase database)
    {
        _db = database.DataSource;
        Waves = new WaveRegistry(database);
    }

    /// <summary>Tenant waves' runs, waves and tenant rows (<c>tenant move</c>).</summary>
    public WaveRegistry Waves { get; }

    public async Task<IReadOnlyList<RingRecord>> ListRingsAsync(CancellationToken ct)
    {
        // Read by hand, not through Dapper: every command starts here (the seed check, `ring list`), and Dapper's first
        // query of a type emits and compiles a reader at run time (tens of milliseconds of a one-shot command).
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand($"select {RingColumns} from module_rings r order by r.promotion_order", c);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var rings = new List<RingRecord>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            rings.Add(new RingRecord
            {
                Id = reader.GetInt64(0),
                Name = reader.GetString(1),
                DisplayName = reader.GetString(2),
                Description = reader.GetString(3),
                ManifestPath = reader.GetString(4),
                K8sNamespace = reader.GetString(5),
                K8sService = reader.GetString(6),
                HostnameSegment = reader.GetString(7),
                PromotionOrder = reader.GetInt32(8),
                IsActive = reader.GetBoolean(9),
                IsDefault = reader.GetBoolean(10),
                Held = reader.GetBoolean(11),
                HeldReason = reader.IsDBNull(12) ? null : reader.GetString(12),
                TenantCount = reader.GetInt32(13),
            });
        }

        return rings;
    }

    public async Task<RingRecord?> FindRingAsync(string name, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await c.QuerySingleOrDefaultAsync<RingRecord>(new CommandDefinition($"select {RingColumns} from module_rings r where r.name = @name", new { name }, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>Tenant → ring name, sorted by tenant.</summary>
    public async Task<IReadOnlyList<(string Tenant, string Ring)>> TenantsAsync(string? ring, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        return [.. await c.QueryAsync<(string, string)>(new CommandDefinition(
            "select t.name, r.name from tenants t join module_rings r on r.id = t.module_ring_id where @ring::text is null or r.name = @ring order by t.name",
            new { ring }, cancellationToken: ct)).ConfigureAwait(false)];
    }

    public async Task<string?> RingOfTenantAsync(string tenant, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "select r.name from tenants t join module_rings r on r.id = t.module_ring_id where t.name = @tenant", new { tenant }, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>
    /// Compare-and-set: moves <paramref name="tenant"/> from <paramref name="from"/> to <paramref name="to"/> only if it is
    /// still in <paramref name="from"/>, and writes the intent row in the same transaction. Returns the
    /// operation id, or null when the tenant is no longer where the caller saw it.
    /// </summary>
    public async Task<long?> MoveTenantAsync(string tenant, string from, string to, OperationIntent intent, CancellationToken ct)
    {
        // One statement, so one round trip and one implicit transaction: the compare-and-set and the
        // log row are written together or not at all.
        var p = OperationLog.Parameters(intent);
        p.AddDynamicParams(new { casTenant = tenant, fromRing = from, toRing = to });
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await c.ExecuteScalarAsync<long?>(new CommandDefinition($"""
            with moved as (
                update tenants set module_ring_id = (select id from module_rings where name = @toRing), updated_at = now()
                where name = @casTenant and module_ring_id = (select id from module_rings where name = @fromRing)
                returning 1)
            insert into operations ({OperationLog.IntentColumns})
            select {OperationLog.IntentValues} from moved
            returning id
            """, p, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>Puts a tenant back after a failed move (compare-and-set again) and closes the operation, in one transaction.</summary>
    public async Task<bool> RevertMoveAsync(string tenant, string from, string to, long operationId, string error, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        var reverted = await c.ExecuteAsync(new CommandDefinition("""
            update tenants set module_ring_id = (select id from module_rings where name = @from), updated_at = now()
            where name = @tenant and module_ring_id = (select id from module_rings where name = @to)
            """, new { tenant, from, to }, tx, cancellationToken: ct)).ConfigureAwait(false);
        await OperationLog.CloseAsync(c, tx, operationId, "failed", error, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return reverted == 1;
    }

    /// <summary>
    /// Onboards a tenant onto <paramref name="ring"/> and writes the intent row, in one transaction. Returns the
    /// operation id, or null when the tenant is already in the registry.
    /// </summary>
    public async Task<long?> AddTenantAsync(string tenant, string ring, OperationIntent intent, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        var added = await c.ExecuteAsync(new CommandDefinition("""
            insert into tenants (name, module_ring_id) select @tenant, id from module_rings where name = @ring
            on conflict (name) do nothing
            """, new { tenant, ring }, tx, cancellationToken: ct)).ConfigureAwait(false);
        if (added == 0)
        {
            await tx.RollbackAsync(ct).ConfigureAwait(false);
            return null;
        }

        var id = await OperationLog.InsertAsync(c, tx, intent, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return id;
    }

    /// <summary>
    /// Offboards a tenant from <paramref name="ring"/> (compare-and-set on its ring) and writes the intent row, in
    /// one transaction. Returns the operation id, or null when the tenant is not (or no longer) in that ring.
    /// </summary>
    public async Task<long?> RemoveTenantAsync(string tenant, string ring, OperationIntent intent, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        var removed = await c.ExecuteAsync(new CommandDefinition(
            "delete from tenants where name = @tenant and module_ring_id = (select id from module_rings where name = @ring)",
            new { tenant, ring }, tx, cancellationToken: ct)).ConfigureAwait(false);
        if (removed == 0)
        {
            await tx.RollbackAsync(ct).ConfigureAwait(false);
            return null;
        }

        var id = await OperationLog.InsertAsync(c, tx, intent, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return id;
    }

    /// <summary>Undoes an onboarding or offboarding after a failure and closes its operation as failed, in one transaction.</summary>
    public async Task UndoTenantAsync(string tenant, string? ring, long operationId, string error, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        var sql = ring is null
            ? "delete from tenants where name = @tenant"
            : "insert into tenants (name, module_ring_id) select @tenant, id from module_rings where name = @ring on conflict (name) do nothing";
        await c.ExecuteAsync(new CommandDefinition(sql, new { tenant, ring }, tx, cancellationToken: ct)).ConfigureAwait(false);
        await OperationLog.CloseAsync(c, tx, operationId, "failed", error, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Moves the default flag from <paramref name="from"/> to <paramref name="to"/> (compare-and-set: only if
    /// <paramref name="from"/> is still the default) and writes the intent row, in one transaction; null when it moved meanwhile.
    /// </summary>
    public async Task<long?> SetDefaultAsync(string from, string to, OperationIntent intent, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        var moved = await c.ExecuteAsync(new CommandDefinition("""
            update module_rings set is_default = (name = @to), updated_at = now()
            where name in (@from, @to) and exists (select 1 from module_rings where name = @from and is_default)
            """, new { from, to }, tx, cancellationToken: ct)).ConfigureAwait(false);
        if (moved != 2)
        {
            await tx.RollbackAsync(ct).ConfigureAwait(false);
            return null;
        }

        var id = await OperationLog.InsertAsync(c, tx, intent, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return id;
    }

    /// <summary>Puts the default flag back after a failed <c>ring set-default</c> and closes its operation, in one transaction.</summary>
    public async Task RevertDefaultAsync(string from, string to, long operationId, string error, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await c.ExecuteAsync(new CommandDefinition("update module_rings set is_default = (name = @from), updated_at = now() where name in (@from, @to)",
            new { from, to }, tx, cancellationToken: ct)).ConfigureAwait(false);
        await OperationLog.CloseAsync(c, tx, operationId, "failed", error, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    public async Task InsertRingAsync(RingRecord ring, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await c.ExecuteAsync(new CommandDefinition("""
            insert into module_rings (name, display_name, description, manifest_path, k8s_namespace, k8s_service, hostname_segment, promotion_order, is_active, is_default)
            values (@Name, @DisplayName, @Description, @ManifestPath, @K8sNamespace, @K8sService, @HostnameSegment, @PromotionOrder, @IsActive, @IsDefault)
            """, ring, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>Removes a ring that never served (a failed ring add); refused by the database if it has tenants.</summary>
    public async Task DeleteRingAsync(string name, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await c.ExecuteAsync(new CommandDefinition("delete from module_rings where name = @name", new { name }, cancellationToken: ct)).ConfigureAwait(false);
    }

    public async Task SetActiveAsync(string name, bool active, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await c.ExecuteAsync(new CommandDefinition("update module_rings set is_active = @active, updated_at = now() where name = @name", new { name, active }, cancellationToken: ct)).ConfigureAwait(false);
    }

    public async Task SetHeldAsync(string name, string? reason, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await c.ExecuteAsync(new CommandDefinition("update module_rings set held = @held, held_reason = @reason, updated_at = now() where name = @name",
            new { name, held = reason is not null, reason }, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>What the registry holds for every ring: tenants (with their home regions), default, active (the one source of truth for them).</summary>
    public async Task<IReadOnlyDictionary<string, RingAssignment>> AssignmentsAsync(CancellationToken ct)
    {
        var rings = await ListRingsAsync(ct).ConfigureAwait(false);
        var tenants = (await TenantsAsync(null, ct).ConfigureAwait(false)).ToLookup(t => t.Ring, t => t.Tenant);
        var homes = await HomeRegionsAsync(ct).ConfigureAwait(false);
        return rings.ToDictionary(r => r.Name, r => Assignment(r, [.. tenants[r.Name]], homes), StringComparer.Ordinal);
    }

    /// <summary>One ring's assignment as the registry holds it (what its stack file is told before an update).</summary>
    public async Task<RingAssignment?> AssignmentAsync(string ring, CancellationToken ct)
    {
        var record = await FindRingAsync(ring, ct).ConfigureAwait(false);
        if (record is null)
        {
            return null;
        }

        // The ring's tenants with their home regions, in one query (not every tenant's home region of the fleet).
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        var rows = (await c.QueryAsync<(string Tenant, string? Home)>(new CommandDefinition(
            "select t.name, t.home_region from tenants t join module_rings r on r.id = t.module_ring_id where r.name = @ring order by t.name",
            new { ring }, cancellationToken: ct)).ConfigureAwait(false)).ToList();
        return Assignment(record, [.. rows.Select(r => r.Tenant)], rows.Where(r => r.Home is not null).ToDictionary(r => r.Tenant, r => r.Home!, StringComparer.Ordinal));
    }

    private static RingAssignment Assignment(RingRecord ring, IReadOnlyList<string> tenants, IReadOnlyDictionary<string, string> homes) =>
        new([.. tenants.Order(StringComparer.Ordinal)], ring.IsDefault, ring.IsActive)
        {
            Regions = new SortedDictionary<string, string>(tenants.Where(homes.ContainsKey).ToDictionary(t => t, t => homes[t], StringComparer.Ordinal), StringComparer.Ordinal),
        };

    /// <summary>Every tenant's home region, for the tenants that have one (doc 004).</summary>
    public async Task<IReadOnlyDictionary<string, string>> HomeRegionsAsync(CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        return (await c.QueryAsync<(string, string)>(new CommandDefinition("select name, home_region from tenants where home_region is not null", cancellationToken: ct)).ConfigureAwait(false))
            .ToDictionary(t => t.Item1, t => t.Item2, StringComparer.Ordinal);
    }

    /// <summary>The tenant's ring and home region (null region: none), or null when the tenant is not registered.</summary>
    public async Task<(string Ring, string? Region)?> TenantHomeAsync(string tenant, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<(string, string?)?>(new CommandDefinition(
            "select r.name, t.home_region from tenants t join module_rings r on r.id = t.module_ring_id where t.name = @tenant", new { tenant }, cancellationToken: ct)).ConfigureAwait(false);
        return row;
    }

    /// <summary>
    /// Compare-and-set: gives <paramref name="tenant"/> the home region <paramref name="to"/> (null: none) only while it is
    /// still in <paramref name="ring"/> with the home region <paramref name="from"/>, and writes the intent row — one statement.
    /// Returns the operation id, or null when the tenant changed meanwhile.
    /// </summary>
    public async Task<long?> SetHomeRegionAsync(string tenant, string ring, string? from, string? to, OperationIntent intent, CancellationToken ct)
    {
        var p = OperationLog.Parameters(intent);
        p.AddDynamicParams(new { casTenant = tenant, casRing = ring, fromRegion = from, toRegion = to });
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await c.ExecuteScalarAsync<long?>(new CommandDefinition($"""
            with changed as (
                update tenants set home_region = @toRegion, updated_at = now()
                where name = @casTenant and module_ring_id = (select id from module_rings where name = @casRing) and home_region is not distinct from @fromRegion::text
                returning 1)
            insert into operations ({OperationLog.IntentColumns})
            select {OperationLog.IntentValues} from changed
            returning id
            """, p, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>Puts a home region back after a failed change (compare-and-set) and closes the operation, in one transaction.</summary>
    public async Task RevertHomeRegionAsync(string tenant, string? from, string? to, long operationId, string error, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await c.ExecuteAsync(new CommandDefinition("update tenants set home_region = @from, updated_at = now() where name = @tenant and home_region is not distinct from @to::text",
            new { tenant, from, to }, tx, cancellationToken: ct)).ConfigureAwait(false);
        await OperationLog.CloseAsync(c, tx, operationId, "failed", error, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Records what one cluster of a ring received: the lock it was updated to, or the failure of its update.</summary>
    public async Task RecordClusterAsync(string ring, RingInfra.Core.Config.ClusterSpec cluster, string lockHash, string? failure, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await c.ExecuteAsync(new CommandDefinition("""
            insert into cluster_rollouts (ring, cluster, region, lock_hash, state, message, at) values (@ring, @Name, @Region, @lockHash, @state, @failure, now())
            on conflict (ring, cluster) do update set region = excluded.region, lock_hash = excluded.lock_hash, state = excluded.state, message = excluded.message, at = excluded.at
            """, new { ring, cluster.Name, Region = cluster.Region ?? "", lockHash, state = failure is null ? "updated" : "failed", failure }, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>Each cluster's last rollout: ring, cluster, region, lock hash, state (updated/failed), message, when.</summary>
    public async Task<IReadOnlyList<ClusterRollout>> ClusterRolloutsAsync(CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        return [.. await c.QueryAsync<ClusterRollout>(new CommandDefinition(
            "select ring as Ring, cluster as Cluster, region as Region, lock_hash as LockHash, state as State, message as Message, at as At from cluster_rollouts order by ring, cluster",
            cancellationToken: ct)).ConfigureAwait(false)];
    }

    /// <summary>When the module's current version landed in the ring (null when never recorded).</summary>
    public async Task<(string Version, DateTimeOffset LandedAt)?> LandingAsync(string ring, string module, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<(string, DateTime)?>(new CommandDefinition(
            "select version, landed_at from module_landings where ring = @ring and module = @module", new { ring, module }, cancellationToken: ct)).ConfigureAwait(false);
        return row is { } r ? (r.Item1, new DateTimeOffset(DateTime.SpecifyKind(r.Item2, DateTimeKind.Utc))) : null;
    }

    /// <summary>Every ring's current landing of every module (the report's timelines start from them).</summary>
    public async Task<IReadOnlyList<(string Ring, string Module, string Version, DateTimeOffset LandedAt)>> AllLandingsAsync(CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        var rows = await c.QueryAsync<(string Ring, string Module, string Version, DateTime LandedAt)>(new CommandDefinition(
            "select ring, module, version, landed_at from module_landings order by ring, module", cancellationToken: ct)).ConfigureAwait(false);
        return [.. rows.Select(r => (r.Ring, r.Module, r.Version, new DateTimeOffset(DateTime.SpecifyKind(r.LandedAt, DateTimeKind.Utc))))];
    }

    /// <summary>Every module's recorded version in the ring (one query; the lock-provenance gate reads a whole lock).</summary>
    public async Task<IReadOnlyDictionary<string, string>> LandedVersionsAsync(string ring, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        var rows = await c.QueryAsync<(string Module, string Version)>(new CommandDefinition(
            "select module, version from module_landings where ring = @ring", new { ring }, cancellationToken: ct)).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Module, r => r.Version, StringComparer.Ordinal);
    }

    /// <summary>The version the ring had when the registry first recorded the module there (seeding, ring add), kept forever.</summary>
    public async Task<string?> FirstLandingAsync(string ring, string module, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await c.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "select first_version from module_landings where ring = @ring and module = @module", new { ring, module }, cancellationToken: ct)).ConfigureAwait(false);
    }

    public async Task RecordLandingAsync(string ring, string module, string version, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await c.ExecuteAsync(new CommandDefinition("""
            insert into module_landings (ring, module, version, first_version) values (@ring, @module, @version, @version)
            on conflict (ring, module) do update set version = excluded.version, landed_at = now()
            """, new { ring, module, version }, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>The ring where <paramref name="module"/> <paramref name="version"/> was upgraded (its migrations ran), or null.</summary>
    public async Task<string?> UpgradedInAsync(string module, string version, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await c.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "select ring from module_upgrades where module = @module and version = @version", new { module, version }, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>Records that <paramref name="ring"/> ran the upgrade of these module versions (the first record of a version stays).</summary>
    public async Task RecordUpgradesAsync(string ring, IEnumerable<(string Module, string Version)> upgraded, CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        foreach (var (module, version) in upgraded)
        {
            await c.ExecuteAsync(new CommandDefinition(
                "insert into module_upgrades (module, version, ring) values (@module, @version, @ring) on conflict (module, version) do nothing",
                new { module, version, ring }, cancellationToken: ct)).ConfigureAwait(false);
        }
    }

    /// <summary>Database time (leases, bake times and the log all use it, never the client's clock).</summary>
    public async Task<DateTimeOffset> NowAsync(CancellationToken ct)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        var now = await c.ExecuteScalarAsync<DateTime>(new CommandDefinition("select now()", cancellationToken: ct)).ConfigureAwait(false);
        return new DateTimeOffset(DateTime.SpecifyKind(now, DateTimeKind.Utc));
    }

    /// <summary>What a seeding wrote: rings, tenants, module landings, and how many landings took their time from git history.</summary>
    public sealed record SeedResult(int Rings, int Tenants, int Landings, int FromHistory);

    /// <summary>
    /// Fills an empty registry from the repository: every ring of the stack files, its tenants, and a
    /// landing for every locked module, landed at <paramref name="landedAt"/>'s time for it (the commit that put
    /// the version in the ring's lock) or, where that has none, now. Returns null when the registry already had
    /// rings (nothing is changed then).
    /// </summary>
    public async Task<SeedResult?> SeedAsync(RingFleet fleet, CancellationToken ct, Func<RingDefinition, IReadOnlyDictionary<string, DateTimeOffset>>? landedAt = null)
    {
        await using var c = await _db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await c.ExecuteAsync(new CommandDefinition("lock table module_rings in exclusive mode", transaction: tx, cancellationToken: ct)).ConfigureAwait(false);
        if (await c.ExecuteScalarAsync<long>(new CommandDefinition("select count(*) from module_rings", transaction: tx, cancellationToken: ct)).ConfigureAwait(false) > 0)
        {
            return null;
        }

        var (tenants, landings, fromHistory) = (0, 0, 0);
        foreach (var ring in fleet.Rings)
        {
            var cfg = ring.Config;
            var times = landedAt?.Invoke(ring) ?? new Dictionary<string, DateTimeOffset>();
            await c.ExecuteAsync(new CommandDefinition("""
                insert into module_rings (name, display_name, description, manifest_path, k8s_namespace, k8s_service, hostname_segment, promotion_order, is_active, is_default)
                values (@Name, @DisplayName, @Description, @LockPath, @Namespace, @Service, @HostnameSegment, @PromotionOrder, @Active, @IsDefault)
                """, new { cfg.Name, cfg.DisplayName, cfg.Description, cfg.LockPath, cfg.Namespace, Service = $"nginx.{cfg.Namespace}.svc.cluster.local", cfg.HostnameSegment, cfg.PromotionOrder, cfg.Active, cfg.IsDefault }, tx, cancellationToken: ct)).ConfigureAwait(false);
            foreach (var tenant in cfg.Tenants)
            {
                await c.ExecuteAsync(new CommandDefinition("insert into tenants (name, module_ring_id, home_region) select @tenant, id, @home from module_rings where name = @ring",
                    new { tenant, ring = cfg.Name, home = cfg.TenantRegions.TryGetValue(tenant, out var home) ? home : null }, tx, cancellationToken: ct)).ConfigureAwait(false);
                tenants++;
            }

            foreach (var m in ring.Lock.Modules)
            {
                DateTimeOffset? at = times.TryGetValue(m.Alias, out var t) ? t.ToUniversalTime() : null;
                await c.ExecuteAsync(new CommandDefinition("""
                    insert into module_landings (ring, module, version, first_version, landed_at)
                    values (@ring, @module, @version, @version, coalesce(@at::timestamptz, now()))
                    """, new { ring = cfg.Name, module = m.Alias, version = m.Version.ToString(), at }, tx, cancellationToken: ct)).ConfigureAwait(false);
                landings++;
                fromHistory += at is null ? 0 : 1;
                // A version some ring already runs was upgraded there: it never runs its upgrade again.
                await c.ExecuteAsync(new CommandDefinition(
                    "insert into module_upgrades (module, version, ring) values (@module, @version, @ring) on conflict (module, version) do nothing",
                    new { ring = cfg.Name, module = m.Alias, version = m.Version.ToString() }, tx, cancellationToken: ct)).ConfigureAwait(false);
            }
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        return new SeedResult(fleet.Rings.Count, tenants, landings, fromHistory);
    }
}

/// <summary>What one cluster of a ring last received (<see cref="RingRegistry.RecordClusterAsync"/>).</summary>
public sealed record ClusterRollout(string Ring, string Cluster, string Region, string LockHash, string State, string? Message, DateTime At);
