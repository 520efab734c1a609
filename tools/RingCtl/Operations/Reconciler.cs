using RingCtl.Cli;
using RingCtl.Registry;
using RingInfra.Core.Config;
using RingCtl.Stacks;
using RingInfra.Core.Fleet;
using RingInfra.Core.Locks;
using RingInfra.Core.Promotion;

namespace RingCtl.Operations;

/// <summary>
/// <c>reconcile</c>: finds operations a dead run left pending and resumes or abandons each (with
/// <c>--apply</c>), and reports drift between the registry and the repository (tenant lists of the stack
/// files, lock files against the recorded landings). The registry is the truth it converges to.
/// </summary>
public sealed class Reconciler
{
    private readonly OperationContext _ctx;
    private string _reason = "";

    public Reconciler(OperationContext context)
    {
        _ctx = context;
    }

    /// <summary>A finding and what was (or would be) done; <paramref name="Exit"/> is non-zero when doing it failed or was refused.</summary>
    public sealed record Finding(string Kind, string Subject, string Detail, string Action, int Exit = 0);

    /// <param name="apply">Resume or abandon, and remove the drift; otherwise only report.</param>
    /// <param name="ct">Cancellation.</param>
    /// <param name="reason">The operator's reason (<c>--reason</c>), kept on any refusal row reconcile writes.</param>
    public async Task<IReadOnlyList<Finding>> RunAsync(bool apply, CancellationToken ct, string reason = "")
    {
        _reason = reason;
        var findings = new List<Finding>();
        // A lease whose holder died on this host (its process is gone) does not count as live.
        var active = await _ctx.Leases.ActiveAsync(ct).ConfigureAwait(false);
        var live = active.Where(l => !LeaseOwner.IsDeadHere(l.Owner)).Select(l => l.Ring).ToHashSet();
        if (apply)
        {
            await _ctx.Leases.ReleaseDeadAsync(active.Where(l => LeaseOwner.IsDeadHere(l.Owner)).Select(l => (l.Ring, l.Owner)), ct).ConfigureAwait(false);
        }
        foreach (var op in await _ctx.Log.PendingAsync(null, ct).ConfigureAwait(false))
        {
            if (op.ParentId is not null)
            {
                // A wave's row and its tenants' rows are finished with their run.
                continue;
            }

            if (op.Rings.Any(live.Contains))
            {
                findings.Add(new("pending", $"#{op.Id}", op.Summary, "in progress (its ring lease is live): left alone"));
                continue;
            }

            var (action, exit) = apply ? await ApplyAsync(op, Decide(op), ct).ConfigureAwait(false) : (Decide(op), 0);
            findings.Add(new("pending", $"#{op.Id}", op.Summary, action, exit));
        }

        findings.AddRange(await DriftAsync(apply, ct).ConfigureAwait(false));
        return findings;
    }

    private string Decide(OperationRecord op) => op.Kind switch
    {
        "tenant-waves" => $"finish the current wave (update its rings to the registry, check their exports, close it) and stop: the next wave with ringctl tenant move --resume {op.Id}",
        "tenant-move" => $"resume: converge stacks {string.Join(", ", op.Rings)} to the registry, verify, close",
        "promote" or "rollback" when LockHas(op) => $"resume: the lock was rewritten; update {op.Rings[^1]}, verify, record the landing, close",
        "promote" or "rollback" => "abandon: the lock was never rewritten, nothing changed",
        "ring-add" => $"resume or undo the ring add of {op.Rings[0]}, per what exists",
        "ring-retire" => $"resume: destroy and remove the stack {op.Rings[0]}, delete its files, mark it retired, close",
        "tenant-add" => $"resume: the shared stack's tenant list and update, then {op.Rings[0]} converged to the registry, close",
        _ => $"resume: update {string.Join(", ", op.Rings)} again, close",
    };

    private bool LockHas(OperationRecord op)
    {
        var path = LockFiles.PathOf(_ctx.Root, op.Rings[^1]);
        if (!File.Exists(path) || op.Module is null || op.ToValue is null)
        {
            return false;
        }

        var parsed = ModuleLockParser.TryParse(File.ReadAllText(path), op.Rings[^1], path, []);
        return parsed?.Find(op.Module)?.Version.ToString() == op.ToValue;
    }

