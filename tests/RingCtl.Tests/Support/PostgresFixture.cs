using Npgsql;
using RingCtl.Registry;

namespace RingCtl.Tests.Support;

/// <summary>
/// A throw-away PostgreSQL server for the test run (real PostgreSQL, never a substitute), started as
/// ringctl starts its private registry: its own folder, a free loopback port. Each test gets a fresh
/// database, so tests never see each other's rows.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ringinfra-pg-" + Guid.NewGuid().ToString("N")[..10]);
    private LocalPostgres? _server;
    private string _admin = "";

    public async Task InitializeAsync()
    {
        _server = new LocalPostgres(_root);
        _admin = await _server.EnsureStartedAsync("postgres", CancellationToken.None);
    }

    /// <summary>A new empty database; returns its connection string.</summary>
    public async Task<string> NewDatabaseAsync()
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var c = new NpgsqlConnection(_admin))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"create database {name}", c);
            await cmd.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(_admin) { Database = name, MaxPoolSize = 100 }.ConnectionString;
    }

    public Task DisposeAsync()
    {
        _server?.Stop();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // The server may still be releasing files; the temp folder is left for the OS to clean.
        }

        return Task.CompletedTask;
    }
}

[CollectionDefinition("postgres")]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>;
