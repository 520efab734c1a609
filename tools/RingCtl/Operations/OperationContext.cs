using System.Text.Json;
using System.Text.Json.Nodes;
using RingCtl.Cli;
using RingCtl.Registry;
using RingCtl.Stacks;
using RingInfra.Core.Config;
using RingInfra.Core.Fleet;

namespace RingCtl.Operations;

/// <summary>What every operation works with: the registry, the stacks, the repository, who acts, where progress goes.</summary>
public sealed class OperationContext
{
    public required RingRegistry Registry { get; init; }

    public required OperationLog Log { get; init; }

    public required RingLeases Leases { get; init; }

    /// <summary>The stack runner (set it, or <see cref="StacksFactory"/>).</summary>
    public IStackRunner Stacks
    {
        get => _stacks.Value;
        init => _stacks = new Lazy<IStackRunner>(value);
    }

    /// <summary>Makes <see cref="Stacks"/> when first needed: a read-only command never looks for the Pulumi CLI.</summary>
    public Func<IStackRunner> StacksFactory
    {
        init => _stacks = new Lazy<IStackRunner>(value);
    }

    private readonly Lazy<IStackRunner> _stacks = new(() => throw new InvalidOperationException("OperationContext: set Stacks or StacksFactory"));

    /// <summary>The repository root (stack files and locks).</summary>
    public required string Root { get; init; }

    public required string Actor { get; init; }

    public required IProgress<string> Progress { get; init; }

    /// <summary>Prometheus's URL from the environment (<c>RINGCTL_PROMETHEUS_URL</c>), which overrides the rings' <c>prometheusUrl</c>.</summary>
    public string? PrometheusUrl { get; init; }

    /// <summary>The HTTP client for Prometheus (and health checks), made when first needed.</summary>
    public HttpClient Http
    {
        get => _http.Value;
        init => _http = new Lazy<HttpClient>(value);
    }

    /// <summary>Where <see cref="Http"/> comes from (a command that never calls out never loads the HTTP stack).</summary>
    public Func<HttpClient> HttpFactory
    {
        init => _http = new Lazy<HttpClient>(value);
    }

    private readonly Lazy<HttpClient> _http = new(() => new HttpClient());

    public IClock Clock { get; init; } = SystemClock.Instance;

    /// <summary>The Prometheus that judges <paramref name="ring"/>'s gates; a usage error when the ring has gates and none is configured.</summary>
    public PrometheusClient Prometheus(RingDefinition ring) => PrometheusClient.For(Http, PrometheusUrl, ring);

    /// <summary>How long to wait for a busy ring (<c>--wait</c>); zero fails at once.</summary>
    public TimeSpan Wait { get; init; } = TimeSpan.Zero;

    public TimeSpan LeaseTtl { get; init; } = RingLeases.DefaultTtl;

    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    /// <summary>The lease owner: who, which process, and which run (two runs in one process never share a lease).</summary>
    public string Owner => LeaseOwner.Describe(Actor, _run);

    /// <summary>
    /// The repository's rings and shared facts, validated (every problem at once, exit 2) — as the files say,
    /// tenant lists included. Seeding reads this; every changing command reads <see cref="LoadFleetAsync"/>.
    /// </summary>
    /// <param name="tenantRules">False where the files' tenant lists are about to be replaced by the registry's (input checks).</param>
    public RingFleet LoadFleet(bool tenantRules = true) => Load(null, tenantRules);

