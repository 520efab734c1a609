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

    /// <param name="context">The operation's dependencies.</param>
    /// <param name="verify">Extra health verification of the target after the update (e.g. /api/health), or null.</param>
    public Promotion(OperationContext context, Func<string, CancellationToken, Task>? verify = null)
    {
        _ctx = context;
        _verify = verify;
    }

    public sealed record Request(string Module, string? From, string To, string? Version, string? Sha256, string? ApprovedBy, bool Force, bool IsRollback, string Reason);

    public sealed record Plan(Request Request, RingDefinition Target, RingDefinition? Source, LockedModule Module, LockedModule? Current, PromotionDecision Decision)
    {
        public string CommitMessage => Request.IsRollback
            ? RingInfra.Core.Promotion.CommitMessage.Rollback(Target.Name, Module.Alias, Current?.Version, Module.Version)
            : RingInfra.Core.Promotion.CommitMessage.Promote(Target.Name, Module.Alias, Current?.Version, Module.Version);
    }

    /// <summary>Everything decided before anything changes: versions, gates (all refusals), the new lock.</summary>
    public async Task<Plan> PlanAsync(Request r, CancellationToken ct)
    {
        var fleet = _ctx.LoadFleet();
        var known = string.Join(", ", fleet.Rings.Select(x => x.Name));
        var target = fleet.Find(r.To) ?? throw new CommandException(ExitCodes.Usage, $"--to: '{r.To}' is not a ring of this repository (known: {known})");
        var source = r.From is null ? null : fleet.Find(r.From) ?? throw new CommandException(ExitCodes.Usage, $"--from: '{r.From}' is not a ring of this repository (known: {known})");
        var current = target.Lock.Find(r.Module);
        var module = await ResolveAsync(r, fleet, source, current, ct).ConfigureAwait(false);
        var landing = source is null ? null : await _ctx.Registry.LandingAsync(source.Name, r.Module, ct).ConfigureAwait(false);
        var sourceRecord = source is null ? null : await _ctx.Registry.FindRingAsync(source.Name, ct).ConfigureAwait(false);
        var decision = PromotionGates.Evaluate(new PromotionRequest
        {
            Module = r.Module,
            Source = source?.Config,
            Target = target.Config,
            Version = module.Version,
            Current = current?.Version,
            LandedInSource = landing is { } l && l.Version == module.Version.ToString() ? l.LandedAt : null,
            SourceHealthy = sourceRecord is not { Held: true },
            Orders = [.. fleet.Rings.Select(x => x.Config.PromotionOrder)],
            Force = r.Force,
            ApprovedBy = r.ApprovedBy,
            IsRollback = r.IsRollback,
            Now = await _ctx.Registry.NowAsync(ct).ConfigureAwait(false),
        });
        return new Plan(r, target, source, module, current, decision);
    }

    private async Task<LockedModule> ResolveAsync(Request r, RingFleet fleet, RingDefinition? source, LockedModule? current, CancellationToken ct)
    {
        if (source is not null)
        {
            return source.Lock.Find(r.Module) ?? throw new CommandException(ExitCodes.Usage, $"module: '{r.Module}' is not in {source.Name}'s lock ({source.Lock.Modules.Count} modules: {string.Join(", ", source.Lock.Modules.Select(m => m.Alias))})");
        }

        var previous = r.IsRollback && r.Version is null ? await _ctx.Log.PreviousVersionAsync(r.To, r.Module, ct).ConfigureAwait(false) : null;
        var text = r.Version ?? previous?.Version
            ?? throw new CommandException(ExitCodes.Usage, r.IsRollback
                ? $"rollback: no earlier version of {r.Module} is recorded for {r.To}; name one with --to-version"
                : "promote: give --from RING or --version VERSION");
        if (!SemanticVersion.TryParse(text, out var version))
        {
            throw new CommandException(ExitCodes.Usage, $"--version: must be a semantic version MAJOR.MINOR.PATCH such as 1.6.0 (got {text})");
        }

        // A version some ring already runs keeps its artifact and checksum; a new one needs --sha256.
        var known = fleet.Rings.Select(x => x.Lock.Find(r.Module)).FirstOrDefault(m => m is not null && m.Version.Equals(version));
        if (known is not null)
        {
            return known;
        }

        if (previous is { Artifact: { } artifact, Sha256: { } recorded })
        {
            return new LockedModule(r.Module, version, artifact, recorded);
        }

        if (r.Sha256 is null || r.Sha256.Length != 64 || !r.Sha256.All(char.IsAsciiHexDigitLower))
        {
            throw new CommandException(ExitCodes.Usage, $"--sha256: {r.Module} {version} is in no ring's lock, so its artifact checksum is needed: 64 lower-case hex digits (got {r.Sha256 ?? "nothing"})");
        }

        return new LockedModule(r.Module, version, ModuleArtifacts.NameFor(r.Module, version), r.Sha256);
    }

    /// <summary>
    /// Leases the target, then plans on the state as it is under the lease (a promotion racing this one
    /// has either finished or not started), then runs. Refused gates throw with every refusal.
    /// </summary>
    public async Task<(Plan Plan, long Operation)> LeaseAndRunAsync(Request request, Action<Plan> beforeRun, CancellationToken ct)
    {
        _ctx.RequireStacks();
        // Validate the request (unknown rings, modules, versions: usage errors) before taking any lease.
        await PlanAsync(request, ct).ConfigureAwait(false);
        await using var lease = await _ctx.LeaseAsync([request.To], ct).ConfigureAwait(false);
        var plan = await PlanAsync(request, ct).ConfigureAwait(false);
        if (!plan.Decision.Allowed)
        {
            throw Refused(plan);
        }

        beforeRun(plan);
        return (plan, await RunAsync(plan, lease, ct).ConfigureAwait(false));
    }

    private async Task<long> RunAsync(Plan plan, Lease lease, CancellationToken ct)
    {
        var target = plan.Target.Name;
        var rings = plan.Source is null ? new[] { target } : [plan.Source.Name, target];
        var id = await _ctx.Log.BeginAsync(new OperationIntent(plan.Request.IsRollback ? "rollback" : "promote", rings, _ctx.Actor, plan.Request.Reason)
        {
            Module = plan.Module.Alias,
            From = plan.Current?.Version.ToString(),
            To = plan.Module.Version.ToString(),
            Details = new Dictionary<string, string?>
            {
                ["fromArtifact"] = plan.Current?.Artifact,
                ["fromSha256"] = plan.Current?.Sha256,
                ["toArtifact"] = plan.Module.Artifact,
                ["toSha256"] = plan.Module.Sha256,
            },
        }, ct).ConfigureAwait(false);
        await lease.AttachAsync(id, ct).ConfigureAwait(false);
        OperationContext.CrashPoint(CrashSteps.Promotion(plan.Request.IsRollback, "intent"));
        var previous = plan.Target.Lock;
        var next = previous.With(plan.Module);
        var stack = StackId.Ring(target);
        var step = "write lock";
        try
        {
            LockFiles.Write(_ctx.Root, next);
            await _ctx.Log.StepAsync(id, "lock written", ct).ConfigureAwait(false);
            OperationContext.CrashPoint(CrashSteps.Promotion(plan.Request.IsRollback, "lock-written"));
            step = $"update {target}";
            await _ctx.Stacks.SelectOrCreateAsync(stack, ct).ConfigureAwait(false);
            _ctx.Progress.Report($"updating {stack}");
            await _ctx.Stacks.UpdateAsync(stack, _ctx.Progress, ct).ConfigureAwait(false);
            OperationContext.CrashPoint(CrashSteps.Promotion(plan.Request.IsRollback, "updated"));
            step = "verify";
            await _ctx.Log.StepAsync(id, step, ct).ConfigureAwait(false);
            await VerifyAsync(target, next, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw await RecoverAsync(plan, id, previous, step, e).ConfigureAwait(false);
        }

        await _ctx.Registry.RecordLandingAsync(target, plan.Module.Alias, plan.Module.Version.ToString(), ct).ConfigureAwait(false);
        await _ctx.Registry.SetHeldAsync(target, null, ct).ConfigureAwait(false);
        await _ctx.Log.CloseAsync(id, "succeeded", null, ct).ConfigureAwait(false);
        OperationContext.CrashPoint(CrashSteps.Promotion(plan.Request.IsRollback, "closed"));
        return id;
    }

    private async Task VerifyAsync(string ring, ModuleLock next, CancellationToken ct)
    {
        var hash = await StackOutputs.StringAsync(_ctx.Stacks, StackId.Ring(ring), "lockHash", ct).ConfigureAwait(false);
        if (hash != next.Hash)
        {
            throw new InvalidOperationException($"verification: {ring} exports lockHash {hash ?? "nothing"}, expected {next.Hash}");
        }

        if (_verify is not null)
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
                await _ctx.Stacks.UpdateAsync(StackId.Ring(target), _ctx.Progress, CancellationToken.None).ConfigureAwait(false);
                restored += " and its stack re-converged";
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                restored += $", but its stack could NOT be re-converged ({e.Message}): run `ringctl reconcile --apply`";
            }
        }

        if (step == "verify")
        {
            await _ctx.Registry.SetHeldAsync(target, what, CancellationToken.None).ConfigureAwait(false);
            restored += $"; {target} is held until `ringctl verify {target}` passes";
        }

        await _ctx.Log.CloseAsync(id, "failed", what, CancellationToken.None).ConfigureAwait(false);
        return new CommandException(ExitCodes.Infrastructure, $"{what}. {char.ToUpperInvariant(restored[0])}{restored[1..]}.");
    }

    public static CommandException Refused(Plan plan) => new(ExitCodes.GateRefused,
        $"{(plan.Request.IsRollback ? "rollback" : "promote")} {plan.Module.Alias} {plan.Module.Version} into {plan.Target.Name} refused:"
        + string.Concat(plan.Decision.Refusals.Select(x => Environment.NewLine + "  " + x)));

    /// <summary>The objects the promotion would change, by id (an offline diff of the target's renders).</summary>
    public static IReadOnlyList<string> ChangedObjects(Plan plan, RingFleet fleet) =>
        [.. FleetChanges.Compare(fleet, FleetChanges.Promote(fleet, plan.Target.Name, plan.Module), [plan.Target.Name]).Select(c => c.Id)];
}
