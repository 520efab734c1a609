using RingCtl.Cli;
using RingCtl.Registry;
using RingInfra.Core.Fleet;
using RingInfra.Core.Metrics;

namespace RingCtl.Operations;

/// <summary>
/// <c>verify --metrics</c>: the ring's metric gates watched after a deploy — each gate judged at the current instant
/// every step, or at least every 30 seconds, for a duration — failing at the first broken bound. On failure the
/// ring is held (promotions out of it are refused until it verifies again) and, when asked, its last promotion is
/// rolled back, then each <c>onFailure.rollback</c> ring that runs the same version — each through the normal
/// rollback path and its gates.
/// </summary>
public sealed class MetricWatch
{
    public static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(30);

    private readonly OperationContext _ctx;

    public MetricWatch(OperationContext context)
    {
        _ctx = context;
    }

    /// <summary>What a watch saw: how many checks, and the first failure (null when every check held).</summary>
    public sealed record Result(int Checks, MetricVerdict? Failed, IReadOnlyList<string> RolledBack);

    public async Task<Result> WatchAsync(RingDefinition ring, TimeSpan duration, CancellationToken ct)
    {
        if (!ring.Config.Gates.Any)
        {
            throw new CommandException(ExitCodes.Usage, $"--metrics: {ring.Name} has no metric gates (ring-infra:gates)");
        }

        var prometheus = _ctx.Prometheus(ring);
        var interval = ring.Config.Gates.Metrics.Min(g => g.Step) is var step && step < MaxInterval ? step : MaxInterval;
        var end = _ctx.Clock.Now + duration;
        for (var checks = 1; ; checks++)
        {
            var now = _ctx.Clock.Now;
            var verdicts = await prometheus.JudgeAsync(ring, now, now, ct).ConfigureAwait(false);
            _ctx.Progress.Report($"verify {ring.Name} at {MetricJudge.When(now)}: " + string.Join("; ", verdicts.Select(v =>
                $"{v.Gate.Name} {(v.Steps[0].Value is { } x ? MetricJudge.Format(x) : "no data")} ({v.Gate.Bound}) {(v.Passed ? "ok" : "FAILS")}")));
            if (verdicts.FirstOrDefault(v => !v.Passed) is { } failed)
            {
                return new Result(checks, failed, []);
            }

            if (now >= end)
            {
                return new Result(checks, null, []);
            }

            await _ctx.Clock.DelayAsync(interval, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// After a failed watch: the ring's last promotion rolled back, then each <c>onFailure.rollback</c> ring that runs the
    /// same module version; returns the commit messages. Each rollback passes its own gates (an approver for a protected ring).
    /// </summary>
    public async Task<IReadOnlyList<string>> RollBackAsync(RingDefinition ring, ChangeGuard.Consent consent, string reason, CancellationToken ct)
    {
        var last = await _ctx.Log.LastPromotionAsync(ring.Name, ct).ConfigureAwait(false)
            ?? throw new CommandException(ExitCodes.Conflict, $"--rollback-on-failure: {ring.Name} has no promotion in the log to roll back");
        var (module, version) = last;
        var done = new List<string>();
        var promotion = new Promotion(_ctx);
        foreach (var name in new[] { ring.Name }.Concat(ring.Config.Gates.OnFailureRollback))
        {
            var runs = (await _ctx.LoadFleetAsync(ct).ConfigureAwait(false)).Find(name)?.Lock.Find(module)?.Version.ToString();
            if (name != ring.Name && runs != version)
            {
                _ctx.Progress.Report($"{name} runs {module} {runs ?? "(none)"}, not {version}: not rolled back");
                continue;
            }

            var request = new Promotion.Request(module, null, name, null, null, consent, IsRollback: true, reason);
            var (plan, _) = await promotion.LeaseAndRunAsync(request, _ => { }, ct).ConfigureAwait(false);
            done.Add(plan.CommitMessage);
        }

        return done;
    }
}
