using RingCtl.Cli;
using RingCtl.Registry;
using RingCtl.Stacks;
using RingInfra.Core.Config;
using RingInfra.Core.Fleet;
using RingInfra.Core.Locks;
using RingInfra.Core.Diff;
using RingInfra.Core.Promotion;

namespace RingCtl.Operations;

/// <summary>
/// <c>ring add</c> — doc 000's six-step runbook as one command: registry row, lock copied from a source
/// ring, stack file, stack created and updated (secrets arrive through the shared stack: nothing to
/// copy) — and <c>ring retire</c>, refused while tenants remain.
/// </summary>
public sealed class RingLifecycle
{
    private readonly OperationContext _ctx;

    public RingLifecycle(OperationContext context)
    {
        _ctx = context;
    }

    /// <param name="After">The fleet with the new ring in it (its config with the project's defaults; the gates judge it).</param>
    public sealed record AddPlan(RingFileTemplate.NewRing Ring, string SourceRing, string StackFile, string LockFile, string StackText, string LockText, RingFleet After);

    /// <summary>Validates the new ring together with every existing one (in memory) before anything is written.</summary>
    public AddPlan PlanAdd(RingFileTemplate.NewRing ring, string? from)
    {
        var files = new DirectoryFiles(_ctx.Root);
        var fleet = _ctx.LoadFleet(tenantRules: false);
        if (fleet.Find(ring.Name) is not null || files.ReadText($"Pulumi.{ring.Name}.yaml") is not null)
        {
            throw new CommandException(ExitCodes.Usage, $"ring: '{ring.Name}' already exists (Pulumi.{ring.Name}.yaml)");
        }

        var source = from is null ? fleet.Default : fleet.Find(from) ?? throw new CommandException(ExitCodes.Usage, $"--from: '{from}' is not a ring of this repository (known: {string.Join(", ", fleet.Rings.Select(r => r.Name))})");
        var stackFile = $"Pulumi.{ring.Name}.yaml";
        var lockFile = $"stacks/locks/{ring.Name}.lock.json";
        var (stackText, lockText) = (RingFileTemplate.Render(ring), source.Lock.ForRing(ring.Name).CanonicalJson);
        var problems = new List<ConfigProblem>();
        var after = FleetLoader.TryLoad(new OverlayFiles(files, new Dictionary<string, string> { [stackFile] = stackText, [lockFile] = lockText }), problems, tenantRules: false);
        if (problems.Count > 0 || after is null)
        {
            throw new CommandException(ExitCodes.Usage, $"ring add {ring.Name}:" + string.Concat(problems.Select(p => Environment.NewLine + "  " + p.Message)));
        }

        return new AddPlan(ring, source.Name, stackFile, lockFile, stackText, lockText, after);
    }

    /// <summary>The gates of a ring add (Core's table): the new ring's freeze windows and the policies of the fleet with it.</summary>
    public async Task<GateDecision> DecideAddAsync(AddPlan plan, CancellationToken ct)
    {
        var ring = plan.After.Find(plan.Ring.Name)!;
        var request = await new ChangeGuard(_ctx).BaseAsync(ChangePath.RingAdd, ring, ChangeGuard.Consent.None, ct).ConfigureAwait(false) with
        {
            Violations = ChangeGuard.Violations(Assignments.Apply(plan.After, await _ctx.AssignmentsAsync(ct).ConfigureAwait(false)), [ring.Name]),
        };
        return ChangeGates.Decide(request);
    }

    private OperationIntent AddIntent(AddPlan plan, string reason) =>
        new("ring-add", [plan.Ring.Name], _ctx.Actor, reason.Length > 0 ? reason : $"from {plan.SourceRing}") { To = plan.Ring.Name, From = plan.SourceRing };

