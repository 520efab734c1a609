using RingCtl.Cli;
using RingCtl.Registry;
using RingInfra.Core.Diff;
using RingInfra.Core.Fleet;
using RingInfra.Core.Promotion;
using RingInfra.Core.Tenants;

namespace RingCtl.Operations;

/// <summary>
/// <c>tenant move</c>: many tenants in waves. The run is one operation (its intent row holds the plan); each wave is one
/// registry transaction (compare-and-set per tenant, a row per tenant and one for the wave), then one update of every
/// ring that receives tenants, then of every ring they leave, then a check of the exported tenant lists. Between
/// waves the receiving rings must verify. A failure stops the run at the last completed wave, registry and stacks
/// agreeing; <c>--resume</c> continues with the next wave, <c>--revert</c> moves the run's tenants back.
/// </summary>
public sealed class WaveMove
{
    private readonly OperationContext _ctx;

    public WaveMove(OperationContext context)
    {
        _ctx = context;
    }

    private WaveRegistry Waves => _ctx.Registry.Waves;

    /// <summary>The waves to run (numbered from <see cref="FirstWave"/> of <see cref="TotalWaves"/>), and the tenants left out because they are there already.</summary>
    public sealed record Plan(IReadOnlyList<IReadOnlyList<TenantMoveSpec>> Waves, int FirstWave, int TotalWaves, int? WaveSize, IReadOnlyList<string> AlreadyThere, long? Resumes = null, long? Reverts = null)
    {
        public IReadOnlyList<TenantMoveSpec> Moves { get; } = [.. Waves.SelectMany(w => w)];

        public IReadOnlyList<string> Targets => TenantWaves.Rings(Moves).Targets;

        public IReadOnlyList<string> Sources => TenantWaves.Rings(Moves).Sources;

        /// <summary>Every ring the run updates (leased for the whole run).</summary>
        public IReadOnlyList<string> Rings => TenantWaves.UpdateOrder(Moves);

        public string Describe => $"{Moves.Count} tenant(s) to {string.Join(", ", Targets)}";
    }

    /// <summary>What happens between waves: a pause (with <see cref="Verify"/>, the receiving rings' metric gates watched over it) and their health at <see cref="Url"/>.</summary>
    public sealed record Options(TimeSpan Pause, bool Verify, string? Url, string Reason);

    /// <summary>What a run did: the tenants it moved, those it skipped (with where they are now), and the stack updates per ring.</summary>
    public sealed record Outcome(long Id, IReadOnlyList<TenantMoveSpec> Moved, IReadOnlyList<(TenantMoveSpec Move, string? Now)> Skipped, int Waves, IReadOnlyDictionary<string, int> Updates);

    /// <summary>A new run: <paramref name="tenants"/> (or <paramref name="fromRing"/>'s first <paramref name="limit"/>, by name) to <paramref name="to"/>.</summary>
    public async Task<Plan> PlanAsync(string to, IReadOnlyList<string>? tenants, string? fromRing, int? limit, int? waveSize, CancellationToken ct)
    {
        var rings = await _ctx.Registry.ListRingsAsync(ct).ConfigureAwait(false);
        string Known() => string.Join(", ", rings.Select(r => r.Name));
        var target = rings.FirstOrDefault(r => r.Name == to) ?? throw new CommandException(ExitCodes.Usage, $"--to: '{to}' is not a ring of the registry (known: {Known()})");
        if (!target.IsActive)
        {
            throw new CommandException(ExitCodes.Usage, $"--to: '{to}' is retired (inactive); tenants can only move to active rings");
        }

        var ringOf = (await _ctx.Registry.TenantsAsync(null, ct).ConfigureAwait(false)).ToDictionary(t => t.Tenant, t => t.Ring, StringComparer.Ordinal);
        IReadOnlyList<string> chosen;
        if (fromRing is not null)
        {
            if (rings.All(r => r.Name != fromRing))
            {
                throw new CommandException(ExitCodes.Usage, $"--from-ring: '{fromRing}' is not a ring of the registry (known: {Known()})");
            }

            if (fromRing == to)
            {
                throw new CommandException(ExitCodes.Usage, $"--from-ring: '{fromRing}' is the ring the tenants move to (--to); name another");
            }

            chosen = [.. ringOf.Where(t => t.Value == fromRing).Select(t => t.Key).Order(StringComparer.Ordinal).Take(limit ?? int.MaxValue)];
        }
        else
        {
            var unknown = tenants!.Where(t => !ringOf.ContainsKey(t)).ToList();
            if (unknown.Count > 0)
            {
                throw new CommandException(ExitCodes.Usage, $"tenants: {unknown.Count} not in the registry: {Sample(unknown)} (ringctl ring show <ring> --tenants lists them); nothing was changed");
            }

            chosen = tenants!;
        }

        var moves = chosen.Where(t => ringOf[t] != to).Select(t => new TenantMoveSpec(t, ringOf[t], to)).ToList();
        await _ctx.RefuseUnservedHomesAsync($"move to {to}", to, [.. moves.Select(m => m.Tenant)], ct).ConfigureAwait(false);
        var waves = TenantWaves.Split(moves, waveSize);
        return new Plan(waves, 1, waves.Count, waveSize, [.. chosen.Where(t => ringOf[t] == to)]);
    }

