using RingCtl.Cli;
using RingCtl.Registry;
using RingCtl.Stacks;
using RingInfra.Core.Fleet;
using RingInfra.Core.Locks;
using RingInfra.Core.Promotion;
using RingInfra.Core.Diff;

namespace RingCtl.Operations;

/// <summary>
/// <c>promote</c> and <c>rollback</c>: gates (Core) → rewrite the target lock → update the target stack →
/// verify (the stack exports the new lock hash; optionally the ring's /api/health) → record the landing
/// and close the log row. A failed update or verification restores the previous lock and re-converges
/// the stack; a failed verification also marks the ring held.
/// </summary>
public sealed class Promotion
{
    private readonly OperationContext _ctx;
    private readonly Func<string, CancellationToken, Task>? _verify;
    private readonly string? _url;

    /// <param name="context">The operation's dependencies.</param>
    /// <param name="verify">Extra health verification of the target after the update (e.g. /api/health), or null.</param>
    /// <param name="url">
    /// <c>--url</c>: for a target with clusters, each cluster's address (<c>$cluster</c>, <c>$region</c> substituted; else its
    /// configured <c>url</c>), verified after that cluster's update (<see cref="ClusterVerification"/>).
    /// </param>
    public Promotion(OperationContext context, Func<string, CancellationToken, Task>? verify = null, string? url = null)
    {
        _ctx = context;
        _verify = verify;
        _url = url;
    }

    /// <summary>
    /// A fleet snapshot to decide on instead of loading the fleet per decision, with a cache of its renders: for read-only
    /// callers that ask many decisions of one state (<c>status</c>, the report). Never set on a path that changes anything.
    /// </summary>
    public (RingFleet Fleet, RingInfra.Core.Rendering.RenderCache Renders)? Snapshot { get; init; }

    public sealed record Request(string Module, string? From, string To, string? Version, string? Sha256, ChangeGuard.Consent Consent, bool IsRollback, string Reason);

    public sealed record Plan(Request Request, RingDefinition Target, RingDefinition? Source, LockedModule Module, LockedModule? Current, GateDecision Decision)
    {
        /// <summary>The source ring's metric gates, step by step (what <c>--dry-run</c> shows).</summary>
        public IReadOnlyList<RingInfra.Core.Metrics.MetricVerdict> Metrics { get; init; } = [];

        /// <summary>The aliases whose upgrade (migrations, <c>onUpgrade</c> hooks) runs in the target before its pods roll: never upgraded anywhere yet.</summary>
        public IReadOnlyList<string> Upgrade { get; init; } = [];

        /// <summary>How long the version still has to bake in the source (null: no bake refusal, or no landing).</summary>
        public TimeSpan? BakeRemaining { get; init; }

        /// <summary>Where the version was upgraded already (then no Job), or null.</summary>
        public string? UpgradedIn { get; init; }

        /// <summary>The upgrade Job's name, for the new lock.</summary>
        public string JobName => RingInfra.Core.Rendering.UpgradeObjects.JobName(Target.Lock.With(Module).Hash);

        /// <summary>What the promotion does about module upgrades, in words (null when its lock upgrades nothing).</summary>
        public string? UpgradeNote => Request.IsRollback
            ? "migrations are forward-only: a rollback runs no module upgrade"
            : Upgrade.Count > 0
                ? $"module upgrade: {string.Join(", ", Upgrade)} {Module.Version} upgrade in {Target.Name} first (Job {JobName} in {Target.Config.Namespace}), before its pods roll"
                : UpgradedIn is { } ring ? $"{Module.Alias} {Module.Version} was upgraded in {ring} already: no module upgrade Job" : null;

        public string CommitMessage => Request.IsRollback
            ? RingInfra.Core.Promotion.CommitMessage.Rollback(Target.Name, Module.Alias, Current?.Version, Module.Version)
            : RingInfra.Core.Promotion.CommitMessage.Promote(Target.Name, Module.Alias, Current?.Version, Module.Version);

        public string What => $"{(Request.IsRollback ? "rollback" : "promote")} {Module.Alias} {Module.Version} into {Target.Name}";
    }