    private async Task<(string Action, int Exit)> ApplyAsync(OperationRecord op, string plan, CancellationToken ct)
    {
        await using var lease = await _ctx.Leases.AcquireAsync(op.Rings.Where(r => op.Kind != "ring-add"), _ctx.Owner, _ctx.LeaseTtl, _ctx.Wait, ct).ConfigureAwait(false);
        try
        {
            var updates = op.Kind == "tenant-waves" ? await new WaveMove(_ctx).RingsToFinishAsync(op.Id, ct).ConfigureAwait(false) : op.Kind switch
            {
                "promote" or "rollback" => LockHas(op) ? [op.Rings[^1]] : [],
                "ring-retire" or "ring-add" => [],
                _ => op.Rings,
            };
            if (await RefusedAsync(ChangePath.ReconcileResume, updates, $"resuming #{op.Id}", $"resume of operation #{op.Id}", ct).ConfigureAwait(false) is { } refused)
            {
                return ($"{plan} -> {Refused(refused, "still pending; fix the files, then reconcile --apply again")}", ChangeGuard.Refusal("", refused).ExitCode);
            }

            var outcome = await ResolveAsync(op, ct).ConfigureAwait(false);
            return ($"{plan} -> {outcome}", 0);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return ($"{plan} -> FAILED: {e.Message} (still pending)", ExitCodes.Infrastructure);
        }
    }

    /// <summary>
    /// Reconcile updates stacks from the files as they are now, so it passes Core's gates for <paramref name="path"/>
    /// first: a resume the policies (<see cref="ChangePath.ReconcileResume"/>); removing drift those of deploying the
    /// registry's assignment (<see cref="ChangePath.ReconcileDrift"/>). A refusal is logged; null when allowed.
    /// </summary>
    private async Task<GateDecision?> RefusedAsync(ChangePath path, IReadOnlyList<string> updates, string what, string why, CancellationToken ct)
    {
        var fleet = await _ctx.LoadFleetAsync(ct).ConfigureAwait(false);
        var rings = updates.Select(fleet.Find).OfType<RingDefinition>().ToList();
        if (rings.Count == 0)
        {
            return null;
        }

        var guard = new ChangeGuard(_ctx);
        var decision = await guard.DecideRingsAsync(path, fleet, [.. rings.Select(r => r.Name)], ChangeGuard.Consent.None, ct).ConfigureAwait(false);
        if (decision.Allowed)
        {
            return null;
        }

        await guard.RefuseAsync(new OperationIntent("reconcile", [.. rings.Select(r => r.Name)], _ctx.Actor, why + (_reason.Length > 0 ? ": " + _reason : "")), what, decision, ct).ConfigureAwait(false);
        return decision;
    }

