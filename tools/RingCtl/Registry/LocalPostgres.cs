using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using System.Security.Cryptography;
using RingCtl.Cli;
using RingCtl.Stacks;

namespace RingCtl.Registry;

/// <summary>
/// A PostgreSQL server of ringctl's own, in a folder (the private registry under <c>.ringctl/postgres</c>,
/// or a throw-away one for tests): initialised once, started on a free loopback port, reused while it
/// runs. It trusts no one: TCP on 127.0.0.1 needs the generated superuser password (scram-sha-256, kept in
/// <c>password</c>, 0600), the socket (in the 0700 folder) only takes the server's own OS user (peer). Run as
/// root, the server runs as the <c>postgres</c> user. A registry an older ringctl initialised with trust is
/// switched over on its next start.
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

    private string PasswordFile => Path.Combine(_root, "password");

    /// <summary>Starts the server if it is not running (initialising it the first time); returns a connection string to <paramref name="database"/>.</summary>
    public async Task<string> EnsureStartedAsync(string database, CancellationToken ct)
    {
        if (RunningAsStarted(database) is { } running)
        {
            return running;
        }

        PrivateFiles.Folder(_root);
        await using var guard = await LockAsync(ct).ConfigureAwait(false);
        var legacyTrust = File.Exists(Path.Combine(DataDirectory, "PG_VERSION")) && !File.Exists(PasswordFile);
        if (!File.Exists(PasswordFile))
        {
            PrivateFiles.CreateNew(PasswordFile, Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant());
        }

        var password = (await File.ReadAllTextAsync(PasswordFile, ct).ConfigureAwait(false)).Trim();
        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            PrivateFiles.Folder(DataDirectory);
            Own(_root);
            Run("initdb", "-D", DataDirectory, "-U", "postgres", "--auth-local=peer", "--auth-host=scram-sha-256", $"--pwfile={PasswordFile}", "--encoding=UTF8", "--no-instructions");
        }

        var port = File.Exists(PortFile) && Running() ? int.Parse(await File.ReadAllTextAsync(PortFile, ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) : 0;
        if (port == 0)
        {
            port = FreePort();
            Own(_root);
            Run("pg_ctl", "-D", DataDirectory, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60",
                "-o", $"-p {port} -c listen_addresses=127.0.0.1 -k {_root} -c fsync=off -c max_connections=200", "start");
            PrivateFiles.Write(PortFile, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var admin = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = "postgres", Password = password, Database = "postgres", Pooling = false };
        if (legacyTrust)
        {
            await LeaveTrustAsync(admin, ct).ConfigureAwait(false);
        }

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

        PrivateFiles.Write(DatabaseMarker(database), database);
        admin.Database = database;
        admin.Pooling = true;
        return admin.ConnectionString;
    }

    private string DatabaseMarker(string database) => Path.Combine(_root, $"database-{database}");

    /// <summary>
    /// Every command's question "is it up?", answered without spawning <c>pg_ctl status</c> (a process, and as root a
    /// <c>runuser</c> too: about 100 ms): the check pg_ctl makes itself — the server's <c>postmaster.pid</c> names a
    /// live postgres process listening on the port this folder recorded, with its password set and the database made.
    /// Null means "take the full path" (first start, a stopped or crashed server, a stale pid file, a legacy registry).
    /// </summary>
    private string? RunningAsStarted(string database)
    {
        try
        {
            if (!File.Exists(PasswordFile) || !File.Exists(PortFile) || !File.Exists(DatabaseMarker(database)))
            {
                return null;
            }

            // postmaster.pid: line 1 the postmaster's PID, line 2 its data directory, line 4 its port.
            var pid = File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).Take(4).ToList();
            var port = File.ReadAllText(PortFile).Trim();
            if (pid.Count < 4 || pid[3].Trim() != port || !int.TryParse(pid[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var processId)
                || !int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var portNumber))
            {
                return null;
            }

            // A PID reused after a crash is not the server: its command line must be postgres on this data directory.
            var command = File.ReadAllText($"/proc/{processId}/cmdline");
            if (!command.Contains("postgres", StringComparison.Ordinal) || !command.Contains(DataDirectory, StringComparison.Ordinal))
            {
                return null;
            }

            return new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1", Port = portNumber, Username = "postgres", Password = File.ReadAllText(PasswordFile).Trim(), Database = database, Pooling = true,
            }.ConnectionString;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>An older ringctl initialised this registry with trust: set the password, then require it.</summary>
    private async Task LeaveTrustAsync(NpgsqlConnectionStringBuilder admin, CancellationToken ct)
    {
        var trusting = new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Password = null };
        await using (var c = new NpgsqlConnection(trusting.ConnectionString))
        {
            await c.OpenAsync(ct).ConfigureAwait(false);
            // ALTER ROLE takes no parameters; the password is hex, so quoting it is safe.
            await using var alter = new NpgsqlCommand($"alter role postgres password '{admin.Password}'", c);
            await alter.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        PrivateFiles.Write(Path.Combine(DataDirectory, "pg_hba.conf"),
            "local all all peer\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n");
        Own(_root);
        Run("pg_ctl", "-D", DataDirectory, "reload");
        // A reload is asynchronous; wait until trust is gone.
        for (var i = 0; i < 50; i++)
        {
            try
            {
                await using var probe = new NpgsqlConnection(trusting.ConnectionString);
                await probe.OpenAsync(ct).ConfigureAwait(false);
                await Task.Delay(100, ct).ConfigureAwait(false);
            }
            catch (NpgsqlException)
            {
                return;
            }
        }
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
            PrivateFiles.Append(Path.Combine(_root, "server.log"), $"{tool} {string.Join(' ', args)}: exit {p.ExitCode}\n{stdout.Result}{stderr}\n");
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
                var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = PrivateFiles.FileMode;
                }

                return new FileStream(path, options);
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
