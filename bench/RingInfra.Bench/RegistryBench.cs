using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Npgsql;
using RingCtl.Registry;
using RingInfra.Core.Fleet;

namespace RingInfra.Bench;

/// <summary>
/// Tenant moves through the registry code (read the tenant's ring, then the compare-and-set and its log
/// row in one transaction; no stacks) from N concurrent clients, against pgbench running the same
/// transaction on the same server.
/// </summary>
public static class RegistryBench
{
    private const int Tenants = 1000;

    public static async Task RunAsync(string repositoryRoot, int clients, int seconds)
    {
        var dir = Path.Combine(Path.GetTempPath(), "bench-registry-" + Guid.NewGuid().ToString("N")[..8]); // world-traversable: the server runs as postgres
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0x1FF); // pgbench, run as postgres, writes its per-transaction log here
        var server = new LocalPostgres(Path.Combine(dir, "pg"));
        try
        {
            var cs = await server.EnsureStartedAsync("bench", CancellationToken.None).ConfigureAwait(false);
            var fleetDir = Path.Combine(dir, "fleet");
            FleetGenerator.Write(fleetDir, 3, Tenants, 23, repositoryRoot);
            var builder = new NpgsqlConnectionStringBuilder(cs);
            await using (var setup = new RegistryDatabase(builder.ConnectionString))
            {
                await RegistryMigrator.MigrateAsync(setup.DataSource, CancellationToken.None).ConfigureAwait(false);
                await new RingRegistry(setup).SeedAsync(FleetLoader.Load(new DirectoryFiles(fleetDir)), CancellationToken.None).ConfigureAwait(false);
            }

            // Every mode in the same run, on the same server, then pgbench: only ratios from one run hold on this machine.
            var modes = new (string Name, string Connection)[]
            {
                ($"pool of {clients + 4}, a connection per client (the old default)", new NpgsqlConnectionStringBuilder(cs) { MaxPoolSize = clients + 4 }.ConnectionString),
                ($"pool of {RegistryDatabase.DefaultMaxPoolSize}, twice the cores (the default)", cs),
                ("Npgsql multiplexing (Multiplexing=true)", new NpgsqlConnectionStringBuilder(cs) { Multiplexing = true }.ConnectionString),
            };
            var results = new List<string>();
            foreach (var (name, connection) in modes)
            {
                results.Add(name + ": " + await MovesAsync(connection, clients, seconds).ConfigureAwait(false));
            }

            var script = Path.Combine(dir, "move.sql");
            await File.WriteAllTextAsync(script, $$"""
                \set t random(1, {{Tenants}})
                \set r random(1, 3)
                select module_ring_id from tenants where id = :t;
                begin;
                update tenants set module_ring_id = :r, updated_at = now() where id = :t and module_ring_id <> :r;
                insert into operations (kind, rings, tenant, from_value, to_value, actor, reason) values ('tenant-move', '{a,b}', 'tenant', 'a', 'b', 'pgbench', '');
                commit;

                """).ConfigureAwait(false);
            var port = builder.Port.ToString(CultureInfo.InvariantCulture);
            var pgbench = PgBench(["-n", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2",
                "-T", seconds.ToString(CultureInfo.InvariantCulture), "-f", script, "-l", "--log-prefix", Path.Combine(dir, "pgbench"), builder.Database!], builder.Password!);
            if (pgbench.Code != 0)
            {
                throw new InvalidOperationException("pgbench failed: " + pgbench.Err);
            }

            var tps = double.Parse(System.Text.RegularExpressions.Regex.Match(pgbench.Out, @"tps = ([0-9.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
            // pgbench -l: one line per transaction, the third field its latency in microseconds.
            var pgSorted = Directory.GetFiles(dir, "pgbench.*").SelectMany(File.ReadLines)
                .Select(l => double.Parse(l.Split(' ')[2], CultureInfo.InvariantCulture) / 1000).Order().ToList();
            var pgP99 = Measure.Percentile(pgSorted, 99);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"registry clients={clients} seconds={seconds}: pgbench same transaction {tps:F0} tps, p50 {Measure.Percentile(pgSorted, 50):F2} ms, p99 {pgP99:F2} ms"));
            foreach (var line in results)
            {
                var rate = double.Parse(System.Text.RegularExpressions.Regex.Match(line, @" ([0-9]+) moves/s").Groups[1].Value, CultureInfo.InvariantCulture);
                var p99 = double.Parse(System.Text.RegularExpressions.Regex.Match(line, @"p99 ([0-9.]+) ms").Groups[1].Value, CultureInfo.InvariantCulture);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {line}; rate {rate / tps:P0} of pgbench, p99 {p99 / pgP99:F2}x pgbench's"));
            }
        }
        finally
        {
            server.Stop();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>N clients moving random tenants for <paramref name="seconds"/> after a 2 s warm-up; what the run cost in GC and thread-pool queueing.</summary>
    private static async Task<string> MovesAsync(string connection, int clients, int seconds)
    {
        await using var db = new RegistryDatabase(connection);
        var registry = new RingRegistry(db);
        var rings = (await registry.ListRingsAsync(CancellationToken.None).ConfigureAwait(false)).Select(r => r.Name).ToArray();
        ThreadPool.SetMinThreads(clients * 2, clients * 2);
        var latencies = new ConcurrentBag<double>();
        var conflicts = 0;
        var warmUp = TimeSpan.FromSeconds(2);
        var deadline = Stopwatch.StartNew();
        var measuring = new Stopwatch();
        var gcBefore = (Count: 0, Pause: TimeSpan.Zero);
        var queued = 0L;
        using var sampler = new Timer(_ => Interlocked.Exchange(ref queued, Math.Max(Interlocked.Read(ref queued), ThreadPool.PendingWorkItemCount)), null, 0, 10);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var random = new Random(c);
            while (deadline.Elapsed < warmUp + TimeSpan.FromSeconds(seconds))
            {
                var measured = deadline.Elapsed >= warmUp;
                if (measured && !measuring.IsRunning)
                {
                    lock (measuring)
                    {
                        if (!measuring.IsRunning)
                        {
                            gcBefore = (GC.CollectionCount(0), GC.GetTotalPauseDuration());
                            Interlocked.Exchange(ref queued, 0);
                            measuring.Start();
                        }
                    }
                }

                var tenant = $"tenant-{random.Next(Tenants):D6}";
                var sw = Stopwatch.StartNew();
                var from = await registry.RingOfTenantAsync(tenant, CancellationToken.None).ConfigureAwait(false);
                var to = rings.Where(r => r != from).ElementAt(random.Next(rings.Length - 1));
                var id = await registry.MoveTenantAsync(tenant, from!, to, new OperationIntent("tenant-move", [from!, to], "bench", "") { Tenant = tenant, From = from, To = to }, CancellationToken.None).ConfigureAwait(false);
                if (!measured)
                {
                    continue;
                }

                if (id is null)
                {
                    Interlocked.Increment(ref conflicts);
                }

                latencies.Add(sw.Elapsed.TotalMilliseconds);
            }
        }))).ConfigureAwait(false);
        var elapsed = measuring.Elapsed.TotalSeconds;
        var gcs = GC.CollectionCount(0) - gcBefore.Count;
        var pause = (GC.GetTotalPauseDuration() - gcBefore.Pause).TotalMilliseconds;
        var sorted = latencies.Order().ToList();
        return string.Create(CultureInfo.InvariantCulture,
            $"{sorted.Count} moves ({conflicts} lost the compare-and-set), {sorted.Count / elapsed:F0} moves/s, p50 {Measure.Percentile(sorted, 50):F2} ms, p99 {Measure.Percentile(sorted, 99):F2} ms; {gcs} GCs pausing {pause:F0} ms in all, at most {Interlocked.Read(ref queued)} work items queued");
    }

    private static (int Code, string Out, string Err) PgBench(string[] args, string password)
    {
        // The private server takes passwords only (scram-sha-256): pgbench reads it from PGPASSWORD, never argv.
        var env = new Dictionary<string, string> { ["PGPASSWORD"] = password };
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "pgbench")).First(File.Exists);
        return Environment.UserName == "root" ? Measure.Run("runuser", ["-u", "postgres", "--", bin, .. args], null, env) : Measure.Run(bin, args, null, env);
    }
}