    public async Task<long> AddAsync(AddPlan plan, bool updateStack, string reason, CancellationToken ct)
    {
        var name = plan.Ring.Name;
        var decision = await new ChangeGuard(_ctx).EnforceAsync(AddIntent(plan, reason), $"ring add {name}", await DecideAddAsync(plan, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        var id = await _ctx.Log.BeginAsync(ChangeGuard.Record(AddIntent(plan, reason), decision), ct).ConfigureAwait(false);
        OperationContext.CrashPoint(CrashSteps.RingAddIntent);
        var created = new List<string>();
        var registered = false;
        try
        {
            await _ctx.Registry.InsertRingAsync(new RingRecord
            {
                Name = name,
                DisplayName = plan.Ring.DisplayName,
                Description = plan.Ring.Description,
                ManifestPath = plan.LockFile,
                K8sNamespace = plan.Ring.Namespace,
                K8sService = $"nginx.{plan.Ring.Namespace}.svc.cluster.local",
                HostnameSegment = plan.Ring.Segment,
                PromotionOrder = plan.Ring.Order,
                IsActive = true,
            }, ct).ConfigureAwait(false);
            registered = true;
            OperationContext.CrashPoint(CrashSteps.RingAddRegistered);
            foreach (var (path, text) in new[] { (plan.LockFile, plan.LockText), (plan.StackFile, plan.StackText) })
            {
                LockFiles.WriteText(Path.Combine(_ctx.Root, path), text);
                created.Add(path);
            }

            foreach (var m in ModuleLockParser.Parse(plan.LockText, name, plan.LockFile).Modules)
            {
                await _ctx.Registry.RecordLandingAsync(name, m.Alias, m.Version.ToString(), ct).ConfigureAwait(false);
            }

            await _ctx.Log.StepAsync(id, "files written", ct).ConfigureAwait(false);
            OperationContext.CrashPoint(CrashSteps.RingAddFilesWritten);
            if (updateStack)
            {
                await _ctx.UpdateRingAsync(name, ct).ConfigureAwait(false);
                OperationContext.CrashPoint(CrashSteps.RingAddUpdated);
            }

            await _ctx.Log.CloseAsync(id, "succeeded", null, ct).ConfigureAwait(false);
            return id;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            foreach (var path in created)
            {
                File.Delete(Path.Combine(_ctx.Root, path));
            }

            if (registered)
            {
                await _ctx.Registry.DeleteRingAsync(name, CancellationToken.None).ConfigureAwait(false);
            }

            var what = $"ring add {name} failed: {e.Message}";
            await _ctx.Log.CloseAsync(id, "failed", what, CancellationToken.None).ConfigureAwait(false);
            throw new CommandException(e is Npgsql.PostgresException ? ExitCodes.Conflict : ExitCodes.Infrastructure,
                $"{what}. Undone: {(registered ? "registry row removed" : "no registry row was written")}, {(created.Count == 0 ? "no file was written" : "files " + string.Join(", ", created) + " removed")}.");
        }
    }

    /// <summary>What a retire will do, validated: the ring exists, is active, is not the default and serves no tenant.</summary>
    public async Task<RingRecord> PlanRetireAsync(string name, CancellationToken ct)
    {
        var ring = await _ctx.Registry.FindRingAsync(name, ct).ConfigureAwait(false)
            ?? throw new CommandException(ExitCodes.Usage, $"ring: '{name}' is not a ring of the registry");
        if (!ring.IsActive)
        {
            throw new CommandException(ExitCodes.Usage, $"ring: '{name}' is already retired");
        }

        if (ring.IsDefault)
        {
            throw new CommandException(ExitCodes.Conflict, $"ring retire {name}: it is the default ring; make another ring the default first (ringctl ring set-default <ring>)");
        }

        if (ring.TenantCount > 0)
        {
            var tenants = (await _ctx.Registry.TenantsAsync(name, ct).ConfigureAwait(false)).Select(t => t.Tenant);
            throw new CommandException(ExitCodes.Conflict, $"ring retire {name}: it still has {ring.TenantCount} tenant(s) ({string.Join(", ", tenants)}); move them first with ringctl tenant assign");
        }

        return ring;
    }

    /// <summary>The files a retire removes (and <c>--commit</c> commits), relative to the repository root.</summary>
    public static IReadOnlyList<string> RetiredFiles(string name) => [$"Pulumi.{name}.yaml", $"stacks/locks/{name}.lock.json"];

    /// <summary>
    /// Retires a ring: its stack destroyed (its pods, services and namespace go) and removed, its stack file and
    /// lock deleted, its registry row marked inactive — the history is kept. Each step is idempotent: a failed or
    /// crashed retire is finished by running it again, or by <c>reconcile --apply</c>.
    /// </summary>
    public async Task<long> RetireAsync(string name, string reason, CancellationToken ct)
    {
        await PlanRetireAsync(name, ct).ConfigureAwait(false);
        _ctx.RequireStacks();
        await _ctx.EnsureSettledAsync([name], ct).ConfigureAwait(false);
        await using var lease = await _ctx.LeaseAsync([name], ct).ConfigureAwait(false);
        var id = await _ctx.Log.BeginAsync(new OperationIntent("ring-retire", [name], _ctx.Actor, reason) { From = "active", To = "retired" }, ct).ConfigureAwait(false);
        await lease.AttachAsync(id, ct).ConfigureAwait(false);
        OperationContext.CrashPoint(CrashSteps.RingRetireIntent);
        var step = "destroy";
        try
        {
            await FinishRetireAsync(id, name, s => step = s, ct).ConfigureAwait(false);
            await _ctx.Log.CloseAsync(id, "succeeded", null, ct).ConfigureAwait(false);
            return id;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var what = $"ring retire {name} failed at {step}: {e.Message}";
            await _ctx.Log.CloseAsync(id, "failed", what, CancellationToken.None).ConfigureAwait(false);
            var state = step == "destroy"
                ? $"{name} is still active in the registry; its stack may be partly destroyed"
                : $"{name}'s resources are destroyed, but it is still active in the registry";
            throw new CommandException(ExitCodes.Infrastructure, $"{what}. {state}: run `ringctl ring retire {name}` again to finish.");
        }
    }

    /// <summary>The retire's steps after its intent row (also what <c>reconcile --apply</c> resumes).</summary>
    internal async Task FinishRetireAsync(long id, string name, Action<string> stepTo, CancellationToken ct)
    {
        var stack = StackId.Ring(name);
        stepTo("destroy");
        await _ctx.Log.StepAsync(id, "destroy", ct).ConfigureAwait(false);
        await _ctx.Stacks.SelectOrCreateAsync(stack, ct).ConfigureAwait(false);
        _ctx.Progress.Report($"destroying {stack}");
        await _ctx.Stacks.DestroyAsync(stack, _ctx.Progress, ct).ConfigureAwait(false);
        OperationContext.CrashPoint(CrashSteps.RingRetireDestroyed);
        stepTo("remove");
        await _ctx.Log.StepAsync(id, "remove", ct).ConfigureAwait(false);
        await _ctx.Stacks.RemoveAsync(stack, ct).ConfigureAwait(false);
        foreach (var file in RetiredFiles(name))
        {
            File.Delete(Path.Combine(_ctx.Root, file));
        }

        OperationContext.CrashPoint(CrashSteps.RingRetireRemoved);
        stepTo("registry");
        await _ctx.Registry.SetActiveAsync(name, false, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Makes <paramref name="name"/> the default ring: the flag moves in one registry transaction (with the log
    /// row); then the new default's stack (it takes the wildcard host), then the old one's (it gives it up) —
    /// make-before-break, as a tenant move. A failure puts the flag back and re-converges both stacks.
    /// </summary>
    public async Task<(long Id, string From)> SetDefaultAsync(string name, string reason, CancellationToken ct)
    {
        var (from, _) = await PlanSetDefaultAsync(name, ct).ConfigureAwait(false);
        var intent = new OperationIntent("set-default", [from, name], _ctx.Actor, reason) { From = from, To = name };
        await _ctx.EnsureSettledAsync([from, name], ct).ConfigureAwait(false);
        intent = await new ChangeGuard(_ctx).EnforceRingsAsync(ChangePath.SetDefault, intent, $"ring set-default {name}",
            FleetChanges.SetDefault(await _ctx.LoadFleetAsync(ct).ConfigureAwait(false), name), [name, from], ChangeGuard.Consent.None, ct).ConfigureAwait(false);
        _ctx.RequireStacks();
        await using var lease = await _ctx.LeaseAsync([from, name], ct).ConfigureAwait(false);
        var id = await _ctx.Registry.SetDefaultAsync(from, name, intent, ct).ConfigureAwait(false)
            ?? throw new CommandException(ExitCodes.Conflict, $"ring set-default {name}: {from} is no longer the default ring; nothing was changed");
        await lease.AttachAsync(id, ct).ConfigureAwait(false);
        OperationContext.CrashPoint(CrashSteps.SetDefaultCommitted);
        var touched = new List<string>();
        try
        {
            foreach (var ring in new[] { name, from })
            {
                touched.Add(ring);
                await _ctx.Log.StepAsync(id, $"update {ring}", ct).ConfigureAwait(false);
                await _ctx.UpdateRingAsync(ring, ct).ConfigureAwait(false);
                OperationContext.CrashPoint(ring == name ? CrashSteps.SetDefaultUpdated : CrashSteps.SetDefaultOldUpdated);
            }

            await _ctx.Log.CloseAsync(id, "succeeded", null, ct).ConfigureAwait(false);
            return (id, from);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var what = $"ring set-default {name} failed at update {touched[^1]}: {e.Message}";
            await _ctx.Registry.RevertDefaultAsync(from, name, id, what, CancellationToken.None).ConfigureAwait(false);
            throw new CommandException(ExitCodes.Infrastructure, $"{what}. {from} is the default again in the registry; {await _ctx.ReconvergeAsync(touched).ConfigureAwait(false)}");
        }
    }

    /// <summary>Validates a set-default: the ring exists, is active and is not already the default. Returns the current default.</summary>
    public async Task<(string From, RingRecord Target)> PlanSetDefaultAsync(string name, CancellationToken ct)
    {
        var rings = await _ctx.Registry.ListRingsAsync(ct).ConfigureAwait(false);
        var target = rings.FirstOrDefault(r => r.Name == name)
            ?? throw new CommandException(ExitCodes.Usage, $"ring: '{name}' is not a ring of the registry (known: {string.Join(", ", rings.Select(r => r.Name))})");
        if (!target.IsActive)
        {
            throw new CommandException(ExitCodes.Usage, $"ring: '{name}' is retired (inactive); only an active ring can be the default");
        }

        var current = rings.Single(r => r.IsDefault);
        if (current.Name == name)
        {
            throw new CommandException(ExitCodes.Usage, $"ring: '{name}' is already the default ring");
        }

        return (current.Name, target);
    }
}
