using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using RingCtl.Cli;

namespace RingCtl.Registry;

/// <summary>
/// A PostgreSQL server of ringctl's own, in a folder (the private registry under <c>.ringctl/postgres</c>,
/// or a throw-away one for tests): initialised once, started on a free loopback port, reused while it
/// runs. Trust authentication on 127.0.0.1 only. Run as root, the server runs as the <c>postgres</c> user.
/// </summary>
public sealed class LocalPostgres
{
    private readonly string _root;
    private readonly string _bin;

    public LocalPostgres(string root)
    {
        _root = Path.GetFullPath(root);
        _bin = FindBinaries() ?? throw new CommandException(ExitCodes.Infrastructure,
            "no PostgreSQL server binaries (initdb, pg_ctl) found in RINGCTL_PG_BIN, /usr/lib/postgresql/*/bin or PATH: install PostgreSQL, or set RINGCTL_DATABASE_URL to an existing server");
    }

    public string DataDirectory => Path.Combine(_root, "data");

    private string PortFile => Path.Combine(_root, "port");

    /// <summary>Starts the server if it is not running (initialising it the first time); returns a connection string to <paramref name="database"/>.</summary>
    public async Task<string> EnsureStartedAsync(string database, CancellationToken ct)
    {
        Directory.CreateDirectory(_root);
        await using var guard = await LockAsync(ct).ConfigureAwait(false);
        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            Directory.CreateDirectory(DataDirectory);
            Own(_root);
            Run("initdb", "-D", DataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-instructions");
        }

        var port = File.Exists(PortFile) && Running() ? int.Parse(await File.ReadAllTextAsync(PortFile, ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) : 0;
        if (port == 0)
        {
            port = FreePort();
            Own(_root);
            Run("pg_ctl", "-D", DataDirectory, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60",
                "-o", $"-p {port} -c listen_addresses=127.0.0.1 -k {_root} -c fsync=off -c max_connections=200", "start");
            await File.WriteAllTextAsync(PortFile, port.ToString(System.Globalization.CultureInfo.InvariantCulture), ct).ConfigureAwait(false);
        }

        var admin = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = "postgres", Database = "postgres", Pooling = false };
        await using (var c = new NpgsqlConnection(admin.ConnectionString))
        {
            await c.OpenAsync(ct).ConfigureAwait(false);
            await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = @d", c);
            exists.Parameters.AddWithValue("d", database);
            if (await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is null)
            {
                await using var create = new NpgsqlCommand($"create database \"{database.Replace("\"", "", StringComparison.Ordinal)}\"", c);
                await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }

        admin.Database = database;
        admin.Pooling = true;
        return admin.ConnectionString;
    }

    /// <summary>Stops the server (tests; the private registry keeps running between commands).</summary>
    public void Stop()
    {
        if (Running())
        {
            Run("pg_ctl", "-D", DataDirectory, "-m", "immediate", "-w", "stop");
        }
    }

    private bool Running() => Run(false, "pg_ctl", "-D", DataDirectory, "status") == 0;

    private void Run(string tool, params string[] args)
    {
        if (Run(true, tool, args) != 0)
        {
            var log = Path.Combine(_root, "server.log");
            var last = File.Exists(log) ? File.ReadLines(log).Where(l => l.Trim().Length > 0).TakeLast(2).Select(l => l.Trim()) : [];
            throw new CommandException(ExitCodes.Infrastructure, $"{tool} failed: {string.Join(" / ", last)} (see {log})");
        }
    }

    private int Run(bool reportFailure, string tool, params string[] args)
    {
        var exe = Path.Combine(_bin, tool);
        var asPostgres = Environment.UserName == "root";
        var psi = new ProcessStartInfo(asPostgres ? "runuser" : exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", exe })
            {
                psi.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0 && reportFailure)
        {
            File.AppendAllText(Path.Combine(_root, "server.log"), $"{tool} {string.Join(' ', args)}: exit {p.ExitCode}\n{stdout.Result}{stderr}\n");
        }

        return p.ExitCode;
    }

    /// <summary>Run as root, the folder must belong to the postgres user the server runs as.</summary>
    private static void Own(string dir)
    {
        if (Environment.UserName != "root")
        {
            return;
        }

        using var p = Process.Start(new ProcessStartInfo("chown", ["-R", "postgres:postgres", dir]) { UseShellExecute = false })!;
        p.WaitForExit();
    }

    private async Task<FileStream> LockAsync(CancellationToken ct)
    {
        var path = Path.Combine(_root, ".lock");
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 600)
            {
                await Task.Delay(100, ct).ConfigureAwait(false);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindBinaries()
    {
        if (Environment.GetEnvironmentVariable("RINGCTL_PG_BIN") is { Length: > 0 } bin && File.Exists(Path.Combine(bin, "pg_ctl")))
        {
            return bin;
        }

        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).FirstOrDefault()
            : null;
        return installed ?? (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }
}
