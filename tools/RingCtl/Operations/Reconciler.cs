using RingCtl.Registry;
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

    public Reconciler(OperationContext context)
    {
        _ctx = context;
    }

    public sealed record Finding(string Kind, string Subject, string Detail, string Action);

    public async Task<IReadOnlyList<Finding>> RunAsync(bool apply, CancellationToken ct)
    {
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
            if (op.Rings.Any(live.Contains))
            {
                findings.Add(new("pending", $"#{op.Id}", op.Summary, "in progress (its ring lease is live): left alone"));
                continue;
            }

            var action = Decide(op);
            if (apply)
            {
                action = await ApplyAsync(op, action, ct).ConfigureAwait(false);
            }

            findings.Add(new("pending", $"#{op.Id}", op.Summary, action));
        }

        findings.AddRange(await DriftAsync(ct).ConfigureAwait(false));
        return findings;
    }

    private string Decide(OperationRecord op) => op.Kind switch
    {
        "tenant-move" => $"resume: converge stacks {string.Join(", ", op.Rings)} to the registry, verify, close",
        "promote" or "rollback" when LockHas(op) => $"resume: the lock was rewritten; update {op.Rings[^1]}, verify, record the landing, close",
        "promote" or "rollback" => "abandon: the lock was never rewritten, nothing changed",
        "ring-add" => $"resume or undo the ring add of {op.Rings[0]}, per what exists",
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

    private async Task<string> ApplyAsync(OperationRecord op, string plan, CancellationToken ct)
    {
        await using var lease = await _ctx.Leases.AcquireAsync(op.Rings.Where(r => op.Kind != "ring-add"), _ctx.Owner, _ctx.LeaseTtl, _ctx.Wait, ct).ConfigureAwait(false);
        try
        {
            if (await GateAsync(op, ct).ConfigureAwait(false) is { } refused)
            {
                return $"{plan} -> {refused}";
            }

            var outcome = await ResolveAsync(op, ct).ConfigureAwait(false);
            return $"{plan} -> {outcome}";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return $"{plan} -> FAILED: {e.Message} (still pending)";
        }
    }

    /// <summary>
    /// A resume updates stacks from the files as they are now, so it passes the policy gate first (Core's table
    /// for <see cref="ChangePath.ReconcileResume"/>). A refusal is logged and leaves the operation pending; null when allowed.
    /// </summary>
    private async Task<string?> GateAsync(OperationRecord op, CancellationToken ct)
    {
        var updates = op.Kind is "promote" or "rollback" ? (LockHas(op) ? [op.Rings[^1]] : []) : op.Rings;
        var fleet = _ctx.LoadFleet();
        var rings = updates.Select(fleet.Find).OfType<RingDefinition>().ToList();
        if (rings.Count == 0)
        {
            return null;
        }

        var guard = new ChangeGuard(_ctx);
        var decision = await guard.DecideRingsAsync(ChangePath.ReconcileResume, fleet, rings, ChangeGuard.Consent.None, ct).ConfigureAwait(false);
        if (decision.Allowed)
        {
            return null;
        }

        await guard.RefuseAsync(new OperationIntent("reconcile", [.. rings.Select(r => r.Name)], _ctx.Actor, $"resume of operation #{op.Id}"),
            $"resuming #{op.Id}", decision, ct).ConfigureAwait(false);
        return $"REFUSED: {string.Join("; ", decision.Refusals)} (still pending; fix the files, then reconcile --apply again)";
    }

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
                break;
            case "ring-add":
                return await ResolveRingAddAsync(op, ct).ConfigureAwait(false);
            case "tenant-move":
                _ctx.RequireStacks();
                foreach (var r in op.Rings.Reverse())
                {
                    var stack = StackId.Ring(r);
                    await _ctx.Stacks.SelectOrCreateAsync(stack, ct).ConfigureAwait(false);
                    var tenants = (await _ctx.Registry.TenantsAsync(r, ct).ConfigureAwait(false)).Select(t => t.Tenant);
                    await _ctx.Stacks.SetConfigAsync(stack, TenantMove.ConfigKey, OperationContext.Json(tenants), ct).ConfigureAwait(false);
                    await _ctx.Stacks.UpdateAsync(stack, _ctx.Progress, ct).ConfigureAwait(false);
                }

                break;
            case "secrets-sync":
                _ctx.RequireStacks();
                await _ctx.Stacks.SelectOrCreateAsync(StackId.SharedStack(), ct).ConfigureAwait(false);
                await _ctx.Stacks.UpdateAsync(StackId.SharedStack(), _ctx.Progress, ct).ConfigureAwait(false);
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

    private async Task UpdateAsync(string ring, CancellationToken ct)
    {
        var stack = StackId.Ring(ring);
        await _ctx.Stacks.SelectOrCreateAsync(stack, ct).ConfigureAwait(false);
        _ctx.Progress.Report($"updating {stack}");
        await _ctx.Stacks.UpdateAsync(stack, _ctx.Progress, ct).ConfigureAwait(false);
    }

    /// <summary>Registry against repository: tenant lists in the stack files, lock versions against recorded landings.</summary>
    private async Task<IReadOnlyList<Finding>> DriftAsync(CancellationToken ct)
    {
        var findings = new List<Finding>();
        var fleet = _ctx.LoadFleet();
        foreach (var ring in await _ctx.Registry.ListRingsAsync(ct).ConfigureAwait(false))
        {
            var def = fleet.Find(ring.Name);
            if (def is null)
            {
                findings.Add(new("drift", ring.Name, "in the registry but has no stack file", $"add Pulumi.{ring.Name}.yaml or retire the ring"));
                continue;
            }

            var registered = (await _ctx.Registry.TenantsAsync(ring.Name, ct).ConfigureAwait(false)).Select(t => t.Tenant).ToList();
            if (!registered.SequenceEqual(def.Config.Tenants))
            {
                findings.Add(new("drift", ring.Name, $"tenants: registry [{string.Join(", ", registered)}], stack file [{string.Join(", ", def.Config.Tenants)}]",
                    "the registry wins: the next update of the ring sets its tenants"));
            }

            foreach (var m in def.Lock.Modules)
            {
                var landing = await _ctx.Registry.LandingAsync(ring.Name, m.Alias, ct).ConfigureAwait(false);
                if (landing?.Version != m.Version.ToString())
                {
                    findings.Add(new("drift", ring.Name, $"{m.Alias}: lock has {m.Version}, registry recorded {landing?.Version ?? "no landing"}",
                        "the lock changed outside ringctl: its bake time is unknown until it is promoted through ringctl"));
                }
            }
        }

        foreach (var def in fleet.Rings.Where(d => !findings.Any(f => f.Subject == d.Name)))
        {
            if (await _ctx.Registry.FindRingAsync(def.Name, ct).ConfigureAwait(false) is null)
            {
                findings.Add(new("drift", def.Name, "has a stack file but is not in the registry", "ringctl ring add it, or remove the file"));
            }
        }

        return findings;
    }
}