    /// <summary>
    /// Finishes a rotation: until the rings' updates began, the shared update replaces the generated keys' resources
    /// again (the rotation may not have run; a second replacement only makes another new value, which the rings then
    /// receive); afterwards it is a plain update. Imported values are not kept anywhere but the stack config, so a run
    /// that died before setting them says so: the rest converges, and that rotation must be run again.
    /// </summary>
    private async Task<string> ResumeRotationAsync(OperationRecord op, CancellationToken ct)
    {
        _ctx.RequireStacks();
        var replace = (op.ToValue ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var ringsStarted = op.Step.StartsWith("update ", StringComparison.Ordinal) && op.Step != "update shared";
        await _ctx.UpdateSharedAsync(ct, ringsStarted ? null : replace).ConfigureAwait(false);
        foreach (var r in op.Rings)
        {
            await UpdateAsync(r, ct).ConfigureAwait(false);
        }

        var lost = op.Step == "intent" && !string.IsNullOrEmpty(op.Module)
            ? $"; values from --from-file were never set (the run died first): rotate {op.Module} again if any was imported"
            : "";
        await _ctx.Log.CloseAsync(op.Id, "succeeded", lost.Length > 0 ? "resumed by reconcile" + lost : null, ct).ConfigureAwait(false);
        return "resumed, succeeded" + lost;
    }

    private static string Refused(GateDecision decision, string then) => $"REFUSED: {string.Join("; ", decision.Refusals)} ({then})";

    private async Task<string> ResolveAsync(OperationRecord op, CancellationToken ct)
    {
        switch (op.Kind)
        {
            case "promote" or "rollback" when !LockHas(op):
                await _ctx.Log.CloseAsync(op.Id, "abandoned", "abandoned by reconcile: the run died before rewriting the lock", ct).ConfigureAwait(false);
                return "abandoned";
            case "promote" or "rollback":
                _ctx.RequireStacks();
                await UpdateAsync(op.Rings[^1], ct).ConfigureAwait(false);
                var ring = op.Rings[^1];
                var lockHash = ModuleLockParser.Parse(await File.ReadAllTextAsync(LockFiles.PathOf(_ctx.Root, ring), ct).ConfigureAwait(false), ring, ring).Hash;
                var exported = await StackOutputs.StringAsync(_ctx.Stacks, StackId.Ring(ring), "lockHash", ct).ConfigureAwait(false);
                if (exported != lockHash)
                {
                    throw new InvalidOperationException($"{ring} exports lockHash {exported}, its lock is {lockHash}");
                }

                await _ctx.Registry.RecordLandingAsync(ring, op.Module!, op.ToValue!, ct).ConfigureAwait(false);
                if (op.Kind == "promote" && (await _ctx.LoadFleetAsync(ct).ConfigureAwait(false)).Find(ring) is { } def && RingInfra.Core.Rendering.UpgradeObjects.Renders(def))
                {
                    // The update just run applied the upgrade Job for this lock: the versions it upgraded are upgraded.
                    await _ctx.Registry.RecordUpgradesAsync(ring, def.Config.Upgrade!.Modules.Select(m => (m, def.Lock.Find(m)!.Version.ToString())), ct).ConfigureAwait(false);
                }

                break;
            case "ring-add":
                return await ResolveRingAddAsync(op, ct).ConfigureAwait(false);
            case "ring-retire":
                _ctx.RequireStacks();
                await new RingLifecycle(_ctx).FinishRetireAsync(op.Id, op.Rings[0], _ => { }, ct).ConfigureAwait(false);
                break;
            case "tenant-add":
                _ctx.RequireStacks();
                if (op.Tenant is { } added && await _ctx.Registry.RingOfTenantAsync(added, ct).ConfigureAwait(false) is not null)
                {
                    await new TenantLifecycle(_ctx).ConvergeSharedAsync(op.Id, added, ct).ConfigureAwait(false);
                }

                await UpdateAsync(op.Rings[0], ct).ConfigureAwait(false);
                break;
            case "tenant-waves":
                return await new WaveMove(_ctx).FinishAsync(op, ct).ConfigureAwait(false);
            case "tenant-move":
                _ctx.RequireStacks();
                foreach (var r in op.Rings.Reverse())
                {
                    await _ctx.UpdateRingAsync(r, ct).ConfigureAwait(false);
                }

                break;
            case "up" when op.Module == Rollout.SharedOnly:
                _ctx.RequireStacks();
                await _ctx.UpdateSharedAsync(ct).ConfigureAwait(false);
                break;
            case "secrets-rotate":
                return await ResumeRotationAsync(op, ct).ConfigureAwait(false);
            case "secrets-sync":
                _ctx.RequireStacks();
                await _ctx.UpdateSharedAsync(ct).ConfigureAwait(false);
                foreach (var r in op.Rings)
                {
                    await UpdateAsync(r, ct).ConfigureAwait(false);
                }

                break;
            default:
                _ctx.RequireStacks();
                foreach (var r in op.Rings)
                {
                    await UpdateAsync(r, ct).ConfigureAwait(false);
                }

                break;
        }

        await _ctx.Log.CloseAsync(op.Id, "succeeded", null, ct).ConfigureAwait(false);
        return "resumed, succeeded";
    }

    private async Task<string> ResolveRingAddAsync(OperationRecord op, CancellationToken ct)
    {
        var name = op.Rings[0];
        var files = new[] { LockFiles.PathOf(_ctx.Root, name), Path.Combine(_ctx.Root, $"Pulumi.{name}.yaml") };
        if (await _ctx.Registry.FindRingAsync(name, ct).ConfigureAwait(false) is null || !files.All(File.Exists))
        {
            foreach (var f in files.Where(File.Exists))
            {
                File.Delete(f);
            }

            if (await _ctx.Registry.FindRingAsync(name, ct).ConfigureAwait(false) is not null)
            {
                await _ctx.Registry.DeleteRingAsync(name, ct).ConfigureAwait(false);
            }

            await _ctx.Log.CloseAsync(op.Id, "abandoned", "abandoned by reconcile: the ring add did not get as far as its files; undone", ct).ConfigureAwait(false);
            return "undone, abandoned";
        }

        var parsed = ModuleLockParser.Parse(await File.ReadAllTextAsync(files[0], ct).ConfigureAwait(false), name, files[0]);
        foreach (var m in parsed.Modules)
        {
            await _ctx.Registry.RecordLandingAsync(name, m.Alias, m.Version.ToString(), ct).ConfigureAwait(false);
        }

        if (_ctx.Stacks is not UnavailableStackRunner)
        {
            await UpdateAsync(name, ct).ConfigureAwait(false);
        }

        await _ctx.Log.CloseAsync(op.Id, "succeeded", null, ct).ConfigureAwait(false);
        return "resumed, succeeded";
    }

    private Task UpdateAsync(string ring, CancellationToken ct) => _ctx.UpdateRingAsync(ring, ct);

    /// <summary>
    /// Registry against repository. A stack file whose tenants, default or active flag differ from the registry
    /// is drift that <c>--apply</c> removes: it writes the registry's assignment into the file (the same code as
    /// before every update) and updates the ring where stacks can be updated. Lock versions the registry never
    /// recorded, and files and registry rows without each other, are reported with what to do: reconcile does
    /// not guess a version or invent a ring.
    /// </summary>
    private async Task<IReadOnlyList<Finding>> DriftAsync(bool apply, CancellationToken ct)
    {
        var findings = new List<Finding>();
        var files = new DirectoryFiles(_ctx.Root);
        var ringFiles = files.ListFiles("").Where(FleetLoader.IsRingFile).Select(f => f["Pulumi.".Length..^".yaml".Length]).ToHashSet(StringComparer.Ordinal);
        var assignments = await _ctx.AssignmentsAsync(ct).ConfigureAwait(false);
        foreach (var (ring, registered) in assignments.Where(a => a.Value.Active))
        {
            if (!ringFiles.Contains(ring))
            {
                findings.Add(new("missing", ring, "in the registry but has no stack file", $"not changed by reconcile: restore Pulumi.{ring}.yaml from git, or retire the ring"));
                continue;
            }

            var drift = Assignments.Drift(ring, StackConfigFile.ReadAssignment(_ctx.Root, StackId.Ring(ring)), registered);
            if (drift.Count > 0)
            {
                var action = _ctx.Stacks is UnavailableStackRunner
                    ? $"write the registry's assignment into Pulumi.{ring}.yaml (the registry wins); its stack is updated by the next ringctl up {ring}"
                    : $"write the registry's assignment into Pulumi.{ring}.yaml (the registry wins) and update {ring}";
                var (done, exit) = apply ? await ConvergeFileAsync(ring, action, ct).ConfigureAwait(false) : (action, 0);
                findings.Add(new("drift", ring, string.Join("; ", drift), done, exit));
            }

            var lockFile = LockFiles.PathOf(_ctx.Root, ring);
            var lockText = File.Exists(lockFile) ? await File.ReadAllTextAsync(lockFile, ct).ConfigureAwait(false) : null;
            var moduleLock = lockText is null ? null : ModuleLockParser.TryParse(lockText, ring, lockFile, []);
            var unrecorded = moduleLock is null ? [] : LockProvenance.Unrecorded(moduleLock, await _ctx.Registry.LandedVersionsAsync(ring, ct).ConfigureAwait(false));
            foreach (var (module, version, recorded) in unrecorded)
            {
                findings.Add(new("unrecorded", ring, $"{module}: lock has {version}, registry recorded {recorded ?? "no landing"}",
                    $"not changed by reconcile: up refuses the ring until {module} {version} is promoted through ringctl or the lock is restored"));
            }
        }

        foreach (var ring in ringFiles.Where(r => !assignments.ContainsKey(r)).Order(StringComparer.Ordinal))
        {
            findings.Add(new("unregistered", ring, "has a stack file but is not in the registry", "not changed by reconcile: ringctl ring add it, or remove the file"));
        }

        return findings;
    }

    /// <summary>--apply for a drift finding: the assignment written (and the ring updated where it can be).</summary>
    private async Task<(string Action, int Exit)> ConvergeFileAsync(string ring, string action, CancellationToken ct)
    {
        try
        {
            // Updating the ring deploys its files as they are: the same gates as any update from the registry's assignment.
            if (_ctx.Stacks is not UnavailableStackRunner
                && await RefusedAsync(ChangePath.ReconcileDrift, [ring], $"removing the drift of {ring}", $"drift of {ring}", ct).ConfigureAwait(false) is { } refused)
            {
                return ($"{action} -> {Refused(refused, "nothing was written")}", ChangeGuard.Refusal("", refused).ExitCode);
            }

            if (_ctx.Stacks is UnavailableStackRunner)
            {
                await _ctx.WriteAssignmentAsync(ring, ct, StackConfigFile.Set).ConfigureAwait(false);
            }
            else
            {
                await using var lease = await _ctx.LeaseAsync([ring], ct).ConfigureAwait(false);
                await _ctx.UpdateRingAsync(ring, ct).ConfigureAwait(false);
            }

            return ($"{action} -> done", 0);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return ($"{action} -> FAILED: {e.Message}", ExitCodes.Infrastructure);
        }
    }
}
