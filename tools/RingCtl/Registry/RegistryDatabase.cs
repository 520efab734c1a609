using Dapper;
using Npgsql;

namespace RingCtl.Registry;

/// <summary>The registry's data source: one <see cref="NpgsqlDataSource"/> for the process, snake_case columns mapped to properties.</summary>
public sealed class RegistryDatabase : IAsyncDisposable
{
    static RegistryDatabase()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    public RegistryDatabase(string connectionString)
    {
        var builder = new NpgsqlSlimDataSourceBuilder(connectionString);
        // Slim: only what the registry uses (built-in types, their arrays, jsonb) is set up on the first connection.
        builder.EnableArrays().EnableJsonTypes();
        if (!connectionString.Contains("Pool Size", StringComparison.OrdinalIgnoreCase) && !connectionString.Contains("PoolSize", StringComparison.OrdinalIgnoreCase))
        {
            // A pool of twice the cores, not Npgsql's 100: more busy backends than cores only queue for the CPU, and that
            // queueing is the latency tail. 32 concurrent movers on 2 cores, one run: p99 72 ms with a connection each,
            // 11 ms with 4, against pgbench's 15 ms (docs/BENCHMARKS.md, "Registry throughput"). Multiplexing
            // (Multiplexing=true in RINGCTL_DATABASE_URL) stays opt-in: it did not beat the small pool.
            builder.ConnectionStringBuilder.MaxPoolSize = DefaultMaxPoolSize;
        }

        builder.ConnectionStringBuilder.ApplicationName ??= "ringctl";
        // ringctl never changes session state, so a pooled connection needs no DISCARD ALL when reused;
        // the registry's few statements are prepared automatically.
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 32;
        }

        // The registry uses PostgreSQL's built-in types only: the server's type catalogue is not loaded on the first
        // connection (one query fewer; no measurable change in start-up, docs/BENCHMARKS.md).
        builder.ConfigureTypeLoading(types => types.EnableTypeLoading(false));

        DataSource = builder.Build();
    }

    /// <summary>The pool's size unless the connection string sets one: twice the cores, at least 4.</summary>
    public static int DefaultMaxPoolSize { get; } = Math.Max(4, 2 * Environment.ProcessorCount);

    public NpgsqlDataSource DataSource { get; }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
