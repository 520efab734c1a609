using System.Text.Json;
using RingCtl.Cli;
using RingCtl.Registry;
using RingCtl.Stacks;
using RingInfra.Core.Config;
using RingInfra.Core.Fleet;

namespace RingCtl.Operations;

/// <summary>What every operation works with: the registry, the stacks, the repository, who acts, where progress goes.</summary>
public sealed class OperationContext
{
    public required RingRegistry Registry { get; init; }

    public required OperationLog Log { get; init; }

    public required RingLeases Leases { get; init; }

    public required IStackRunner Stacks { get; init; }

    /// <summary>The repository root (stack files and locks).</summary>
    public required string Root { get; init; }

    public required string Actor { get; init; }

    public required IProgress<string> Progress { get; init; }

    /// <summary>How long to wait for a busy ring (<c>--wait</c>); zero fails at once.</summary>
    public TimeSpan Wait { get; init; } = TimeSpan.Zero;

    public TimeSpan LeaseTtl { get; init; } = RingLeases.DefaultTtl;

    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    /// <summary>The lease owner: who, which process, and which run (two runs in one process never share a lease).</summary>
    public string Owner => LeaseOwner.Describe(Actor, _run);

    /// <summary>The repository's rings and shared facts, validated (every problem at once, exit 2).</summary>
    public RingFleet LoadFleet()
    {
        try
        {
            return FleetLoader.Load(new DirectoryFiles(Root));
        }
        catch (RingConfigException e)
        {
            throw new CommandException(ExitCodes.Usage, "invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, e.Problems.Select(p => "  " + p.Message)));
        }
    }

    /// <summary>
    /// Before the gates decide (without a lease): a ring another run holds, or one an earlier run left an
    /// operation on, is mid-change — its files say what that run is writing, not what the ring runs — so a
    /// decision on it would be wrong. Refused as busy (exit 5) unless <c>--wait</c>, which waits for the lease
    /// and decides again under it.
    /// </summary>
    public async Task EnsureSettledAsync(IReadOnlyCollection<string> rings, CancellationToken ct)
    {
        if (Wait > TimeSpan.Zero)
        {
            return;
        }

        foreach (var (ring, owner, since, until) in await Leases.ActiveAsync(ct).ConfigureAwait(false))
        {
            if (rings.Contains(ring) && owner != Owner)
            {
                throw new CommandException(ExitCodes.Conflict, new RingBusyException(ring, owner, DateTime.SpecifyKind(since, DateTimeKind.Utc), DateTime.SpecifyKind(until, DateTimeKind.Utc)).Message);
            }
        }

        await RefusePendingAsync(rings, ct).ConfigureAwait(false);
    }

    private async Task RefusePendingAsync(IReadOnlyCollection<string> rings, CancellationToken ct)
    {
        var pending = await Log.PendingAsync(rings, ct).ConfigureAwait(false);
        if (pending.Count > 0)
        {
            var p = pending[0];
            throw new CommandException(ExitCodes.Conflict,
                $"ring {string.Join(", ", p.Rings.Intersect(rings))} has an unfinished operation {p.Summary}, started {p.StartedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}: run `ringctl reconcile --apply` to resume or abandon it");
        }
    }

    /// <summary>Leases the rings, then refuses if an earlier run left an operation on them unfinished.</summary>
    public async Task<Lease> LeaseAsync(IReadOnlyCollection<string> rings, CancellationToken ct)
    {
        Lease lease;
        try
        {
            lease = await Leases.AcquireAsync(rings, Owner, LeaseTtl, Wait, ct).ConfigureAwait(false);
        }
        catch (RingBusyException e)
        {
            throw new CommandException(ExitCodes.Conflict, e.Message);
        }

        try
        {
            await RefusePendingAsync(rings, ct).ConfigureAwait(false);
        }
        catch
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return lease;
    }

    /// <summary>Fails fast, before anything changes, when stacks cannot be updated here.</summary>
    public void RequireStacks()
    {
        if (Stacks is UnavailableStackRunner unavailable)
        {
            throw new CommandException(ExitCodes.Infrastructure, new StackRunnerUnavailableException(unavailable.Reason).Message);
        }
    }

    /// <summary>Test hook for the crash suite: <c>RINGCTL_CRASH_AT=&lt;step&gt;</c> ends the process abruptly at that step.</summary>
    public static void CrashPoint(string step)
    {
        System.Diagnostics.Debug.Assert(CrashSteps.All.Contains(step), $"unknown crash step {step}");
        if (Environment.GetEnvironmentVariable("RINGCTL_CRASH_AT") == step)
        {
            Environment.Exit(86);
        }
    }

    public static string Json(IEnumerable<string> values) => JsonSerializer.Serialize(values.ToArray());
}