    /// <summary>
    /// Everything decided before anything changes: the input (bad names and versions are usage errors, exit 2),
    /// the versions, and the gates' decision (Core), with every refusal.
    /// </summary>
    public async Task<Plan> PlanAsync(Request r, CancellationToken ct)
    {
        var fleet = Snapshot?.Fleet ?? await _ctx.LoadFleetAsync(ct).ConfigureAwait(false);
        var (target, source, current) = Validate(r, fleet);
        if (!target.Config.Active)
        {
            throw new CommandException(ExitCodes.Usage, $"{(r.IsRollback ? "--ring" : "--to")}: '{target.Name}' is retired (inactive); a retired ring takes no promotion or rollback");
        }
        var module = await ResolveAsync(r, fleet, source, current, ct).ConfigureAwait(false);
        var runs = fleet.Rings.Where(x => x.Lock.Find(r.Module)?.Version.Equals(module.Version) == true).ToList();
        if (source is null && !r.IsRollback)
        {
            // --version of a version some ring runs is a promotion from the nearest ring that runs it: same gates.
            source = runs.Where(x => x.Config.Active && x.Config.PromotionOrder > target.Config.PromotionOrder).MinBy(x => x.Config.PromotionOrder);
        }

        var guard = new ChangeGuard(_ctx);
        var request = await guard.BaseAsync(r.IsRollback ? ChangePath.Rollback : ChangePath.Promote, target, r.Consent, ct).ConfigureAwait(false) with
        {
            Module = r.Module,
            Source = source?.Config,
            Version = module.Version,
            Current = current?.Version,
            Orders = [.. fleet.Rings.Where(x => x.Config.Active).Select(x => x.Config.PromotionOrder)],
            IsNewVersion = runs.Count == 0,
            Unrecorded = await guard.UnrecordedAsync(target, ct).ConfigureAwait(false),
            Violations = ChangeGuard.Violations(FleetChanges.Promote(fleet, target.Name, module), [target.Name], Snapshot?.Renders),
        };
        if (source is not null)
        {
            var landing = await _ctx.Registry.LandingAsync(source.Name, r.Module, ct).ConfigureAwait(false);
            var sourceRecord = await _ctx.Registry.FindRingAsync(source.Name, ct).ConfigureAwait(false);
            request = request with
            {
                LandedInSource = landing is { } l && l.Version == module.Version.ToString() ? l.LandedAt : null,
                SourceHealthy = sourceRecord is not { Held: true },
            };
            request = request with { MetricVerdicts = await MetricsAsync(source, request, r.Consent, ct).ConfigureAwait(false) };
        }

        if (r.IsRollback)
        {
            var last = await _ctx.Log.LastChangeAsync(target.Name, r.Module, ct).ConfigureAwait(false);
            request = request with
            {
                RanBefore = await RanBeforeAsync(target.Name, r.Module, ct).ConfigureAwait(false),
                LastRollbackFrom = last is { Kind: "rollback", From: { } from } && SemanticVersion.TryParse(from, out var undone) ? undone : null,
            };
        }

        IReadOnlyList<string> upgrade = [];
        string? upgradedIn = null;
        if (!r.IsRollback && RingInfra.Core.Rendering.UpgradeObjects.Changed(target.Lock, target.Lock.With(module)) is { Count: > 0 } changed)
        {
            // Run once: tenant databases are shared by every ring, so a version's migrations run in the first ring it reaches.
            upgradedIn = await _ctx.Registry.UpgradedInAsync(module.Alias, module.Version.ToString(), ct).ConfigureAwait(false);
            upgrade = upgradedIn is null ? changed : [];
        }

        return new Plan(r, target, source, module, current, ChangeGates.Decide(request))
        {
            Metrics = request.MetricVerdicts, Upgrade = upgrade, UpgradedIn = upgradedIn, BakeRemaining = request.BakeRemaining,
        };
    }

