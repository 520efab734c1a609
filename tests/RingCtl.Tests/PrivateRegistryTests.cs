using Npgsql;
using RingCtl.Registry;
using RingCtl.Stacks;
using RingCtl.Tests.Support;

namespace RingCtl.Tests;

/// <summary>ringctl's private PostgreSQL trusts no one: password over TCP, peer on the socket, private files.</summary>
public sealed class PrivateRegistryTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ringinfra-private-" + Guid.NewGuid().ToString("N")[..10]);
    private LocalPostgres? _server;
    private string _connection = "";

    public async Task InitializeAsync()
    {
        _server = new LocalPostgres(_root);
        _connection = await _server.EnsureStartedAsync("ringinfra", CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        _server?.Stop();
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    private static async Task<int> Select1(string connection)
    {
        await using var c = new NpgsqlConnection(connection);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("select 1", c);
        return (int)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task ATcpConnection_WithoutThePassword_IsRefused()
    {
        (await Select1(_connection)).ShouldBe(1);
        var noPassword = new NpgsqlConnectionStringBuilder(_connection) { Password = null }.ConnectionString;
        var wrong = new NpgsqlConnectionStringBuilder(_connection) { Password = "guess" }.ConnectionString;
        await Should.ThrowAsync<NpgsqlException>(() => Select1(noPassword));
        (await Should.ThrowAsync<PostgresException>(() => Select1(wrong))).SqlState.ShouldBe(PostgresErrorCodes.InvalidPassword);
        File.ReadAllLines(Path.Combine(_root, "data", "pg_hba.conf")).Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'))
            .ShouldAllBe(l => !l.Contains("trust", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryFileIsPrivate_AndEveryFolder()
    {
        File.GetUnixFileMode(_root).ShouldBe(PrivateFiles.FolderMode);
        File.GetUnixFileMode(Path.Combine(_root, "password")).ShouldBe(PrivateFiles.FileMode);
        foreach (var file in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith(".s.PGSQL", StringComparison.Ordinal) || f.EndsWith(".lock", StringComparison.Ordinal)))
        {
            (File.GetUnixFileMode(file) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)).ShouldBe((UnixFileMode)0, file);
        }

        foreach (var dir in Directory.EnumerateDirectories(_root, "*", SearchOption.AllDirectories))
        {
            (File.GetUnixFileMode(dir) & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)).ShouldBe((UnixFileMode)0, dir);
        }
    }

    [Fact]
    public async Task ARegistryAnOlderRingctlStartedWithTrust_IsSwitchedToPasswords_OnItsNextStart()
    {
        // What an older ringctl left: trust in pg_hba.conf, no password file.
        var hba = Path.Combine(_root, "data", "pg_hba.conf");
        var trust = "local all all trust\nhost all all 127.0.0.1/32 trust\n";
        await File.WriteAllTextAsync(hba, trust);
        File.Delete(Path.Combine(_root, "password"));
        _server!.Stop();
        var legacy = new NpgsqlConnectionStringBuilder(_connection) { Password = null, Pooling = false };
        File.Delete(Path.Combine(_root, "port"));

        var upgraded = await new LocalPostgres(_root).EnsureStartedAsync("ringinfra", CancellationToken.None);

        (await Select1(upgraded)).ShouldBe(1);
        legacy.Port = new NpgsqlConnectionStringBuilder(upgraded).Port;
        await Should.ThrowAsync<NpgsqlException>(() => Select1(legacy.ConnectionString));
        File.GetUnixFileMode(Path.Combine(_root, "password")).ShouldBe(PrivateFiles.FileMode);
    }
}
