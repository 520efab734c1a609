using RingCtl.Cli;
using RingCtl.Registry;
using RingInfra.Core.Config;
using RingInfra.Core.Diff;
using RingInfra.Core.Fleet;
using RingInfra.Core.Promotion;

namespace RingCtl.Operations;

/// <summary>
/// <c>tenant assign &lt;tenant&gt; --region R</c> (doc 004: tenant data pinned to a home region): the registry's compare-and-set
/// with its log row (<c>tenant-region</c>, one statement), then the tenant's ring updated cluster by cluster — only the
/// Ingresses of the clusters that start or stop serving the tenant change. A failure puts the registry back and
/// re-converges the ring. The tenant stays in its ring; <c>none</c> clears the home (every region of its ring serves it).
/// </summary>
public sealed class TenantRegion
{
    /// <summary>The word that clears a home region.</summary>
    public const string None = "none";

    private readonly OperationContext _ctx;

    public TenantRegion(OperationContext context)
    {
        _ctx = context;
    }

    public sealed record Plan(string Tenant, string Ring, string? From, string? To)
    {
        public string What => $"set {Tenant}'s home region: {From ?? None} → {To ?? None} (ring {Ring})";
    }

    /// <summary>The region as typed: a region name, or <c>none</c> (null). Checked before any registry is opened.</summary>
    public static string? Parse(string region) =>
        region == None ? null
        : Names.IsDnsLabel(region) ? region
        : throw new CommandException(ExitCodes.Usage, $"--region: must be a region name such as eu or us-east (a DNS label), or '{None}' to clear it (got {region})");

    /// <summary>Validates against the registry and the tenant's ring; null when the tenant already has that home.</summary>
    public async Task<Plan?> PlanAsync(string tenant, string? region, CancellationToken ct)
    {
        var (ring, from) = await _ctx.Registry.TenantHomeAsync(tenant, ct).ConfigureAwait(false)
            ?? throw new CommandException(ExitCodes.Usage, $"tenant: '{tenant}' is not in the registry (ringctl ring show <ring> --tenants lists them)");
        if (from == region)
        {
            return null;
        }

        var fleet = _ctx.LoadFleet(tenantRules: false);
        var def = fleet.Find(ring)
            ?? throw new CommandException(ExitCodes.Usage, $"tenant: {tenant}'s ring {ring} has no stack file in this repository");
        if (region is not null && RingInfra.Core.Tenants.HomeRegions.RefuseUnknown(fleet, region) is { } unknown)
        {
            throw new CommandException(ExitCodes.Usage, $"--region: {unknown}, or '{None}' to clear it; nothing was changed");
        }

        if (RingInfra.Core.Tenants.HomeRegions.RefuseMove(def.Config, tenant, region) is { } why)
        {
            throw new CommandException(ExitCodes.Usage, $"--region: {why}; move it to a ring with a cluster in {region} first; nothing was changed");
        }

        return new Plan(tenant, ring, from, region);
    }

    /// <summary>The objects the change touches (the Ingresses of the clusters involved), from renders of the fleet before and after.</summary>
    public static IReadOnlyList<ObjectChange> Changes(RingFleet fleet, Plan plan) =>
        FleetChanges.Compare(fleet, FleetChanges.SetHomeRegion(fleet, plan.Tenant, plan.To), [plan.Ring]);

    public async Task<long> RunAsync(Plan plan, string reason, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var intent = new OperationIntent("tenant-region", [plan.Ring], _ctx.Actor, reason) { Tenant = plan.Tenant, From = plan.From ?? None, To = plan.To ?? None };
        await _ctx.EnsureSettledAsync([plan.Ring], ct).ConfigureAwait(false);
        var before = await _ctx.LoadFleetAsync(ct).ConfigureAwait(false);
        // The same gates as moving a tenant (lock provenance, policies over the ring as the change leaves it; a freeze is noted).
        intent = await new ChangeGuard(_ctx).EnforceRingsAsync(ChangePath.TenantMove, intent, plan.What,
            FleetChanges.SetHomeRegion(before, plan.Tenant, plan.To), [plan.Ring], ChangeGuard.Consent.None, ct).ConfigureAwait(false);
        _ctx.RequireStacks();
        await using var lease = await _ctx.LeaseAsync([plan.Ring], ct).ConfigureAwait(false);
        var id = await _ctx.Registry.SetHomeRegionAsync(plan.Tenant, plan.Ring, plan.From, plan.To, intent, ct).ConfigureAwait(false)
            ?? throw new CommandException(ExitCodes.Conflict, $"{plan.What}: {plan.Tenant} changed meanwhile (another ring or home region); nothing was changed");
        await lease.AttachAsync(id, ct).ConfigureAwait(false);
        OperationContext.CrashPoint(CrashSteps.RegionRegistryCommitted);
        try
        {
            await _ctx.Log.StepAsync(id, $"update {plan.Ring}", ct).ConfigureAwait(false);
            await _ctx.UpdateRingAsync(plan.Ring, ct).ConfigureAwait(false);
            OperationContext.CrashPoint(CrashSteps.RegionUpdated);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var what = $"{plan.What} failed at update {plan.Ring}: {e.Message}";
            await _ctx.Registry.RevertHomeRegionAsync(plan.Tenant, plan.From, plan.To, id, what, CancellationToken.None).ConfigureAwait(false);
            throw new CommandException(ExitCodes.Infrastructure,
                $"{what}. The registry was put back ({plan.Tenant}'s home region is {plan.From ?? None}); {await _ctx.ReconvergeAsync([plan.Ring]).ConfigureAwait(false)}");
        }

        await _ctx.Log.CloseAsync(id, "succeeded", null, ct).ConfigureAwait(false);
        OperationContext.CrashPoint(CrashSteps.RegionClosed);
        return id;
    }
}