    /// <summary><c>--resume ID</c>: the waves of run <paramref name="id"/> after its last completed one, under their old numbers.</summary>
    public async Task<Plan> ResumePlanAsync(long id, CancellationToken ct)
    {
        var run = await EndedRunAsync(id, "--resume", ct).ConfigureAwait(false);
        var completed = (await Waves.WavesAsync(id, ct).ConfigureAwait(false)).Where(w => w.Status == "succeeded").Select(w => w.Number);
        var (rest, first) = TenantWaves.Remaining(run.Waves, run.FirstWave, completed);
        return new Plan(rest, first, run.TotalWaves, run.WaveSize, [], id);
    }

    /// <summary><c>--revert ID</c>: every tenant run <paramref name="id"/> moved, back to the ring it came from, in waves of the run's size (or <paramref name="waveSize"/>).</summary>
    public async Task<Plan> RevertPlanAsync(long id, int? waveSize, CancellationToken ct)
    {
        var run = await EndedRunAsync(id, "--revert", ct).ConfigureAwait(false);
        var back = (await Waves.WavesAsync(id, ct).ConfigureAwait(false)).Where(w => w.Status == "succeeded")
            .SelectMany(w => w.Moved).Select(m => new TenantMoveSpec(m.Tenant, m.To, m.From)).ToList();
        if (back.Count == 0)
        {
            throw new CommandException(ExitCodes.Usage, $"--revert: operation #{id} moved no tenant: nothing to move back");
        }

        var waves = TenantWaves.Split(back, waveSize ?? run.WaveSize);
        return new Plan(waves, 1, waves.Count, waveSize ?? run.WaveSize, [], Reverts: id);
    }

    /// <summary>A run that has ended (failed, abandoned by reconcile, or succeeded) and was not resumed already.</summary>
    private async Task<WaveRegistry.Run> EndedRunAsync(long id, string option, CancellationToken ct)
    {
        var run = await Waves.FindRunAsync(id, ct).ConfigureAwait(false);
        if (run is null || run.Status == "refused")
        {
            throw new CommandException(ExitCodes.Usage, run is null
                ? $"{option}: operation #{id} is not a tenant move run (ringctl history lists operations)"
                : $"{option}: operation #{id} was refused by the gates; nothing of it ran");
        }

        if (run.Status == "pending")
        {
            throw new CommandException(ExitCodes.Conflict,
                $"{option}: operation #{id} is still pending (running, or its run died at {run.Step}): let it finish, or run `ringctl reconcile --apply` to finish its current wave; then {option} {id}");
        }

        if (option == "--resume" && await Waves.ResumedByAsync(id, ct).ConfigureAwait(false) is { } by)
        {
            throw new CommandException(ExitCodes.Usage, $"--resume: operation #{id} was already resumed by #{by}: resume #{by} instead");
        }

        return run;
    }