    private RingFleet Load(IReadOnlyDictionary<string, RingAssignment>? assignments, bool tenantRules = true)
    {
        try
        {
            return FleetLoader.Load(new DirectoryFiles(Root), assignments, tenantRules);
        }
        catch (RingConfigException e)
        {
            throw new CommandException(ExitCodes.Usage, "invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, e.Problems.Select(p => "  " + p.Message)));
        }
    }

    /// <summary>
    /// For read-only commands: the fleet from the files, or — when they do not validate — null, after a warning on
    /// stderr naming the first problem. What such a command shows comes from the registry; the files only add detail.
    /// </summary>
    public RingFleet? TryLoadFleet(TextWriter warnings)
    {
        try
        {
            return LoadFleet();
        }
        catch (CommandException e)
        {
            var lines = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            warnings.WriteLine($"ringctl: warning: the stack files do not validate ({(lines.Length > 1 ? lines[1] : lines[0])}{(lines.Length > 2 ? $"; and {lines.Length - 2} more" : "")}); showing what the registry holds");
            return null;
        }
    }

    /// <summary>What the registry holds for every ring: tenants, default, active (the one source of truth for them).</summary>
    public Task<IReadOnlyDictionary<string, RingAssignment>> AssignmentsAsync(CancellationToken ct) => Registry.AssignmentsAsync(ct);

    /// <summary>
    /// The fleet as a stack update deploys it: the repository's rings with the registry's tenants, default and
    /// active flags. Every decision, dry run and policy check of a changing command works on this.
    /// </summary>
    public async Task<RingFleet> LoadFleetAsync(CancellationToken ct) =>
        Load(await AssignmentsAsync(ct).ConfigureAwait(false));

    /// <summary>
    /// The one way a ring stack is updated: select it, write what the registry holds (tenants, their home regions,
    /// default, active) into its stack config where the file differs — the Automation API runner writes it to
    /// <c>Pulumi.&lt;ring&gt;.yaml</c> — then update. An update can never deploy a tenant list the registry does
    /// not hold, whatever the file said.
    /// <para>
    /// A ring with clusters is updated one cluster at a time, in its <c>clusters</c> order (doc 003: a failing region
    /// halts the rest): a targeted update of each cluster but the last (<see cref="ClusterResources.Targets"/>), then a
    /// plain update, which brings the last cluster and refreshes the stack's outputs. After each cluster
    /// <paramref name="afterCluster"/> runs (a promotion verifies the cluster there); the first failure stops the
    /// rollout and names the cluster (<see cref="ClusterRolloutException"/>). Each cluster's outcome is recorded for <c>status</c>.
    /// </para>
    /// </summary>
    public async Task UpdateRingAsync(string ring, CancellationToken ct, Func<ClusterSpec, CancellationToken, Task>? afterCluster = null)
    {
        var stack = StackId.Ring(ring);
        await Stacks.SelectOrCreateAsync(stack, ct).ConfigureAwait(false);
        await WriteAssignmentAsync(ring, ct).ConfigureAwait(false);
        var definition = FleetLoader.LoadOne(new DirectoryFiles(Root), ring, []);
        if (definition is not { Config.HasClusters: true })
        {
            // No clusters (or files that do not validate: the engine reports them): one plain update, as always.
            Progress.Report($"updating {stack}");
            await Stacks.UpdateAsync(stack, Progress, ct).ConfigureAwait(false);
            if (afterCluster is not null)
            {
                await afterCluster(ClusterSpec.Unnamed, ct).ConfigureAwait(false);
            }

            return;
        }

        var clusters = definition.Config.Clusters;
        for (var i = 0; i < clusters.Count; i++)
        {
            var (cluster, last) = (clusters[i], i == clusters.Count - 1);
            Progress.Report($"updating {stack}: {cluster.Describe()}, {i + 1} of {clusters.Count}");
            try
            {
                if (last)
                {
                    await Stacks.UpdateAsync(stack, Progress, ct).ConfigureAwait(false);
                }
                else
                {
                    await Stacks.UpdateTargetsAsync(stack, ClusterResources.Targets(ConfigKeys.Project, ring, definition.Config, cluster), Progress, ct).ConfigureAwait(false);
                    CrashPoint(CrashSteps.ClusterUpdated);
                }

                if (afterCluster is not null)
                {
                    await afterCluster(cluster, ct).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await Registry.RecordClusterAsync(ring, cluster, definition.Lock.Hash, e.Message, CancellationToken.None).ConfigureAwait(false);
                throw new ClusterRolloutException(ring, cluster, i, clusters.Count, e);
            }

            await Registry.RecordClusterAsync(ring, cluster, definition.Lock.Hash, null, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Refuses, before anything changes (exit 2), to pin tenants to a ring that has no cluster in their home region (doc 004:
    /// a tenant is served only in its home region). The ring's clusters come from its files, the home regions from the registry.
    /// </summary>
    public async Task RefuseUnservedHomesAsync(string what, string ring, IReadOnlyCollection<string> tenants, CancellationToken ct)
    {
        var homes = await Registry.HomeRegionsAsync(ct).ConfigureAwait(false);
        var homed = tenants.Where(homes.ContainsKey).ToList();
        if (homed.Count == 0 || FleetLoader.LoadOne(new DirectoryFiles(Root), ring, []) is not { } target)
        {
            return;
        }

        var refused = homed.Select(t => RingInfra.Core.Tenants.HomeRegions.RefuseMove(target.Config, t, homes[t])).OfType<string>().ToList();
        if (refused.Count > 0)
        {
            throw new CommandException(ExitCodes.Usage, $"{what}: {refused[0]}{(refused.Count > 1 ? $"; and {refused.Count - 1} more tenant(s) homed outside {ring}'s regions" : "")}; nothing was changed");
        }
    }

    /// <summary>
    /// Selects and updates the shared stack — replacing the resources named by <paramref name="replace"/> (URNs) when
    /// there are any — as every path that updates it does (up, sync, rotate, reconcile).
    /// </summary>
    public async Task UpdateSharedAsync(CancellationToken ct, IReadOnlyList<string>? replace = null)
    {
        var shared = StackId.SharedStack();
        await Stacks.SelectOrCreateAsync(shared, ct).ConfigureAwait(false);
        await (replace is { Count: > 0 }
            ? Stacks.UpdateReplacingAsync(shared, replace, Progress, ct)
            : Stacks.UpdateAsync(shared, Progress, ct)).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the registry's tenants, default and active flags into the ring's stack config where they differ:
    /// through the stack runner, or with <paramref name="write"/> (the same <see cref="StackConfigFile.Set"/> the
    /// runners use) where no stack can be reached.
    /// </summary>
    public async Task WriteAssignmentAsync(string ring, CancellationToken ct, Action<string, StackId, string, JsonNode?>? write = null)
    {
        Task Set(StackId stack, string key, string value, CancellationToken token)
        {
            if (write is null)
            {
                return Stacks.SetConfigAsync(stack, key, value, token);
            }

            write(Root, stack, key, StackConfigFile.Parse(value));
            return Task.CompletedTask;
        }

        var stack = StackId.Ring(ring);
        var assignment = await Registry.AssignmentAsync(ring, ct).ConfigureAwait(false)
            ?? throw new CommandException(ExitCodes.Usage, $"ring: '{ring}' is not a ring of the registry (ringctl ring add creates one)");
        foreach (var (key, json) in Assignments.Writes(StackConfigFile.ReadAssignment(Root, stack), assignment))
        {
            await Set(stack, $"{ConfigKeys.Project}:{key}", json, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// After a failed operation put the registry back: each touched ring's stack updated again to what the registry
    /// holds. Returns what to tell the operator.
    /// </summary>
    public async Task<string> ReconvergeAsync(IReadOnlyList<string> rings)
    {
        var failed = new List<string>();
        foreach (var ring in rings)
        {
            try
            {
                await UpdateRingAsync(ring, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed.Add($"{ring} ({e.Message})");
            }
        }

        return rings.Count == 0 ? "no stack was touched."
            : failed.Count == 0 ? $"stack(s) {string.Join(", ", rings)} re-converged."
            : $"stack(s) {string.Join(", ", failed)} could NOT be re-converged: run `ringctl reconcile --apply`.";
    }

    /// <summary>
    /// Before the gates decide (without a lease): a ring another run holds, or one an earlier run left an
    /// operation on, is mid-change — its files say what that run is writing, not what the ring runs — so a
    /// decision on it would be wrong. Refused as busy (exit 5) unless <c>--wait</c>, which waits for the lease
    /// and decides again under it.
    /// </summary>
    public async Task EnsureSettledAsync(IReadOnlyCollection<string> rings, CancellationToken ct)
    {
        if (Wait > TimeSpan.Zero)
        {
            return;
        }

        foreach (var (ring, owner, since, until) in await Leases.ActiveAsync(ct).ConfigureAwait(false))
        {
            if (rings.Contains(ring) && owner != Owner)
            {
                throw await BusyAsync(new RingBusyException(ring, owner, DateTime.SpecifyKind(since, DateTimeKind.Utc), DateTime.SpecifyKind(until, DateTimeKind.Utc)), ct).ConfigureAwait(false);
            }
        }

        await RefusePendingAsync(rings, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A busy ring's error. When the lease's holder ran on this machine and its process is gone, waiting is no use:
    /// the message names the unfinished operation, its step, and <c>ringctl reconcile --apply</c>.
    /// </summary>
    private async Task<CommandException> BusyAsync(RingBusyException busy, CancellationToken ct)
    {
        if (!LeaseOwner.IsDeadHere(busy.Owner))
        {
            return new CommandException(ExitCodes.Conflict, busy.Message);
        }

        var pending = await Log.PendingAsync([busy.Ring], ct).ConfigureAwait(false);
        var what = pending.Count == 0 ? "no unfinished operation is recorded" : $"it left operation {Describe(pending[0])} unfinished";
        return new CommandException(ExitCodes.Conflict,
            $"ring {busy.Ring} is blocked: the run that holds it ({busy.Owner}) is dead; {what}: run `ringctl reconcile --apply` to resume or abandon it");
    }

    private static string Describe(OperationRecord p) =>
        $"#{p.Id} ({p.Kind}{(p.Tenant is null ? "" : " " + p.Tenant)}{(p.Module is null ? "" : " " + p.Module)} {p.FromValue ?? "-"} → {p.ToValue ?? "-"}, at step '{p.Step}', started {p.StartedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} by {p.Actor})";

    private async Task RefusePendingAsync(IReadOnlyCollection<string> rings, CancellationToken ct)
    {
        var pending = await Log.PendingAsync(rings, ct).ConfigureAwait(false);
        if (pending.Count > 0)
        {
            var p = pending[0];
            throw new CommandException(ExitCodes.Conflict,
                $"ring {string.Join(", ", p.Rings.Intersect(rings))} has an unfinished operation {Describe(p)}: run `ringctl reconcile --apply` to resume or abandon it");
        }
    }

    /// <summary>Leases the rings, then refuses if an earlier run left an operation on them unfinished.</summary>
    public async Task<Lease> LeaseAsync(IReadOnlyCollection<string> rings, CancellationToken ct)
    {
        Lease lease;
        try
        {
            lease = await Leases.AcquireAsync(rings, Owner, LeaseTtl, Wait, ct).ConfigureAwait(false);
        }
        catch (RingBusyException e)
        {
            throw await BusyAsync(e, ct).ConfigureAwait(false);
        }

        try
        {
            await RefusePendingAsync(rings, ct).ConfigureAwait(false);
        }
        catch
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return lease;
    }

    /// <summary>Fails fast, before anything changes, when stacks cannot be updated here.</summary>
    public void RequireStacks()
    {
        if (Stacks is UnavailableStackRunner unavailable)
        {
            throw new CommandException(ExitCodes.Infrastructure, new StackRunnerUnavailableException(unavailable.Reason).Message);
        }
    }

    /// <summary>Test hook for the crash suite: <c>RINGCTL_CRASH_AT=&lt;step&gt;</c> ends the process abruptly at that step.</summary>
    public static void CrashPoint(string step)
    {
        System.Diagnostics.Debug.Assert(CrashSteps.All.Contains(step), $"unknown crash step {step}");
        if (Environment.GetEnvironmentVariable("RINGCTL_CRASH_AT") == step)
        {
            Environment.Exit(86);
        }
    }

    public static string Json(IEnumerable<string> values) => JsonSerializer.Serialize(values.ToArray());
}