    /// <summary>
    /// The input, checked against the repository's files alone — before the registry is opened or a stack runner
    /// is looked for, so a typo is named (exit 2) on any machine: ring names, the module alias (in the source's
    /// lock, in the target's for a rollback, in some ring's lock unless a new artifact's checksum is given), the
    /// version's syntax and the checksum's.
    /// </summary>
    public static (RingDefinition Target, RingDefinition? Source, LockedModule? Current) Validate(Request r, RingFleet fleet)
    {
        var known = string.Join(", ", fleet.Rings.Select(x => x.Name));
        var ringOption = r.IsRollback ? "--ring" : "--to";
        var target = fleet.Find(r.To) ?? throw new CommandException(ExitCodes.Usage, $"{ringOption}: '{r.To}' is not a ring of this repository (known: {known})");
        var source = r.From is null ? null : fleet.Find(r.From) ?? throw new CommandException(ExitCodes.Usage, $"--from: '{r.From}' is not a ring of this repository (known: {known})");
        if (!RingInfra.Core.Config.Names.IsDnsLabel(r.Module))
        {
            throw new CommandException(ExitCodes.Usage, $"module: must be a module alias such as orders (lower-case letters, digits and '-') (got {r.Module})");
        }

        var versionOption = r.IsRollback ? "--to-version" : "--version";
        if (r.Version is { } text && !SemanticVersion.TryParse(text, out _))
        {
            throw new CommandException(ExitCodes.Usage, $"{versionOption}: must be a semantic version MAJOR.MINOR.PATCH such as 1.6.0 (got {text})");
        }

        if (r.Sha256 is { } sha && (sha.Length != 64 || !sha.All(char.IsAsciiHexDigitLower)))
        {
            throw new CommandException(ExitCodes.Usage, $"--sha256: must be 64 lower-case hex digits (got {(sha.Length <= 80 ? sha : sha[..80] + "…")})");
        }

        var current = target.Lock.Find(r.Module);
        var holder = r.IsRollback ? target : source;
        if (holder is not null && holder.Lock.Find(r.Module) is null)
        {
            throw new CommandException(ExitCodes.Usage, $"module: '{r.Module}' is not in {holder.Name}'s lock{(r.IsRollback ? ", so there is nothing to roll back" : "")} ({holder.Lock.Modules.Count} modules: {string.Join(", ", holder.Lock.Modules.Select(m => m.Alias))})");
        }

        if (holder is null && r.Sha256 is null && fleet.Rings.All(x => x.Lock.Find(r.Module) is null))
        {
            throw new CommandException(ExitCodes.Usage, $"module: '{r.Module}' is in no ring's lock (known: {string.Join(", ", fleet.Rings.SelectMany(x => x.Lock.Modules).Select(m => m.Alias).Distinct().Order(StringComparer.Ordinal))}); a new module needs --version and --sha256");
        }

        return (target, source, current);
    }

    /// <summary>
    /// The source ring's metric gates over the window since the version landed there (capped at its bake time).
    /// An unreachable Prometheus fails the command (exit 6) — unless the operator overrode <c>metrics</c>, when the
    /// gates count as failed and overridden, so that the log records it.
    /// </summary>
    private async Task<IReadOnlyList<RingInfra.Core.Metrics.MetricVerdict>> MetricsAsync(RingDefinition source, ChangeRequest request, ChangeGuard.Consent consent, CancellationToken ct)
    {
        if (!source.Config.Gates.Any)
        {
            return [];
        }

        var (from, to) = RingInfra.Core.Metrics.MetricJudge.Window(request.LandedInSource, source.Config.BakeTime, request.Now);
        try
        {
            return await _ctx.Prometheus(source).JudgeAsync(source, from, to, ct).ConfigureAwait(false);
        }
        catch (CommandException e) when (e.ExitCode == ExitCodes.Infrastructure && consent.Overrides.Contains(Gate.Metrics))
        {
            return [new RingInfra.Core.Metrics.MetricVerdict(source.Name, source.Config.Gates.Metrics[0], [], $"the metric gates of {source.Name} could not be judged: {e.Message}")];
        }
    }

    /// <summary>The versions of the module the ring ran: its log, and its first recorded landing (seeding, ring add).</summary>
    private async Task<IReadOnlyList<SemanticVersion>> RanBeforeAsync(string ring, string module, CancellationToken ct)
    {
        var versions = (await _ctx.Log.VersionsRanAsync(ring, module, ct).ConfigureAwait(false)).ToList();
        if (await _ctx.Registry.FirstLandingAsync(ring, module, ct).ConfigureAwait(false) is { } first)
        {
            versions.Add(first);
        }

        return [.. versions.Select(v => SemanticVersion.TryParse(v, out var s) ? s : null).OfType<SemanticVersion>().Distinct()];
    }

    private async Task<LockedModule> ResolveAsync(Request r, RingFleet fleet, RingDefinition? source, LockedModule? current, CancellationToken ct)
    {
        if (source is not null)
        {
            return source.Lock.Find(r.Module)!;
        }

        var previous = r.IsRollback && r.Version is null ? await _ctx.Log.PreviousVersionAsync(r.To, r.Module, ct).ConfigureAwait(false) : null;
        var text = r.Version ?? previous?.Version
            ?? throw new CommandException(ExitCodes.Usage, r.IsRollback
                ? $"rollback: no earlier version of {r.Module} is recorded for {r.To}; name one it ran with --to-version"
                : "promote: give --from RING or --version VERSION");
        var version = SemanticVersion.Parse(text);

        // A version some ring already runs keeps its artifact and checksum; so does one the log recorded; a new one needs --sha256.
        var known = fleet.Rings.Select(x => x.Lock.Find(r.Module)).FirstOrDefault(m => m is not null && m.Version.Equals(version));
        if (known is not null)
        {
            return known;
        }

        if (previous is { Artifact: { } artifact, Sha256: { } recorded })
        {
            return new LockedModule(r.Module, version, artifact, recorded);
        }

        if (await _ctx.Log.ArtifactAsync(r.Module, version.ToString(), ct).ConfigureAwait(false) is { Artifact: { } a, Sha256: { } sha })
        {
            return new LockedModule(r.Module, version, a, sha);
        }

        if (r.IsRollback)
        {
            // Not a version it ran (the gate says so), or one whose artifact was never recorded: either way no lock can be written.
            return new LockedModule(r.Module, version, ModuleArtifacts.NameFor(r.Module, version), new string('0', 64));
        }

        if (r.Sha256 is null)
        {
            throw new CommandException(ExitCodes.Usage, $"--sha256: {r.Module} {version} is in no ring's lock, so its artifact checksum is needed: 64 lower-case hex digits (got nothing)");
        }

        return new LockedModule(r.Module, version, ModuleArtifacts.NameFor(r.Module, version), r.Sha256);
    }

