using RingCtl.Cli;
using RingCtl.Registry;
using RingCtl.Stacks;
using RingInfra.Core.Fleet;
using RingInfra.Core.Promotion;

namespace RingCtl.Operations;

/// <summary>
/// <c>up</c> and <c>secrets sync</c>: stack updates over several rings in rollout order (the most
/// bleeding-edge ring first, the default ring last), stopping at the first failure. Both pass Core's gates
/// for their path first (freeze, lock provenance, policies; an approver for overrides on a protected ring). A secrets sync
/// updates the shared stack first, then checks that every ring carries its new secrets revision.
/// </summary>
public sealed class Rollout
{
    private readonly OperationContext _ctx;

    public Rollout(OperationContext context)
    {
        _ctx = context;
    }

    /// <summary>Highest promotion order first: canary, edge, stable.</summary>
    public static IReadOnlyList<RingDefinition> Order(IEnumerable<RingDefinition> rings) =>
        [.. rings.OrderByDescending(r => r.Config.PromotionOrder)];

    /// <summary>What <see cref="UpAsync"/> did: its operation, and whether the shared stack had to be deployed first.</summary>
    public sealed record UpResult(long Id, bool SharedDeployed);

    /// <summary>
    /// The gates of updating <paramref name="rings"/> as their files are (Core's table for <paramref name="path"/>):
    /// decided before anything is touched — a refusal is logged and thrown — and again under the lease.
    /// </summary>
    private async Task<(Lease Lease, OperationIntent Intent)> GateAndLeaseAsync(ChangePath path, string kind, IReadOnlyList<RingDefinition> rings, ChangeGuard.Consent consent, string reason, CancellationToken ct)
    {
        var guard = new ChangeGuard(_ctx);
        var names = Order(rings).Select(r => r.Name).ToList();
        var intent = new OperationIntent(kind, names, _ctx.Actor, reason) { ApprovedBy = consent.ApprovedBy };
        var what = $"{kind.Replace('-', ' ')} {string.Join(", ", names)}";
        await _ctx.EnsureSettledAsync(names, ct).ConfigureAwait(false);
        await RequireRegisteredAsync(names, ct).ConfigureAwait(false);
        await guard.EnforceRingsAsync(path, intent, what, await _ctx.LoadFleetAsync(ct).ConfigureAwait(false), names, consent, ct).ConfigureAwait(false);
        _ctx.RequireStacks();
        var lease = await _ctx.LeaseAsync(names, ct).ConfigureAwait(false);
        try
        {
            // Under the lease, on the files and registry as they are now (a change racing this one has finished).
            var fleet = await _ctx.LoadFleetAsync(ct).ConfigureAwait(false);
            if (names.FirstOrDefault(n => fleet.Find(n) is null) is { } gone)
            {
                throw new CommandException(ExitCodes.Conflict, $"ring {gone} disappeared from the repository while waiting for its lease");
            }

            return (lease, await guard.EnforceRingsAsync(path, intent, what, fleet, names, consent, ct).ConfigureAwait(false));
        }
        catch
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A dry run's decision: the same gates on the same state, nothing logged (nothing was attempted).</summary>
    public async Task<GateDecision> DecideAsync(ChangePath path, IReadOnlyList<RingDefinition> rings, ChangeGuard.Consent consent, CancellationToken ct)
    {
        var names = Order(rings).Select(r => r.Name).ToList();
        await RequireRegisteredAsync(names, ct).ConfigureAwait(false);
        var fleet = await _ctx.LoadFleetAsync(ct).ConfigureAwait(false);
        return await new ChangeGuard(_ctx).DecideRingsAsync(path, fleet, names, consent, ct).ConfigureAwait(false);
    }

    /// <summary>The rings <c>--all</c> means: those the registry holds active, in rollout order (a retired ring's stack is gone).</summary>
    public async Task<IReadOnlyList<RingDefinition>> ActiveAsync(IReadOnlyList<RingDefinition> rings, CancellationToken ct)
    {
        var active = (await _ctx.Registry.ListRingsAsync(ct).ConfigureAwait(false)).Where(r => r.IsActive).Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        return Order(rings.Where(r => active.Contains(r.Name)));
    }

    /// <summary>Only rings the registry knows and holds active are updated (a retired ring's stack is gone).</summary>
    private async Task RequireRegisteredAsync(IReadOnlyList<string> names, CancellationToken ct)
    {
        foreach (var name in names)
        {
            var record = await _ctx.Registry.FindRingAsync(name, ct).ConfigureAwait(false);
            if (record is null)
            {
                throw new CommandException(ExitCodes.Usage, $"ring: '{name}' is not a ring of the registry (its stack file exists, but only `ringctl ring add` creates a ring)");
            }

            if (!record.IsActive)
            {
                throw new CommandException(ExitCodes.Usage, $"ring: '{name}' is retired (inactive); a retired ring is not updated");
            }
        }
    }

    public async Task<UpResult> UpAsync(IReadOnlyList<RingDefinition> rings, ChangeGuard.Consent consent, string reason, CancellationToken ct)
    {
        var ordered = Order(rings);
        var names = ordered.Select(r => r.Name).ToList();
        // A ring with clusters is verified after each cluster (each cluster's url, its metric gates): what that needs is checked first.
        var verifiers = ordered.ToDictionary(r => r.Name, r => ClusterVerification.For(_ctx, r, null), StringComparer.Ordinal);
        var (lease, intent) = await GateAndLeaseAsync(ChangePath.Up, "up", rings, consent, reason, ct).ConfigureAwait(false);
        await using var _ = lease;
        var id = await _ctx.Log.BeginAsync(intent, ct).ConfigureAwait(false);
        await lease.AttachAsync(id, ct).ConfigureAwait(false);
        var done = new List<string>();
        bool sharedDeployed;
        try
        {
            sharedDeployed = await EnsureSharedAsync(id, ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw await FailAsync(id, "up", "shared", done, names, e).ConfigureAwait(false);
        }

        foreach (var ring in ordered)
        {
            try
            {
                await UpdateRingAsync(id, ring.Name, ct, verifiers[ring.Name]).ConfigureAwait(false);
                var hash = await StackOutputs.StringAsync(_ctx.Stacks, StackId.Ring(ring.Name), "lockHash", ct).ConfigureAwait(false);
                if (hash != ring.Lock.Hash)
                {
                    throw new InvalidOperationException($"{ring.Name} exports lockHash {hash ?? "nothing"}, its lock is {ring.Lock.Hash}");
                }

                done.Add(ring.Name);
            }
            catch (Exception e)
            {
                throw await FailAsync(id, "up", ring.Name, done, names, e).ConfigureAwait(false);
            }
        }

        await _ctx.Log.CloseAsync(id, "succeeded", null, ct).ConfigureAwait(false);
        return new UpResult(id, sharedDeployed);
    }

    /// <summary>The <c>module</c> of an <c>up</c> row that updated the shared stack alone (what reconcile resumes).</summary>
    public const string SharedOnly = "(shared stack)";

    /// <summary>
    /// <c>up shared</c>: the shared stack alone — its managed services and the secrets and config every ring reads. It
    /// serves every ring, so it is judged (and leased) for all of <paramref name="rings"/>, as <c>up --all</c> would be.
    /// </summary>
    public async Task<long> UpSharedAsync(IReadOnlyList<RingDefinition> rings, ChangeGuard.Consent consent, string reason, CancellationToken ct)
    {
        var (lease, intent) = await GateAndLeaseAsync(ChangePath.Up, "up", rings, consent, reason, ct).ConfigureAwait(false);
        await using var _ = lease;
        var id = await _ctx.Log.BeginAsync(intent with { Module = SharedOnly }, ct).ConfigureAwait(false);
        await lease.AttachAsync(id, ct).ConfigureAwait(false);
        try
        {
            var shared = StackId.SharedStack();
            await _ctx.Log.StepAsync(id, "update shared", ct).ConfigureAwait(false);
            _ctx.Progress.Report($"updating {shared}");
            await _ctx.UpdateSharedAsync(ct).ConfigureAwait(false);
            if (await StackOutputs.StringAsync(_ctx.Stacks, shared, "secretsRevision", ct).ConfigureAwait(false) is null)
            {
                throw new InvalidOperationException("the shared stack exports no secretsRevision");
            }
        }
        catch (Exception e)
        {
            throw await FailAsync(id, "up shared", "shared", [], ["shared"], e).ConfigureAwait(false);
        }

        await _ctx.Log.CloseAsync(id, "succeeded", null, ct).ConfigureAwait(false);
        return id;
    }

    /// <summary>
    /// A ring reads the shared stack through a StackReference, which fails while the shared stack has never
    /// been deployed (no outputs). The first <c>up</c> on a machine therefore deploys it first, and says so.
    /// </summary>
    private async Task<bool> EnsureSharedAsync(long id, CancellationToken ct)
    {
        var shared = StackId.SharedStack();
        var outputs = await _ctx.Stacks.GetOutputsAsync(shared, ct).ConfigureAwait(false);
        if (outputs.ContainsKey("secretsRevision"))
        {
            return false;
        }

        _ctx.Progress.Report("the shared stack has no outputs yet (never deployed): updating it first");
        await _ctx.Log.StepAsync(id, "update shared (first run)", ct).ConfigureAwait(false);
        await _ctx.UpdateSharedAsync(ct).ConfigureAwait(false);
        return true;
    }

    public Task<(long Id, string Revision)> SecretsSyncAsync(IReadOnlyList<RingDefinition> rings, ChangeGuard.Consent consent, string reason, CancellationToken ct) =>
        SyncAsync(rings, consent, reason, rotation: null, ct);

    /// <summary>
    /// <c>secrets rotate</c> (issue 15): the imported keys' new values set as secret config, then one shared update that
    /// replaces the generated keys' Pulumi.Random resources (and rolls the managed services that read them), then every
    /// ring in rollout order, as a sync — one logged operation, through the sync's gates, resumable by reconcile.
    /// </summary>
    public Task<(long Id, string Revision)> SecretsRotateAsync(IReadOnlyList<RingDefinition> rings, RingInfra.Core.Shared.CredentialRotation rotation, ChangeGuard.Consent consent, string reason, CancellationToken ct) =>
        SyncAsync(rings, consent, reason, rotation, ct);

    private async Task<(long Id, string Revision)> SyncAsync(IReadOnlyList<RingDefinition> rings, ChangeGuard.Consent consent, string reason, RingInfra.Core.Shared.CredentialRotation? rotation, CancellationToken ct)
    {
        var ordered = Order(rings);
        var names = ordered.Select(r => r.Name).ToList();
        var what = rotation is null ? "secrets sync" : "secrets rotate";
        // ringctl updates the one `shared` stack: a ring whose clusters read regional shared stacks would be checked against
        // a revision it does not read. Said before anything changes rather than failed at the ring's revision check.
        var regional = ordered.Where(r => r.Config.SharedStacks.Values.Any(FleetLoader.IsRegional)).ToList();
        if (regional.Count > 0)
        {
            throw new CommandException(ExitCodes.Usage,
                $"{what}: {string.Join(", ", regional.Select(r => $"{r.Name} reads {string.Join(", ", r.Config.SharedStacks.Select(kv => $"{kv.Value} ({kv.Key})"))}"))}; ringctl manages the shared stack `shared` only: update each regional shared stack with `pulumi up -C stacks/shared -s <stack>`, then `ringctl up <ring>` (issue 20 left regional shared stacks to Pulumi)");
        }

        var (lease, intent) = await GateAndLeaseAsync(ChangePath.SecretsSync, rotation is null ? "secrets-sync" : "secrets-rotate", rings, consent, reason, ct).ConfigureAwait(false);
        await using var _ = lease;
        if (rotation is not null)
        {
            // What reconcile needs to finish it: the keys, and the resources whose replacement is the rotation.
            intent = intent with { Module = string.Join(",", rotation.Keys), To = string.Join(" ", rotation.Replace) };
        }

        var id = await _ctx.Log.BeginAsync(intent, ct).ConfigureAwait(false);
        await lease.AttachAsync(id, ct).ConfigureAwait(false);
        OperationContext.CrashPoint(rotation is null ? CrashSteps.SecretsIntent : CrashSteps.RotateIntent);
        var done = new List<string>();
        string revision;
        try
        {
            var shared = StackId.SharedStack();
            await _ctx.Stacks.SelectOrCreateAsync(shared, ct).ConfigureAwait(false);
            if (rotation is not null)
            {
                await _ctx.Log.StepAsync(id, "rotate " + string.Join(",", rotation.Keys), ct).ConfigureAwait(false);
                foreach (var (key, value) in rotation.Imported)
                {
                    await _ctx.Stacks.SetSecretConfigAsync(shared, key, value, ct).ConfigureAwait(false);
                }

                OperationContext.CrashPoint(CrashSteps.RotateConfigSet);
            }

            await _ctx.Log.StepAsync(id, "update shared", ct).ConfigureAwait(false);
            _ctx.Progress.Report($"updating {shared}" + (rotation is { Replace.Count: > 0 } ? $" (replacing {string.Join(", ", rotation.Keys)})" : ""));
            await (rotation is { Replace.Count: > 0 }
                ? _ctx.Stacks.UpdateReplacingAsync(shared, rotation.Replace, _ctx.Progress, ct)
                : _ctx.Stacks.UpdateAsync(shared, _ctx.Progress, ct)).ConfigureAwait(false);
            revision = await StackOutputs.StringAsync(_ctx.Stacks, shared, "secretsRevision", ct).ConfigureAwait(false)
                ?? throw new InvalidOperationException("the shared stack exports no secretsRevision");
            OperationContext.CrashPoint(rotation is null ? CrashSteps.SecretsSharedUpdated : CrashSteps.RotateSharedUpdated);
        }
        catch (Exception e)
        {
            throw await FailAsync(id, what, "shared", done, names, e).ConfigureAwait(false);
        }

        foreach (var ring in ordered)
        {
            try
            {
                await UpdateRingAsync(id, ring.Name, ct).ConfigureAwait(false);
                var ringRevision = await StackOutputs.StringAsync(_ctx.Stacks, StackId.Ring(ring.Name), "secretsRevision", ct).ConfigureAwait(false);
                if (ringRevision != revision)
                {
                    throw new InvalidOperationException($"{ring.Name} exports secretsRevision {ringRevision ?? "nothing"}, the shared stack {revision}");
                }

                done.Add(ring.Name);
                OperationContext.CrashPoint(rotation is null ? CrashSteps.SecretsRingUpdated : CrashSteps.RotateRingUpdated);
            }
            catch (Exception e)
            {
                throw await FailAsync(id, what, ring.Name, done, names, e).ConfigureAwait(false);
            }
        }

        await _ctx.Log.CloseAsync(id, "succeeded", null, ct).ConfigureAwait(false);
        OperationContext.CrashPoint(rotation is null ? CrashSteps.SecretsClosed : CrashSteps.RotateClosed);
        return (id, revision);
    }

    private async Task UpdateRingAsync(long id, string ring, CancellationToken ct, Func<RingInfra.Core.Config.ClusterSpec, CancellationToken, Task>? afterCluster = null)
    {
        await _ctx.Log.StepAsync(id, $"update {ring}", ct).ConfigureAwait(false);
        await _ctx.UpdateRingAsync(ring, ct, afterCluster).ConfigureAwait(false);
    }

    /// <summary>
    /// Closes the operation as failed and says what was and was not updated. A cancellation (Ctrl+C) is
    /// closed the same way — an update is idempotent, so the next <c>up</c> converges and nothing is left for
    /// <c>reconcile</c> — and is passed on so that ringctl reports it as cancelled.
    /// </summary>
    private async Task<Exception> FailAsync(long id, string what, string at, List<string> done, List<string> all, Exception cause)
    {
        if (cause is OperationCanceledException)
        {
            await _ctx.Log.CloseAsync(id, "failed", $"{what} cancelled at {at}; updated: {(done.Count == 0 ? "none" : string.Join(", ", done))}", CancellationToken.None).ConfigureAwait(false);
            return cause;
        }

        var message = $"{what} stopped at {at}: {cause.Message}";
        await _ctx.Log.CloseAsync(id, "failed", message, CancellationToken.None).ConfigureAwait(false);
        var held = "";
        if (at != "shared")
        {
            // A ring whose update failed is held, as after a failed verification: nothing is promoted out of it until it verifies.
            await _ctx.Registry.SetHeldAsync(at, message, CancellationToken.None).ConfigureAwait(false);
            held = $" {at} is held until `ringctl verify {at}` passes.";
        }

        var rest = all.Except(done).Where(r => r != at).ToList();
        return new CommandException(ExitCodes.Infrastructure,
            $"{message}. Updated: {(done.Count == 0 ? "none" : string.Join(", ", done))}; not attempted: {(rest.Count == 0 ? "none" : string.Join(", ", rest))}.{held}");
    }
}
