using RingCtl.Cli;
using RingCtl.Registry;
using RingCtl.Stacks;
using RingInfra.Core.Diff;
using RingInfra.Core.Fleet;
using RingInfra.Core.Promotion;

namespace RingCtl.Operations;

/// <summary>
/// <c>tenant assign</c>: a compare-and-set in the registry with its log row (one transaction), then the
/// target ring's stack, then the source ring's (make-before-break), then a check of both stacks'
/// tenant lists. A failure puts the registry back, re-converges the stacks it touched, and says so.
/// </summary>
public sealed class TenantMove
{
    private readonly OperationContext _ctx;

    public TenantMove(OperationContext context)
    {
        _ctx = context;
    }

    public sealed record Plan(string Tenant, string From, string To);

    /// <summary>Validates the move against the registry; null when the tenant is already there.</summary>
    public async Task<Plan?> PlanAsync(string tenant, string to, CancellationToken ct)
    {
        var from = await _ctx.Registry.RingOfTenantAsync(tenant, ct).ConfigureAwait(false)
            ?? throw new CommandException(ExitCodes.Usage, $"tenant: '{tenant}' is not in the registry (ringctl ring show <ring> --tenants lists them)");
        var target = await _ctx.Registry.FindRingAsync(to, ct).ConfigureAwait(false);
        if (target is null)
        {
            var known = string.Join(", ", (await _ctx.Registry.ListRingsAsync(ct).ConfigureAwait(false)).Select(r => r.Name));
            throw new CommandException(ExitCodes.Usage, $"ring: '{to}' is not a ring of the registry (known: {known})");
        }

        if (!target.IsActive)
        {
            throw new CommandException(ExitCodes.Usage, $"ring: '{to}' is retired (inactive); tenants can only be assigned to active rings");
        }

        if (from != to)
        {
            await _ctx.RefuseUnservedHomesAsync($"assign {tenant} to {to}", to, [tenant], ct).ConfigureAwait(false);
        }

        return from == to ? null : new Plan(tenant, from, to);
    }

    public async Task<long> RunAsync(Plan plan, string reason, CancellationToken ct)
    {
        // Both stacks are updated from their files as they are: their gates first (Core's table for a tenant
        // move: lock provenance and policies; a freeze is only noted), before the lease.
        var intent = new OperationIntent("tenant-move", [plan.From, plan.To], _ctx.Actor, reason) { Tenant = plan.Tenant, From = plan.From, To = plan.To };
        await _ctx.EnsureSettledAsync([plan.From, plan.To], ct).ConfigureAwait(false);
        var before = await _ctx.LoadFleetAsync(ct).ConfigureAwait(false);
        if (before.Find(plan.From)?.Config.Tenants.Contains(plan.Tenant) != true)
        {
            throw await MovedMeanwhileAsync(plan, ct).ConfigureAwait(false);
        }

        intent = await new ChangeGuard(_ctx).EnforceRingsAsync(ChangePath.TenantMove, intent, $"assign {plan.Tenant} to {plan.To}",
            FleetChanges.MoveTenant(before, plan.Tenant, plan.From, plan.To), [plan.To, plan.From], ChangeGuard.Consent.None, ct).ConfigureAwait(false);
        _ctx.RequireStacks();
        await using var lease = await _ctx.LeaseAsync([plan.From, plan.To], ct).ConfigureAwait(false);
        var id = await _ctx.Registry.MoveTenantAsync(plan.Tenant, plan.From, plan.To, intent, ct).ConfigureAwait(false);
        if (id is not { } opId)
        {
            throw await MovedMeanwhileAsync(plan, ct).ConfigureAwait(false);
        }

        await lease.AttachAsync(opId, ct).ConfigureAwait(false);
        OperationContext.CrashPoint(CrashSteps.MoveRegistryCommitted);
        var touched = new List<string>();
        var step = "";
        try
        {
            foreach (var ring in new[] { plan.To, plan.From })
            {
                step = $"update {ring}";
                touched.Add(ring);
                await ConvergeAsync(opId, ring, ct).ConfigureAwait(false);
                OperationContext.CrashPoint(ring == plan.To ? CrashSteps.MoveTargetUpdated : CrashSteps.MoveSourceUpdated);
            }

            step = "verify";
            await _ctx.Log.StepAsync(opId, step, ct).ConfigureAwait(false);
            await VerifyAsync(plan, ct).ConfigureAwait(false);
            await _ctx.Log.CloseAsync(opId, "succeeded", null, ct).ConfigureAwait(false);
            OperationContext.CrashPoint(CrashSteps.MoveClosed);
            return opId;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw await RecoverAsync(plan, opId, step, touched, e).ConfigureAwait(false);
        }
    }

    /// <summary>The tenant left <see cref="Plan.From"/> since the plan was made (a concurrent move): a conflict, nothing changed.</summary>
    private async Task<CommandException> MovedMeanwhileAsync(Plan plan, CancellationToken ct)
    {
        var now = await _ctx.Registry.RingOfTenantAsync(plan.Tenant, ct).ConfigureAwait(false);
        return new CommandException(ExitCodes.Conflict, $"assign {plan.Tenant} to {plan.To}: {plan.Tenant} is no longer in {plan.From} (now in {now ?? "no ring"}); nothing was changed");
    }

    /// <summary>Updates the ring's stack with the registry's tenant list (<see cref="OperationContext.UpdateRingAsync"/>).</summary>
    private async Task ConvergeAsync(long? opId, string ring, CancellationToken ct)
    {
        if (opId is { } id)
        {
            await _ctx.Log.StepAsync(id, $"update {ring}", ct).ConfigureAwait(false);
        }

        await _ctx.UpdateRingAsync(ring, ct).ConfigureAwait(false);
    }

    private async Task VerifyAsync(Plan plan, CancellationToken ct)
    {
        var target = await StackOutputs.TenantsAsync(_ctx.Stacks, plan.To, ct).ConfigureAwait(false);
        var source = await StackOutputs.TenantsAsync(_ctx.Stacks, plan.From, ct).ConfigureAwait(false);
        if (!target.Contains(plan.Tenant) || source.Contains(plan.Tenant))
        {
            throw new InvalidOperationException($"verification: {plan.To} exports tenants [{string.Join(", ", target)}], {plan.From} exports [{string.Join(", ", source)}]");
        }
    }

    /// <summary>Registry back first (it is the truth), then the touched stacks back to it; the message says what state things are in.</summary>
    private async Task<CommandException> RecoverAsync(Plan plan, long opId, string step, List<string> touched, Exception cause)
    {
        var what = $"assign {plan.Tenant} to {plan.To} failed at {step}: {cause.Message}";
        await _ctx.Registry.RevertMoveAsync(plan.Tenant, plan.From, plan.To, opId, what, CancellationToken.None).ConfigureAwait(false);
        return new CommandException(ExitCodes.Infrastructure,
            $"{what}. The registry was put back ({plan.Tenant} is in {plan.From}); {await _ctx.ReconvergeAsync(touched).ConfigureAwait(false)}");
    }
}