    /// <summary>
    /// Validates the input and decides (a refusal is logged and ends here, before anything is touched), then
    /// leases the target, decides again on the state as it is under the lease (a change racing this one has
    /// either finished or not started), then runs.
    /// </summary>
    public async Task<(Plan Plan, long Operation)> LeaseAndRunAsync(Request request, Action<Plan> beforeRun, CancellationToken ct)
    {
        var guard = new ChangeGuard(_ctx);
        await _ctx.EnsureSettledAsync([request.To], ct).ConfigureAwait(false);
        var first = await PlanAsync(request, ct).ConfigureAwait(false);
        if (!first.Decision.Allowed)
        {
            throw await guard.RefuseAsync(Intent(first), first.What, first.Decision, ct).ConfigureAwait(false);
        }

        // A ring with clusters is verified cluster by cluster; what that needs (a Prometheus for its gates, an --url that
        // tells its clusters apart) is checked here, before anything changes.
        var afterCluster = ClusterVerification.For(_ctx, first.Target, _url);
        _ctx.RequireStacks();
        await using var lease = await _ctx.LeaseAsync([request.To], ct).ConfigureAwait(false);
        var plan = await PlanAsync(request, ct).ConfigureAwait(false);
        if (!plan.Decision.Allowed)
        {
            throw await guard.RefuseAsync(Intent(plan), plan.What, plan.Decision, ct).ConfigureAwait(false);
        }

        beforeRun(plan);
        return (plan, await RunAsync(plan, lease, afterCluster, ct).ConfigureAwait(false));
    }

    private OperationIntent Intent(Plan plan) => ChangeGuard.Record(new OperationIntent(plan.Request.IsRollback ? "rollback" : "promote",
        plan.Source is null ? [plan.Target.Name] : [plan.Source.Name, plan.Target.Name], _ctx.Actor, plan.Request.Reason)
    {
        Module = plan.Module.Alias,
        From = plan.Current?.Version.ToString(),
        To = plan.Module.Version.ToString(),
        ApprovedBy = plan.Request.Consent.ApprovedBy,
        Details = new Dictionary<string, string?>
        {
            ["fromArtifact"] = plan.Current?.Artifact,
            ["fromSha256"] = plan.Current?.Sha256,
            ["toArtifact"] = plan.Module.Artifact,
            ["toSha256"] = plan.Module.Sha256,
        },
    }, plan.Decision);

