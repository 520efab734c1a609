using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Npgsql;
using RingCtl.Operations;
using RingCtl.Registry;
using RingCtl.Stacks;
using RingInfra.Core.Fleet;
using RingInfra.Core.Tenants;

namespace RingInfra.Bench;

/// <summary>
/// Tenant waves against one-by-one moves, on a real PostgreSQL started for the bench:
/// <list type="number">
/// <item>the registry part of moving N tenants (the registry calls each path's own code makes: a wave run's plan read, intent row,
/// per-wave transaction, steps and closes; a single move's reads, compare-and-set with its row, steps and close), no stacks;</item>
/// <item>whole operations (<see cref="WaveMove"/> and <see cref="TenantMove"/>, gates and fleet loads included) for M tenants,
/// with every stack update simulated at a fixed cost: the updates counted, and the time that is not the simulated stacks.</item>
/// </list>
/// </summary>
public static class WaveBench
{
    public static async Task RunAsync(string repositoryRoot, int tenants, int waveSize, int wholeTenants, int stackMs)
    {
        var dir = Path.Combine(Path.GetTempPath(), "bench-waves-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0x1FF); // the server runs as postgres
        var server = new LocalPostgres(Path.Combine(dir, "pg"));
        try
        {
            var cs = await server.EnsureStartedAsync("bench", CancellationToken.None).ConfigureAwait(false);
            await RegistryPartAsync(cs, dir, repositoryRoot, tenants, waveSize).ConfigureAwait(false);
            await WholeOperationsAsync(cs, dir, repositoryRoot, wholeTenants, waveSize / 10, stackMs).ConfigureAwait(false);
        }
        finally
        {
            server.Stop();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<RegistryDatabase> FreshRegistryAsync(string cs, string name, string fleetDir)
    {
        await using (var admin = new NpgsqlConnection(cs))
        {
            await admin.OpenAsync().ConfigureAwait(false);
            await using var create = new NpgsqlCommand($"create database \"{name}\"", admin);
            await create.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        var db = new RegistryDatabase(new NpgsqlConnectionStringBuilder(cs) { Database = name }.ConnectionString);
        await RegistryMigrator.MigrateAsync(db.DataSource, CancellationToken.None).ConfigureAwait(false);
        await new RingRegistry(db).SeedAsync(FleetLoader.Load(new DirectoryFiles(fleetDir)), CancellationToken.None).ConfigureAwait(false);
        return db;
    }

    private static async Task ExecAsync(RegistryDatabase db, string sql)
    {
        await using var c = await db.DataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    /// <summary>Every tenant into <c>stable</c>: the source of the moves.</summary>
    private static Task AllInStableAsync(RegistryDatabase db) =>
        ExecAsync(db, "update tenants set module_ring_id = (select id from module_rings where name = 'stable')");

    private static async Task RegistryPartAsync(string cs, string dir, string repositoryRoot, int tenants, int waveSize)
    {
        var fleetDir = Path.Combine(dir, "fleet-registry");
        FleetGenerator.Write(fleetDir, 3, tenants, 23, repositoryRoot);
        await using var db = await FreshRegistryAsync(cs, "waves_registry", fleetDir).ConfigureAwait(false);
        var registry = new RingRegistry(db);
        var log = new OperationLog(db);
        var target = FleetGenerator.RingName(1);

        async Task<double> WavesAsync()
        {
            await AllInStableAsync(db).ConfigureAwait(false);
            var sw = Stopwatch.StartNew();
            // The plan's reads, as WaveMove.PlanAsync makes them.
            await registry.ListRingsAsync(CancellationToken.None).ConfigureAwait(false);
            var ringOf = await registry.TenantsAsync(null, CancellationToken.None).ConfigureAwait(false);
            var moves = ringOf.Where(t => t.Ring != target).Select(t => new TenantMoveSpec(t.Tenant, t.Ring, target)).ToList();
            var waves = TenantWaves.Split(moves, waveSize);
            var run = await registry.Waves.BeginRunAsync(new OperationIntent("tenant-waves", ["stable", target], "bench", ""), waves, 1, waves.Count, waveSize, null, CancellationToken.None).ConfigureAwait(false);
            for (var i = 0; i < waves.Count; i++)
            {
                var n = i + 1;
                await log.StepAsync(run, WaveRegistry.Step(n, waves.Count, "registry"), CancellationToken.None).ConfigureAwait(false);
                var result = await registry.Waves.MoveWaveAsync(run, n, waves.Count, waves[i], "bench", "", CancellationToken.None).ConfigureAwait(false);
                if (result.Moved.Count != waves[i].Count)
                {
                    throw new InvalidOperationException($"wave {n} moved {result.Moved.Count} of {waves[i].Count}");
                }

                foreach (var step in new[] { $"update {target}", "update stable", "check", "verify" })
                {
                    await log.StepAsync(run, WaveRegistry.Step(n, waves.Count, step), CancellationToken.None).ConfigureAwait(false);
                }

                await registry.Waves.CompleteWaveAsync(result.WaveId, CancellationToken.None).ConfigureAwait(false);
            }

            await log.CloseAsync(run, "succeeded", null, CancellationToken.None).ConfigureAwait(false);
            return sw.Elapsed.TotalMilliseconds;
        }

        async Task<double> OneByOneAsync()
        {
            await AllInStableAsync(db).ConfigureAwait(false);
            var names = (await registry.TenantsAsync(null, CancellationToken.None).ConfigureAwait(false)).Select(t => t.Tenant).ToList();
            var sw = Stopwatch.StartNew();
            foreach (var tenant in names)
            {
                // TenantMove.PlanAsync's reads, then RunAsync's compare-and-set with its row, its three steps and its close.
                var from = await registry.RingOfTenantAsync(tenant, CancellationToken.None).ConfigureAwait(false);
                await registry.FindRingAsync(target, CancellationToken.None).ConfigureAwait(false);
                var id = await registry.MoveTenantAsync(tenant, from!, target, new OperationIntent("tenant-move", [from!, target], "bench", "") { Tenant = tenant, From = from, To = target }, CancellationToken.None).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"{tenant} did not move");
                foreach (var step in new[] { $"update {target}", "update stable", "verify" })
                {
                    await log.StepAsync(id, step, CancellationToken.None).ConfigureAwait(false);
                }

                await log.CloseAsync(id, "succeeded", null, CancellationToken.None).ConfigureAwait(false);
            }

            return sw.Elapsed.TotalMilliseconds;
        }

        // Alternated twice in one run on one server: only ratios from one run hold on this machine.
        var (w1, o1, w2, o2) = (await WavesAsync().ConfigureAwait(false), await OneByOneAsync().ConfigureAwait(false), await WavesAsync().ConfigureAwait(false), await OneByOneAsync().ConfigureAwait(false));
        var (w, o) = (Math.Min(w1, w2), Math.Min(o1, o2));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"waves registry tenants={tenants} wave={waveSize}: waves {w:F0} ms ({w1:F0}, {w2:F0}), one by one {o:F0} ms ({o1:F0}, {o2:F0}): {o / w:F1}x; per tenant {w * 1000 / tenants:F0} us vs {o * 1000 / tenants:F0} us"));
    }

    private static async Task WholeOperationsAsync(string cs, string dir, string repositoryRoot, int tenants, int waveSize, int stackMs)
    {
        using var health = new HealthServer(FleetGenerator.RingName(1));
        var results = new List<string>();
        foreach (var (name, size) in new (string, int?)[] { ("one wave", null), ($"waves of {waveSize}", waveSize), ("one by one (tenant assign)", 0) })
        {
            // A fresh repository and registry per mode: stable holds `tenants` tenants, the target ring the same number.
            var fleetDir = Path.Combine(dir, "fleet-" + Guid.NewGuid().ToString("N")[..6]);
            FleetGenerator.Write(fleetDir, 3, tenants * 3, 23, repositoryRoot);
            await using var db = await FreshRegistryAsync(cs, "waves_" + Guid.NewGuid().ToString("N")[..8], fleetDir).ConfigureAwait(false);
            var stacks = new FixedCostStacks(fleetDir, TimeSpan.FromMilliseconds(stackMs));
            var ctx = new OperationContext
            {
                Registry = new RingRegistry(db),
                Log = new OperationLog(db),
                Leases = new RingLeases(db),
                Stacks = stacks,
                Root = fleetDir,
                Actor = "bench",
                Progress = new Progress<string>(_ => { }),
            };
            var target = FleetGenerator.RingName(1);
            var movers = (await ctx.Registry.TenantsAsync("stable", CancellationToken.None).ConfigureAwait(false)).Select(t => t.Tenant).ToList();
            var sw = Stopwatch.StartNew();
            if (size == 0)
            {
                var single = new TenantMove(ctx);
                foreach (var tenant in movers)
                {
                    await single.RunAsync((await single.PlanAsync(tenant, target, CancellationToken.None).ConfigureAwait(false))!, "", CancellationToken.None).ConfigureAwait(false);
                }
            }
            else
            {
                var waves = new WaveMove(ctx);
                var plan = await waves.PlanAsync(target, null, "stable", null, size, CancellationToken.None).ConfigureAwait(false);
                await waves.RunAsync(plan, new WaveMove.Options(TimeSpan.Zero, false, health.Url, ""), CancellationToken.None).ConfigureAwait(false);
            }

            var ms = sw.Elapsed.TotalMilliseconds;
            var left = (await ctx.Registry.TenantsAsync("stable", CancellationToken.None).ConfigureAwait(false)).Count;
            if (left != 0)
            {
                throw new InvalidOperationException($"{name}: {left} tenants still in stable");
            }

            var other = ms - (stacks.Updates * stackMs);
            results.Add(string.Create(CultureInfo.InvariantCulture,
                $"  {name}: {stacks.Updates} stack updates, {ms / 1000:F1} s wall, {other / 1000:F1} s not in the simulated stacks; at 45 s per real update: {stacks.Updates * 45.0 / 60:F1} min of updates"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"waves whole operations tenants={tenants} (stable -> {FleetGenerator.RingName(1)}), each stack update simulated at {stackMs} ms:"));
        results.ForEach(Console.WriteLine);
    }

    /// <summary>The engine simulated at a fixed cost per update: config written to the stack file, exports what the file said at the update.</summary>
    private sealed class FixedCostStacks(string root, TimeSpan cost) : IStackRunner
    {
        private readonly Dictionary<string, object[]> _deployed = new(StringComparer.Ordinal);

        public int Updates { get; private set; }

        public Task SelectOrCreateAsync(StackId stack, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task SetConfigAsync(StackId stack, string key, string value, CancellationToken cancellationToken)
        {
            StackConfigFile.Set(root, stack, key, StackConfigFile.Parse(value));
            return Task.CompletedTask;
        }

        public Task SetSecretConfigAsync(StackId stack, string key, string value, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<StackChanges> PreviewAsync(StackId stack, IProgress<string> progress, CancellationToken cancellationToken) => throw new NotSupportedException();

        public async Task<StackChanges> UpdateAsync(StackId stack, IProgress<string> progress, CancellationToken cancellationToken)
        {
            Updates++;
            _deployed[stack.Name] = [.. StackConfigFile.ReadAssignment(root, stack).Tenants];
            await Task.Delay(cost, cancellationToken).ConfigureAwait(false);
            return StackChanges.None;
        }

        public Task<StackChanges> UpdateReplacingAsync(StackId stack, IReadOnlyList<string> replace, IProgress<string> progress, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<StackChanges> UpdateTargetsAsync(StackId stack, IReadOnlyList<string> targets, IProgress<string> progress, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyDictionary<string, object?>> GetOutputsAsync(StackId stack, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, object?>>(new Dictionary<string, object?> { ["tenants"] = _deployed.GetValueOrDefault(stack.Name) ?? [] });

        public Task CancelAsync(StackId stack, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<StackChanges> DestroyAsync(StackId stack, IProgress<string> progress, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task RemoveAsync(StackId stack, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    /// <summary>The target ring's /api/health between waves, on loopback.</summary>
    private sealed class HealthServer : IDisposable
    {
        private readonly HttpListener _listener = new();

        public HealthServer(string ring)
        {
            var port = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            port.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)port.LocalEndpoint).Port}";
            port.Stop();
            _listener.Prefixes.Add(Url + "/");
            _listener.Start();
            var body = Encoding.UTF8.GetBytes(new System.Text.Json.Nodes.JsonObject { ["status"] = "ok", ["ring"] = new System.Text.Json.Nodes.JsonObject { ["name"] = ring, ["lock_path"] = $"modules/manifests/{ring}.lock.json" } }.ToJsonString());
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    try
                    {
                        var ctx = await _listener.GetContextAsync().ConfigureAwait(false);
                        await ctx.Response.OutputStream.WriteAsync(body).ConfigureAwait(false);
                        ctx.Response.Close();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }
                }
            });
        }

        public string Url { get; }

        public void Dispose() => _listener.Close();
    }
}