    /// <summary>Input that needs the fleet: <c>--verify</c> watches metric gates, so every receiving ring must have some.</summary>
    public static void Check(Plan plan, Options options, RingFleet fleet)
    {
        if (options.Verify && plan.Targets.FirstOrDefault(t => fleet.Find(t)?.Config.Gates.Any != true) is { } none)
        {
            throw new CommandException(ExitCodes.Usage, $"--verify: {none} has no metric gates (ring-infra:gates) to watch between waves; drop --verify or give it gates");
        }

        if (options.Url is not null && plan.Targets.Count > 1)
        {
            throw new CommandException(ExitCodes.Usage, $"--url: this run moves tenants into {plan.Targets.Count} rings ({string.Join(", ", plan.Targets)}); --url names one ring's address, so leave it out (each ring is checked at its service)");
        }
    }

    /// <summary>The objects each wave changes (renders before and after it, over the rings it updates).</summary>
    public static IReadOnlyList<IReadOnlyList<ObjectChange>> Preview(RingFleet fleet, Plan plan)
    {
        var changes = new List<IReadOnlyList<ObjectChange>>();
        var before = fleet;
        foreach (var wave in plan.Waves)
        {
            var after = FleetChanges.MoveTenants(before, wave);
            changes.Add(FleetChanges.Compare(before, after, TenantWaves.UpdateOrder(wave)));
            before = after;
        }

        return changes;
    }

