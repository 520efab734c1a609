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
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= "ringctl";
        // ringctl never changes session state, so a pooled connection needs no DISCARD ALL when reused;
        // the registry's few statements are prepared automatically.
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 32;
        }
        // The registry uses PostgreSQL's built-in types only: skip loading the server's type catalogue on the first
        // connection (one query of pg_type, a large share of a one-shot command's start).
        builder.ConfigureTypeLoading(types => types.EnableTypeLoading(false));

        DataSource = builder.Build();
    }

    public NpgsqlDataSource DataSource { get; }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