    private async Task<long> RunAsync(Plan plan, Lease lease, Func<RingInfra.Core.Config.ClusterSpec, CancellationToken, Task>? afterCluster, CancellationToken ct)
    {
        var target = plan.Target.Name;
        var id = await _ctx.Log.BeginAsync(Intent(plan), ct).ConfigureAwait(false);
        await lease.AttachAsync(id, ct).ConfigureAwait(false);
        OperationContext.CrashPoint(CrashSteps.Promotion(plan.Request.IsRollback, "intent"));
        var previous = plan.Target.Lock;
        var next = previous.With(plan.Module);
        var stack = StackId.Ring(target);
        var step = "write lock";
        try
        {
            LockFiles.Write(_ctx.Root, next);
            if (plan.Upgrade.Count > 0)
            {
                // The ring program renders the upgrade Job for this lock only (an entry for another lock renders nothing).
                StackConfigFile.Set(_ctx.Root, stack, $"{RingInfra.Core.Config.ConfigKeys.Project}:{RingInfra.Core.Config.ConfigKeys.Upgrade}",
                    new System.Text.Json.Nodes.JsonObject { ["lockHash"] = next.Hash, ["modules"] = new System.Text.Json.Nodes.JsonArray([.. plan.Upgrade.Select(m => (System.Text.Json.Nodes.JsonNode?)m)]) });
            }

            await _ctx.Log.StepAsync(id, "lock written", ct).ConfigureAwait(false);
            OperationContext.CrashPoint(CrashSteps.Promotion(plan.Request.IsRollback, "lock-written"));
            step = $"update {target}";
            await _ctx.UpdateRingAsync(target, ct, afterCluster).ConfigureAwait(false);
            OperationContext.CrashPoint(CrashSteps.Promotion(plan.Request.IsRollback, "updated"));
            step = "verify";
            await _ctx.Log.StepAsync(id, step, ct).ConfigureAwait(false);
            await VerifyAsync(target, next, plan.Target.Config.HasClusters, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw await RecoverAsync(plan, id, previous, step, e).ConfigureAwait(false);
        }

        await _ctx.Registry.RecordLandingAsync(target, plan.Module.Alias, plan.Module.Version.ToString(), ct).ConfigureAwait(false);
        await _ctx.Registry.RecordUpgradesAsync(target, plan.Upgrade.Select(m => (m, next.Find(m)!.Version.ToString())), ct).ConfigureAwait(false);
        await _ctx.Registry.SetHeldAsync(target, null, ct).ConfigureAwait(false);
        await _ctx.Log.CloseAsync(id, "succeeded", null, ct).ConfigureAwait(false);
        OperationContext.CrashPoint(CrashSteps.Promotion(plan.Request.IsRollback, "closed"));
        return id;
    }

    private async Task VerifyAsync(string ring, ModuleLock next, bool verifiedPerCluster, CancellationToken ct)
    {
        var hash = await StackOutputs.StringAsync(_ctx.Stacks, StackId.Ring(ring), "lockHash", ct).ConfigureAwait(false);
        if (hash != next.Hash)
        {
            throw new InvalidOperationException($"verification: {ring} exports lockHash {hash ?? "nothing"}, expected {next.Hash}");
        }

        // A ring with clusters was verified cluster by cluster during its rollout (ClusterVerification).
        if (_verify is not null && !verifiedPerCluster)
        {
            await _verify(ring, ct).ConfigureAwait(false);
        }
    }

    private async Task<CommandException> RecoverAsync(Plan plan, long id, ModuleLock previous, string step, Exception cause)
    {
        var target = plan.Target.Name;
        var what = $"{(plan.Request.IsRollback ? "rollback" : "promote")} {plan.Module.Alias} {plan.Module.Version} into {target} failed at {step}: {cause.Message}";
        LockFiles.Write(_ctx.Root, previous);
        var restored = $"the previous lock of {target} was restored";
        if (step != "write lock")
        {
            try
            {
                await _ctx.UpdateRingAsync(target, CancellationToken.None).ConfigureAwait(false);
                restored += " and its stack re-converged";
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                restored += $", but its stack could NOT be re-converged ({e.Message}): run `ringctl reconcile --apply`";
            }
        }

        if (step != "write lock")
        {
            // A failed update halts propagation as a failed verification does: nothing is promoted out of the ring until it verifies.
            await _ctx.Registry.SetHeldAsync(target, what, CancellationToken.None).ConfigureAwait(false);
            restored += $"; {target} is held until `ringctl verify {target}` passes";
        }

        await _ctx.Log.CloseAsync(id, "failed", what, CancellationToken.None).ConfigureAwait(false);
        var job = plan.Upgrade.Count > 0 && step.StartsWith("update ", StringComparison.Ordinal)
            ? $" The module upgrade Job {plan.JobName} in namespace {plan.Target.Config.Namespace} ran before any pod could roll; if it failed, its logs are kept until its TTL: kubectl logs -n {plan.Target.Config.Namespace} job/{plan.JobName} — delete it (kubectl delete -n {plan.Target.Config.Namespace} job/{plan.JobName}) before promoting this version again."
            : "";
        return new CommandException(ExitCodes.Infrastructure, $"{what}. {char.ToUpperInvariant(restored[0])}{restored[1..]}.{job}");
    }

    /// <summary>The error of a refused dry run (nothing is logged: nothing was attempted).</summary>
    public static CommandException Refused(Plan plan) => ChangeGuard.Refusal(plan.What, plan.Decision);

    /// <summary>The objects the promotion would change, by id (an offline diff of the target's renders).</summary>
    public static IReadOnlyList<string> ChangedObjects(Plan plan, RingFleet fleet) =>
        [.. FleetChanges.Compare(fleet, FleetChanges.Promote(fleet, plan.Target.Name, plan.Module, plan.Upgrade), [plan.Target.Name]).Select(c => c.Id)];
}
