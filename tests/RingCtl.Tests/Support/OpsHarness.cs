using RingCtl.Cli;
using RingCtl.Operations;
using RingCtl.Registry;
using RingCtl.Stacks;
using RingInfra.Core.Tests.Support;

namespace RingCtl.Tests.Support;

/// <summary>A temp copy of the repository, a fresh migrated and seeded registry on the real server, and an operation context over them.</summary>
public sealed class OpsHarness : IAsyncDisposable
{
    private OpsHarness(TempRepo repo, RegistryDatabase db, string connectionString)
    {
        Repo = repo;
        Database = db;
        ConnectionString = connectionString;
    }

    public TempRepo Repo { get; }

    public RegistryDatabase Database { get; }

    public string ConnectionString { get; }

    public RingRegistry Registry => new(Database);

    public OperationLog Log => new(Database);

    public List<string> Progress { get; } = [];

    public static async Task<OpsHarness> CreateAsync(PostgresFixture pg, Action<TempRepo>? arrange = null)
    {
        var repo = new TempRepo();
        arrange?.Invoke(repo);
        var cs = await pg.NewDatabaseAsync();
        var db = new RegistryDatabase(cs);
        await RegistryMigrator.MigrateAsync(db.DataSource, CancellationToken.None);
        await new RingRegistry(db).SeedAsync(repo.Load(), CancellationToken.None);
        var harness = new OpsHarness(repo, db, cs);
        // A fleet that has run for a month: every seeded version has baked (a test of the bake gate sets its own times).
        await harness.LandedAsync(TimeSpan.FromDays(30));
        return harness;
    }

    /// <summary>Sets when every recorded landing happened (or only <paramref name="ring"/>'s <paramref name="module"/>): <paramref name="ago"/> before now.</summary>
    public async Task LandedAsync(TimeSpan ago, string? ring = null, string? module = null)
    {
        await using var c = await Database.DataSource.OpenConnectionAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("update module_landings set landed_at = now() - @ago where (@ring::text is null or ring = @ring) and (@module::text is null or module = @module)", c);
        cmd.Parameters.AddWithValue("ago", ago);
        cmd.Parameters.AddWithValue("ring", (object?)ring ?? DBNull.Value);
        cmd.Parameters.AddWithValue("module", (object?)module ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync();
    }

    public OperationContext Context(IStackRunner stacks, string actor = "tester") => new()
    {
        Registry = Registry,
        Log = Log,
        Leases = new RingLeases(Database),
        Stacks = stacks,
        Root = Repo.Root,
        Actor = actor,
        Progress = new SyncProgress(Progress),
    };

    /// <summary>ringctl in-process against this repository and registry, with the given stacks.</summary>
    public Task<RingCtlRunner.Result> RunAsync(IStackRunner stacks, params string[] args) =>
        RingCtlRunner.RunAsync(Repo.Root, new CliContextOptions(ConnectionString, _ => stacks), args);

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        Repo.Dispose();
    }

    private sealed class SyncProgress(List<string> lines) : IProgress<string>
    {
        public void Report(string value)
        {
            lock (lines)
            {
                lines.Add(value);
            }
        }
    }
}
