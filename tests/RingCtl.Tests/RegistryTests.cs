using Npgsql;
using RingCtl.Registry;
using RingCtl.Tests.Support;
using RingInfra.Core.Tests.Support;

namespace RingCtl.Tests;

[Collection("postgres")]
public sealed class RegistryTests
{
    private readonly PostgresFixture _pg;

    public RegistryTests(PostgresFixture pg)
    {
        _pg = pg;
    }

    private async Task<RegistryDatabase> SeededAsync()
    {
        var db = new RegistryDatabase(await _pg.NewDatabaseAsync());
        await RegistryMigrator.MigrateAsync(db.DataSource, CancellationToken.None);
        (await new RingRegistry(db).SeedAsync(Repo.LoadFleet(), CancellationToken.None)).ShouldNotBeNull();
        return db;
    }

    [Fact]
    public async Task Migrate_AppliesOnce_ThenIsUpToDate()
    {
        await using var db = new RegistryDatabase(await _pg.NewDatabaseAsync());
        (await RegistryMigrator.MigrateAsync(db.DataSource, CancellationToken.None)).Select(m => m.Version).ShouldBe([1, 2, 3, 4, 5, 6, 7, 8]);
        (await RegistryMigrator.MigrateAsync(db.DataSource, CancellationToken.None)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("007", true)]
    [InlineData("acme-2", true)]
    [InlineData("-acme", false)]
    [InlineData("Acme", false)]
    public async Task TheDatabase_TakesTenantNamesByTheSameRuleAsCore(string tenant, bool accepted)
    {
        await using var db = await SeededAsync();
        await using var c = await db.DataSource.OpenConnectionAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("insert into tenants (name, module_ring_id) select @n, id from module_rings where name = 'edge'", c);
        cmd.Parameters.AddWithValue("n", tenant);
        if (accepted)
        {
            (await cmd.ExecuteNonQueryAsync()).ShouldBe(1);
        }
        else
        {
            (await Should.ThrowAsync<Npgsql.PostgresException>(() => cmd.ExecuteNonQueryAsync())).SqlState.ShouldBe(Npgsql.PostgresErrorCodes.CheckViolation);
        }

        RingInfra.Core.Config.Names.IsTenantName(tenant).ShouldBe(accepted);
    }

    [Fact]
    public async Task Seed_LoadsRingsAndTenantsFromTheStackFiles_Once()
    {
        await using var db = await SeededAsync();
        var registry = new RingRegistry(db);
        (await registry.ListRingsAsync(CancellationToken.None)).Select(r => (r.Name, r.PromotionOrder, r.IsDefault, r.TenantCount))
            .ShouldBe([("stable", 0, true, 2), ("edge", 10, false, 2), ("canary", 20, false, 1)]);
        (await registry.RingOfTenantAsync("widgets", CancellationToken.None)).ShouldBe("edge");
        (await registry.SeedAsync(Repo.LoadFleet(), CancellationToken.None)).ShouldBeNull();
    }

    [Theory]
    [InlineData("update module_rings set is_default = true where name = 'edge'", "23505")]
    [InlineData("update module_rings set is_default = false where name = 'stable'", "23514")]
    [InlineData("update module_rings set promotion_order = 10 where name = 'canary'", "23505")]
    [InlineData("update module_rings set hostname_segment = 'edge' where name = 'canary'", "23505")]
    [InlineData("update module_rings set is_active = false where name = 'edge'", "23514")]
    [InlineData("insert into tenants (name, module_ring_id) values ('acme', (select id from module_rings where name = 'edge'))", "23505")]
    [InlineData("delete from operations", "42501")]
    [InlineData("update operations set parent_id = id", "42501")]
    [InlineData("insert into operations (kind, rings, actor, parent_id) values ('tenant-wave', '{canary}', 't', 999)", "23503")]
    public async Task TheDatabaseItself_RefusesWhatMustNeverBeTrue(string sql, string sqlState)
    {
        await using var db = await SeededAsync();
        await using (var c = await db.DataSource.OpenConnectionAsync())
        {
            await using var op = new NpgsqlCommand("insert into operations (kind, rings, actor) values ('up', '{canary}', 't')", c);
            await op.ExecuteNonQueryAsync();
        }

        await using var conn = await db.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var e = await Should.ThrowAsync<PostgresException>(async () =>
        {
            await using var cmd = new NpgsqlCommand(sql, conn, tx);
            await cmd.ExecuteNonQueryAsync();
            await tx.CommitAsync();
        });
        e.SqlState.ShouldBe(sqlState, e.MessageText);
    }

    [Fact]
    public async Task ClosedOperation_CannotBeRewritten()
    {
        await using var db = await SeededAsync();
        var log = new OperationLog(db);
        var id = await log.BeginAsync(new OperationIntent("up", ["canary"], "tester", "why"), CancellationToken.None);
        await log.CloseAsync(id, "succeeded", null, CancellationToken.None);
        var e = await Should.ThrowAsync<PostgresException>(() => log.CloseAsync(id, "failed", "again", CancellationToken.None));
        e.MessageText.ShouldBe($"operation {id} is already succeeded");
    }

    [Fact]
    public async Task Lease_IsExclusive_UntilReleasedOrExpired()
    {
        await using var db = await SeededAsync();
        var leases = new RingLeases(db);
        await using (await leases.AcquireAsync(["canary", "edge"], "alice@host:1", RingLeases.DefaultTtl, TimeSpan.Zero, CancellationToken.None))
        {
            var busy = await Should.ThrowAsync<RingBusyException>(() => leases.AcquireAsync(["edge"], "bob@host:2", RingLeases.DefaultTtl, TimeSpan.Zero, CancellationToken.None));
            busy.Message.ShouldStartWith("ring busy: edge is held by alice@host:1 since ");
        }

        await using (await leases.AcquireAsync(["edge"], "bob@host:2", TimeSpan.FromMilliseconds(1), TimeSpan.Zero, CancellationToken.None))
        {
            await Task.Delay(50);
            // bob's lease has expired: carol takes it over.
            await using var carol = await leases.AcquireAsync(["edge"], "carol@host:3", RingLeases.DefaultTtl, TimeSpan.Zero, CancellationToken.None);
            carol.Rings.ShouldBe(["edge"]);
        }
    }
}
