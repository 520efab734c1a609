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
    public async Task AServerThatDied_LeavingItsPidFile_IsStartedAgain_NotTakenForRunning()
    {
        // Every command asks "is it up?" from postmaster.pid without spawning pg_ctl; what a power cut or an OOM kill
        // leaves (the pid file of a dead server) must send it down the full path, which starts the server again.
        var pidFile = Path.Combine(_root, "data", "postmaster.pid");
        var pid = int.Parse(File.ReadLines(pidFile).First(), System.Globalization.CultureInfo.InvariantCulture);
        var family = Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(d => d!.All(char.IsAsciiDigit)).Select(int.Parse!)
            .Where(p => p == pid || ParentOf(p) == pid).ToList();
        foreach (var p in family)
        {
            try
            {
                System.Diagnostics.Process.GetProcessById(p).Kill();
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }

        for (var i = 0; i < 100 && family.Any(p => Directory.Exists($"/proc/{p}")); i++)
        {
            await Task.Delay(100);
        }

        File.Exists(pidFile).ShouldBeTrue("a killed server leaves its pid file");
        await Should.ThrowAsync<NpgsqlException>(() => Select1(new NpgsqlConnectionStringBuilder(_connection) { Pooling = false, Timeout = 3 }.ConnectionString));

        var again = await new LocalPostgres(_root).EnsureStartedAsync("ringinfra", CancellationToken.None);

        (await Select1(again)).ShouldBe(1);
        int.Parse(File.ReadLines(pidFile).First(), System.Globalization.CultureInfo.InvariantCulture).ShouldNotBe(pid);
        // And the next command takes the fast path to the same server.
        (await new LocalPostgres(_root).EnsureStartedAsync("ringinfra", CancellationToken.None)).ShouldBe(again);
    }

    private static int ParentOf(int pid)
    {
        try
        {
            // /proc/PID/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
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
