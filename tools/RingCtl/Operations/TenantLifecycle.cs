using RingCtl.Cli;
using RingCtl.Registry;
using RingCtl.Stacks;
using RingInfra.Core.Config;
using RingInfra.Core.Diff;
using RingInfra.Core.Promotion;
using RingInfra.Core.Shared;

namespace RingCtl.Operations;

/// <summary>
/// Onboarding and offboarding a tenant — logged and crash-safe like a move: the registry change and its intent
/// row in one transaction, then the stacks (the shared stack's tenant list, so that it creates the tenant's
/// database and role; then the ring, whose Ingress serves the tenant), each step recorded; a failure undoes the
/// registry change and re-converges what was touched.
/// </summary>
public sealed class TenantLifecycle
{
    /// <summary>The shared stack's tenant list: a database and a role per tenant (stacks/shared/Pulumi.shared.yaml).</summary>
    public const string SharedTenantsKey = SharedFactsReader.Project + ":tenants";

    private readonly OperationContext _ctx;

    public TenantLifecycle(OperationContext context)
    {
        _ctx = context;
    }

    /// <summary>Validates an onboarding: a tenant name, not yet in the registry, onto an active ring (default: the default ring).</summary>
    public async Task<string> PlanAddAsync(string tenant, string? ring, CancellationToken ct)
    {
        if (!Names.IsTenantName(tenant))
        {
            throw new CommandException(ExitCodes.Usage, $"tenant: {Names.TenantNameRule} (got {tenant})");
        }

        if (await _ctx.Registry.RingOfTenantAsync(tenant, ct).ConfigureAwait(false) is { } existing)
        {
            throw new CommandException(ExitCodes.Usage, $"tenant: '{tenant}' is already in the registry (ring {existing}); ringctl tenant assign moves it");
        }

        var rings = await _ctx.Registry.ListRingsAsync(ct).ConfigureAwait(false);
        var target = ring is null ? rings.Single(r => r.IsDefault) : rings.FirstOrDefault(r => r.Name == ring)
            ?? throw new CommandException(ExitCodes.Usage, $"--ring: '{ring}' is not a ring of the registry (known: {string.Join(", ", rings.Select(r => r.Name))})");
        if (!target.IsActive)
        {
            throw new CommandException(ExitCodes.Usage, $"--ring: '{target.Name}' is retired (inactive); tenants can only be placed on active rings");
        }

        return target.Name;
    }

    /// <summary>Onboards: registry (with the log row) → shared stack (tenant list, then update) → the ring's stack → its exported tenants checked.</summary>
    public async Task<long> AddAsync(string tenant, string ring, string reason, CancellationToken ct)
    {
        var intent = new OperationIntent("tenant-add", [ring], _ctx.Actor, reason) { Tenant = tenant, To = ring };
        intent = await GateAsync(intent, tenant, ring, ct).ConfigureAwait(false);
        _ctx.RequireStacks();
        await using var lease = await _ctx.LeaseAsync([ring], ct).ConfigureAwait(false);
        var id = await _ctx.Registry.AddTenantAsync(tenant, ring, intent, ct).ConfigureAwait(false)
            ?? throw new CommandException(ExitCodes.Conflict, $"tenant add {tenant}: {tenant} was added meanwhile; nothing was changed");
        await lease.AttachAsync(id, ct).ConfigureAwait(false);
        OperationContext.CrashPoint(CrashSteps.TenantAddCommitted);
        var step = "update shared";
        try
        {
            await ConvergeSharedAsync(id, tenant, ct).ConfigureAwait(false);
            OperationContext.CrashPoint(CrashSteps.TenantAddSharedUpdated);
            step = $"update {ring}";
            await _ctx.Log.StepAsync(id, step, ct).ConfigureAwait(false);
            await _ctx.UpdateRingAsync(ring, ct).ConfigureAwait(false);
            OperationContext.CrashPoint(CrashSteps.TenantAddUpdated);
            step = "verify";
            await VerifyAsync(ring, tenant, expected: true, ct).ConfigureAwait(false);
            await _ctx.Log.CloseAsync(id, "succeeded", null, ct).ConfigureAwait(false);
            return id;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var what = $"tenant add {tenant} failed at {step}: {e.Message}";
            await _ctx.Registry.UndoTenantAsync(tenant, null, id, what, CancellationToken.None).ConfigureAwait(false);
            var restored = await _ctx.ReconvergeAsync(step == "update shared" ? [] : [ring]).ConfigureAwait(false);
            throw new CommandException(ExitCodes.Infrastructure,
                $"{what}. {tenant} was taken out of the registry again; {restored} Its database and role, if the shared stack created them, stay (they hold nothing yet).");
        }
    }

    /// <summary>Validates an offboarding: the tenant is in the registry, and a reason is given. Returns its ring.</summary>
    public async Task<string> PlanRemoveAsync(string tenant, string reason, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new CommandException(ExitCodes.Usage, $"--reason: offboarding {tenant} needs a reason, for the operations log");
        }