    /// <summary>
    /// Core's decision on the moves (the fleet as they leave it): freeze, held receiving rings, lock provenance, policies. A tenant
    /// no longer where the plan saw it will be skipped by its compare-and-set, so it is left out of the fleet judged.
    /// </summary>
    public async Task<GateDecision> DecideAsync(RingFleet fleet, IReadOnlyList<TenantMoveSpec> moves, CancellationToken ct)
    {
        var now = fleet.Rings.ToDictionary(r => r.Name, r => r.Config.Tenants.ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        moves = [.. moves.Where(m => now.TryGetValue(m.From, out var there) && there.Contains(m.Tenant))];
        var targets = TenantWaves.Rings(moves).Targets;
        var held = (await _ctx.Registry.ListRingsAsync(ct).ConfigureAwait(false)).Where(r => r.Held && targets.Contains(r.Name))
            .ToDictionary(r => r.Name, r => r.HeldReason ?? "held", StringComparer.Ordinal);
        return await new ChangeGuard(_ctx).DecideRingsAsync(ChangePath.TenantWaves, FleetChanges.MoveTenants(fleet, moves), TenantWaves.UpdateOrder(moves),
            ChangeGuard.Consent.None, ct, held).ConfigureAwait(false);
    }

    public async Task<Outcome> RunAsync(Plan plan, Options options, CancellationToken ct)
    {
        var rings = plan.Rings;
        var of = plan.Resumes is { } r ? $"resumes #{r}" : plan.Reverts is { } v ? $"moves back what #{v} moved" : null;
        var what = of is null ? $"move {plan.Describe}" : $"move {plan.Describe} ({of})";
        // The log says why (the operator's reason) and, for a resume or a revert, which run it continues or undoes.
        var reason = of is null ? options.Reason : options.Reason.Length == 0 ? of : $"{options.Reason} ({of})";
        await _ctx.EnsureSettledAsync(rings, ct).ConfigureAwait(false);
        var fleet = await _ctx.LoadFleetAsync(ct).ConfigureAwait(false);
        Check(plan, options, fleet);
        var intent = new OperationIntent("tenant-waves", rings, _ctx.Actor, reason)
        {
            From = string.Join(",", plan.Sources),
            To = string.Join(",", plan.Targets),
        };
        var guard = new ChangeGuard(_ctx);
        intent = ChangeGuard.Record(intent, await guard.EnforceAsync(intent, what, await DecideAsync(fleet, plan.Moves, ct).ConfigureAwait(false), ct).ConfigureAwait(false));
        _ctx.RequireStacks();
        await using var lease = await _ctx.LeaseAsync(rings, ct).ConfigureAwait(false);
        var runId = await Waves.BeginRunAsync(intent, plan.Waves, plan.FirstWave, plan.TotalWaves, plan.WaveSize, plan.Resumes, ct).ConfigureAwait(false);
        await lease.AttachAsync(runId, ct).ConfigureAwait(false);
        OperationContext.CrashPoint(CrashSteps.WavesIntent);
        var run = new RunState(runId, plan, what, reason);
        LastRun = run;
        for (var i = 0; i < plan.Waves.Count; i++)
        {
            var (number, wave) = (plan.FirstWave + i, plan.Waves[i]);
            if (i > 0)
            {
                // The gates again for this wave: a freeze that began, a hold or a lock edited meanwhile stop the run here.
                GateDecision decision;
                try
                {
                    await lease.RenewAsync(_ctx.LeaseTtl, ct).ConfigureAwait(false);
                    decision = await DecideAsync(await _ctx.LoadFleetAsync(ct).ConfigureAwait(false), wave, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    throw await StopAsync(run, ExitCode(e), $"wave {number} could not start: {e.Message}").ConfigureAwait(false);
                }

                if (!decision.Allowed)
                {
                    var refusal = await guard.RefuseAsync(intent, $"wave {number}/{plan.TotalWaves}", decision, ct).ConfigureAwait(false);
                    throw await StopAsync(run, refusal.ExitCode, $"wave {number} was refused before it started: {refusal.Message}").ConfigureAwait(false);
                }
            }

            await RunWaveAsync(run, number, wave, ct).ConfigureAwait(false);
            if (i < plan.Waves.Count - 1)
            {
                await _ctx.Log.StepAsync(runId, WaveRegistry.Step(number, plan.TotalWaves, "verify"), ct).ConfigureAwait(false);
                try
                {
                    // The leases outlast the pause (a run that dies meanwhile is found dead by reconcile on this host, or expires).
                    await lease.RenewAsync(_ctx.LeaseTtl + options.Pause, ct).ConfigureAwait(false);
                    await VerifyAsync(plan.Targets, options, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    throw await StopAsync(run, ExitCode(e), $"verification after wave {number} failed: {e.Message}").ConfigureAwait(false);
                }
            }
        }

        await _ctx.Log.CloseAsync(runId, "succeeded", null, ct).ConfigureAwait(false);
        OperationContext.CrashPoint(CrashSteps.WavesClosed);
        return new Outcome(runId, run.Moved, run.Skipped, plan.Waves.Count, run.Updates);
    }

    /// <summary>A stop's exit code: the command error's own, a conflict for a lost lease, else an infrastructure failure (a timeout, the database).</summary>
    private static int ExitCode(Exception e) => e switch
    {
        CommandException c => c.ExitCode,
        LeaseLostException => ExitCodes.Conflict,
        _ => ExitCodes.Infrastructure,
    };

    /// <summary>What the last run started by <see cref="RunAsync"/> did, also when it stopped (its id, the tenants it moved, its last completed wave).</summary>
    public IRunSummary? LastRun { get; private set; }

    /// <summary>A run's progress as the command reports it.</summary>
    public interface IRunSummary
    {
        long Id { get; }

        int MovedCount { get; }

        int LastCompleted { get; }
    }

    /// <summary>What a run has done so far (for its summary, and the message when it stops).</summary>
    private sealed class RunState(long id, Plan plan, string what, string reason) : IRunSummary
    {
        public string Reason { get; } = reason;

        public int MovedCount => Moved.Count;

        public long Id { get; } = id;

        public Plan Plan { get; } = plan;

        public string What { get; } = what;

        public List<TenantMoveSpec> Moved { get; } = [];

        public List<(TenantMoveSpec Move, string? Now)> Skipped { get; } = [];

        public Dictionary<string, int> Updates { get; } = new(StringComparer.Ordinal);

        public int LastCompleted { get; set; } = plan.FirstWave - 1;
    }

    /// <summary>One wave: the registry transaction, the receiving rings' stacks, then those the tenants leave, then their exports.</summary>
    private async Task RunWaveAsync(RunState run, int number, IReadOnlyList<TenantMoveSpec> wave, CancellationToken ct)
    {
        var of = run.Plan.TotalWaves;
        await _ctx.Log.StepAsync(run.Id, WaveRegistry.Step(number, of, "registry"), ct).ConfigureAwait(false);
        var where = $"wave {number}/{of} of #{run.Id}";
        var result = await Waves.MoveWaveAsync(run.Id, number, of, wave, _ctx.Actor, run.Reason.Length == 0 ? where : $"{run.Reason} ({where})", ct).ConfigureAwait(false);
        OperationContext.CrashPoint(CrashSteps.WaveRegistryCommitted);
        run.Skipped.AddRange(result.Skipped);
        _ctx.Progress.Report($"wave {number}/{of}: {result.Moved.Count} tenant(s) moved in the registry"
            + (result.Skipped.Count > 0 ? $", {result.Skipped.Count} skipped (moved meanwhile: {Sample([.. result.Skipped.Select(s => $"{s.Move.Tenant} now in {s.Now ?? "no ring"}")])})" : ""));
        if (result.Moved.Count > 0)
        {
            var (targets, sources) = TenantWaves.Rings(result.Moved);
            var touched = new List<string>();
            var step = "";
            try
            {
                foreach (var ring in targets.Concat(sources))
                {
                    step = $"update {ring}";
                    touched.Add(ring);
                    await _ctx.Log.StepAsync(run.Id, WaveRegistry.Step(number, of, step), ct).ConfigureAwait(false);
                    await _ctx.UpdateRingAsync(ring, ct).ConfigureAwait(false);
                    run.Updates[ring] = run.Updates.GetValueOrDefault(ring) + 1;
                    OperationContext.CrashPoint(targets.Contains(ring) ? CrashSteps.WaveTargetUpdated : CrashSteps.WaveSourceUpdated);
                }

                step = "check of the exported tenants";
                await _ctx.Log.StepAsync(run.Id, WaveRegistry.Step(number, of, "check"), ct).ConfigureAwait(false);
                await CheckExportsAsync(result.Moved, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var error = $"wave {number} failed at {step}: {e.Message}";
                await Waves.RevertWaveAsync(result.WaveId, result.Moved, error, CancellationToken.None).ConfigureAwait(false);
                var stacks = await _ctx.ReconvergeAsync(touched).ConfigureAwait(false);
                throw await StopAsync(run, ExitCodes.Infrastructure, $"{error}. The registry was put back for wave {number} ({result.Moved.Count} tenant(s) back where they were); {stacks}").ConfigureAwait(false);
            }
        }

        await Waves.CompleteWaveAsync(result.WaveId, ct).ConfigureAwait(false);
        run.Moved.AddRange(result.Moved);
        run.LastCompleted = number;
        OperationContext.CrashPoint(CrashSteps.WaveClosed);
    }

    /// <summary>Every receiving ring's <c>/api/health</c>; then over <c>--pause</c> its metric gates (<c>--verify</c>), or just the pause.</summary>
    private async Task VerifyAsync(IReadOnlyList<string> targets, Options options, CancellationToken ct)
    {
        var fleet = await _ctx.LoadFleetAsync(ct).ConfigureAwait(false);
        foreach (var ring in targets)
        {
            var record = await _ctx.Registry.FindRingAsync(ring, ct).ConfigureAwait(false);
            var config = fleet.Find(ring)!.Config;
            var report = await RingHealth.CheckAsync(_ctx.Http, options.Url ?? $"http://{record!.K8sService}", ring, config.PodLockPath, config.Health.Custom, ct).ConfigureAwait(false);
            _ctx.Progress.Report($"verify {ring}: {report.Url} ok");
        }

        if (options.Verify)
        {
            foreach (var ring in targets)
            {
                var watched = await new MetricWatch(_ctx).WatchAsync(fleet.Find(ring)!, options.Pause, ct).ConfigureAwait(false);
                if (watched.Failed is { } failed)
                {
                    throw new CommandException(ExitCodes.GateRefused, $"verify {ring}: {failed.Failure}");
                }
            }
        }
        else if (options.Pause > TimeSpan.Zero)
        {
            _ctx.Progress.Report($"pausing {RingInfra.Core.Config.RingConfigBinder.FormatDuration(options.Pause)} before the next wave");
            await _ctx.Clock.DelayAsync(options.Pause, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Each ring the moves touched exports the registry's view: the moved tenants in their targets, gone from their sources.</summary>
    private async Task CheckExportsAsync(IReadOnlyList<TenantMoveSpec> moved, CancellationToken ct)
    {
        var problems = new List<string>();
        foreach (var ring in TenantWaves.UpdateOrder(moved))
        {
            var exported = (await StackOutputs.TenantsAsync(_ctx.Stacks, ring, ct).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
            var missing = moved.Where(m => m.To == ring && !exported.Contains(m.Tenant)).Select(m => m.Tenant).ToList();
            var stale = moved.Where(m => m.From == ring && exported.Contains(m.Tenant)).Select(m => m.Tenant).ToList();
            if (missing.Count > 0)
            {
                problems.Add($"{ring} does not export {missing.Count} moved tenant(s): {Sample(missing)}");
            }

            if (stale.Count > 0)
            {
                problems.Add($"{ring} still exports {stale.Count} tenant(s) that left it: {Sample(stale)}");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("verification: " + string.Join("; ", problems));
        }
    }

    /// <summary>Closes the run as failed at the last completed wave and returns the error: what moved, what failed, how to go on or back.</summary>
    private async Task<CommandException> StopAsync(RunState run, int exitCode, string why)
    {
        var plan = run.Plan;
        var done = run.LastCompleted >= plan.FirstWave ? $"waves {plan.FirstWave}–{run.LastCompleted} of {plan.TotalWaves} completed" : "no wave completed";
        var message = $"{run.What}: stopped. {why.TrimEnd('.')}. {run.Moved.Count} tenant(s) moved by this run ({done}); the registry and the stacks agree with each other"
            + $" at wave {run.LastCompleted}, and nothing was held. Next wave: ringctl tenant move --resume {run.Id}"
            + (run.Moved.Count > 0 ? $"; to move them back: ringctl tenant move --revert {run.Id}" : "");
        await _ctx.Log.CloseAsync(run.Id, "failed", message, CancellationToken.None).ConfigureAwait(false);
        return new CommandException(exitCode, message);
    }

    /// <summary>The rings reconcile updates to finish run <paramref name="id"/>'s current wave (none when no wave was under way).</summary>
    public async Task<IReadOnlyList<string>> RingsToFinishAsync(long id, CancellationToken ct)
    {
        var current = (await Waves.WavesAsync(id, ct).ConfigureAwait(false)).LastOrDefault(w => w.Status == "pending");
        return current is null ? [] : TenantWaves.UpdateOrder(current.Moved);
    }

    /// <summary>
    /// <c>reconcile --apply</c> on a run a dead process left pending: its current wave finished (the registry already moved
    /// it: the rings are updated to it, their exports checked, the wave closed), then the run is closed — succeeded when that
    /// was the last wave, otherwise abandoned with how to resume. Reconcile never starts a new wave.
    /// </summary>
    public async Task<string> FinishAsync(OperationRecord op, CancellationToken ct)
    {
        var run = await Waves.FindRunAsync(op.Id, ct).ConfigureAwait(false) ?? throw new InvalidOperationException($"#{op.Id} is not a tenant move run");
        var waves = await Waves.WavesAsync(op.Id, ct).ConfigureAwait(false);
        var current = waves.LastOrDefault(w => w.Status == "pending");
        if (current is not null && current.Moved.Count > 0)
        {
            _ctx.RequireStacks();
            foreach (var ring in TenantWaves.UpdateOrder(current.Moved))
            {
                await _ctx.UpdateRingAsync(ring, ct).ConfigureAwait(false);
            }

            await CheckExportsAsync(current.Moved, ct).ConfigureAwait(false);
        }

        if (current is not null)
        {
            await Waves.CompleteWaveAsync(current.Id, ct).ConfigureAwait(false);
        }

        var done = TenantWaves.Remaining(run.Waves, run.FirstWave, waves.Where(w => w.Status == "succeeded" || w == current).Select(w => w.Number)).FirstWave - 1;
        var moved = waves.Where(w => w.Status == "succeeded" || w == current).Sum(w => w.Moved.Count);
        var finished = current is null ? "no wave was under way" : $"wave {current.Number} finished";
        if (done == run.TotalWaves)
        {
            await _ctx.Log.CloseAsync(op.Id, "succeeded", null, ct).ConfigureAwait(false);
            return $"{finished}; that was the last: {moved} tenant(s) moved by this run, succeeded";
        }

        var stopped = $"stopped by reconcile after wave {done} of {run.TotalWaves} ({finished}; {moved} tenant(s) moved by this run): next wave with ringctl tenant move --resume {op.Id}";
        await _ctx.Log.CloseAsync(op.Id, "abandoned", stopped, ct).ConfigureAwait(false);
        return stopped;
    }

    /// <summary>At most 10 names, then how many more.</summary>
    public static string Sample(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(10)) + (names.Count > 10 ? $" and {names.Count - 10} more" : "");
}