        return await _ctx.Registry.RingOfTenantAsync(tenant, ct).ConfigureAwait(false)
            ?? throw new CommandException(ExitCodes.Usage, $"tenant: '{tenant}' is not in the registry");
    }

    /// <summary>Offboards: registry (with the log row) → the ring's stack (off its Ingress) → its exported tenants checked. The database stays.</summary>
    public async Task<long> RemoveAsync(string tenant, string ring, string reason, CancellationToken ct)
    {
        var intent = new OperationIntent("tenant-remove", [ring], _ctx.Actor, reason) { Tenant = tenant, From = ring };
        intent = await GateAsync(intent, tenant, null, ct).ConfigureAwait(false);
        _ctx.RequireStacks();
        await using var lease = await _ctx.LeaseAsync([ring], ct).ConfigureAwait(false);
        var id = await _ctx.Registry.RemoveTenantAsync(tenant, ring, intent, ct).ConfigureAwait(false)
            ?? throw new CommandException(ExitCodes.Conflict, $"tenant remove {tenant}: {tenant} is no longer in {ring}; nothing was changed");
        await lease.AttachAsync(id, ct).ConfigureAwait(false);
        OperationContext.CrashPoint(CrashSteps.TenantRemoveCommitted);
        var step = $"update {ring}";
        try
        {
            await _ctx.Log.StepAsync(id, step, ct).ConfigureAwait(false);
            await _ctx.UpdateRingAsync(ring, ct).ConfigureAwait(false);
            OperationContext.CrashPoint(CrashSteps.TenantRemoveUpdated);
            step = "verify";
            await VerifyAsync(ring, tenant, expected: false, ct).ConfigureAwait(false);
            await _ctx.Log.CloseAsync(id, "succeeded", null, ct).ConfigureAwait(false);
            return id;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var what = $"tenant remove {tenant} failed at {step}: {e.Message}";
            await _ctx.Registry.UndoTenantAsync(tenant, ring, id, what, CancellationToken.None).ConfigureAwait(false);
            var restored = await _ctx.ReconvergeAsync([ring]).ConfigureAwait(false);
            throw new CommandException(ExitCodes.Infrastructure, $"{what}. {tenant} is back in {ring} in the registry; {restored}");
        }
    }

    /// <summary>What an operator does to drop an offboarded tenant's data, once it is backed up.</summary>
    public static string DropAdvice(string tenant) =>
        $"its database and role '{tenant}' are kept (the shared stack owns them); to drop them after a backup (pg_dump), remove {tenant} from {SharedTenantsKey} in stacks/shared/Pulumi.shared.yaml and run `ringctl secrets sync`";

    /// <summary>The gates of a tenant lifecycle change: the ring's stack is updated from its files (provenance, policies; a freeze is noted).</summary>
    private async Task<OperationIntent> GateAsync(OperationIntent intent, string tenant, string? ring, CancellationToken ct)
    {
        await _ctx.EnsureSettledAsync(intent.Rings, ct).ConfigureAwait(false);
        var after = FleetChanges.SetTenant(await _ctx.LoadFleetAsync(ct).ConfigureAwait(false), tenant, ring);
        return await new ChangeGuard(_ctx).EnforceRingsAsync(ChangePath.TenantMove, intent, $"tenant {(ring is null ? "remove" : "add")} {tenant}", after, intent.Rings, ChangeGuard.Consent.None, ct).ConfigureAwait(false);
    }

    /// <summary>The shared stack's tenant list gains the tenant (once), then the shared stack is updated.</summary>
    internal async Task ConvergeSharedAsync(long id, string tenant, CancellationToken ct)
    {
        var shared = StackId.SharedStack();
        await _ctx.Log.StepAsync(id, "update shared", ct).ConfigureAwait(false);
        await _ctx.Stacks.SelectOrCreateAsync(shared, ct).ConfigureAwait(false);
        var listed = StackConfigFile.ReadOwn(_ctx.Root, shared)["tenants"] is System.Text.Json.Nodes.JsonArray list ? list.Select(t => t?.ToString() ?? "").ToList() : [];
        if (!listed.Contains(tenant, StringComparer.Ordinal))
        {
            await _ctx.Stacks.SetConfigAsync(shared, SharedTenantsKey, OperationContext.Json([.. listed, tenant]), ct).ConfigureAwait(false);
        }

        _ctx.Progress.Report($"updating {shared}");
        await _ctx.Stacks.UpdateAsync(shared, _ctx.Progress, ct).ConfigureAwait(false);
    }

    private async Task VerifyAsync(string ring, string tenant, bool expected, CancellationToken ct)
    {
        var exported = await StackOutputs.TenantsAsync(_ctx.Stacks, ring, ct).ConfigureAwait(false);
        if (exported.Contains(tenant) != expected)
        {
            throw new InvalidOperationException($"verification: {ring} exports tenants [{string.Join(", ", exported)}]");
        }
    }
}
