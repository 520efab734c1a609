using System.Globalization;
using RingInfra.Core.Config;

namespace RingInfra.Core.Promotion;

/// <summary>
/// The promotion rules as pure functions (DESIGN §2): each gate looks at the request and adds a
/// refusal when it fails; the decision carries all of them. A rollback skips the order, bake and
/// health gates (it moves back to a version the ring already ran) but still needs an approver.
/// </summary>
public static class PromotionGates
{
    public static PromotionDecision Evaluate(PromotionRequest r)
    {
        var refusals = new List<GateRefusal>();
        CheckVersion(r, refusals);
        if (!r.IsRollback)
        {
            CheckOrder(r, refusals);
            CheckBake(r, refusals);
            CheckHealth(r, refusals);
        }

        CheckApproval(r, refusals);
        if (!r.IsRollback)
        {
            CheckFreeze(r, refusals);
        }

        return new PromotionDecision(refusals);
    }

    private static void CheckVersion(PromotionRequest r, List<GateRefusal> refusals)
    {
        if (r.Current is { } current && current.Equals(r.Version))
        {
            refusals.Add(new(Gate.Version, $"{r.Target.Name} already runs {r.Module} {r.Version}"));
        }
        else if (!r.IsRollback && !r.Force && r.Current is { } cur && r.Version < cur)
        {
            refusals.Add(new(Gate.Version, $"{r.Module} {r.Version} is older than {cur} in {r.Target.Name}: use ringctl rollback, or --force"));
        }
    }

    private static void CheckOrder(PromotionRequest r, List<GateRefusal> refusals)
    {
        if (r.Source is not { } source || r.Force)
        {
            return;
        }

        if (r.Target.PromotionOrder >= source.PromotionOrder)
        {
            refusals.Add(new(Gate.Order, $"{source.Name} (order {source.PromotionOrder}) -> {r.Target.Name} (order {r.Target.PromotionOrder}) moves backwards; promotions go towards order 0 (--force to override)"));
            return;
        }

        var next = r.Orders.Where(o => o < source.PromotionOrder).DefaultIfEmpty(-1).Max();
        if (r.Target.PromotionOrder != next)
        {
            refusals.Add(new(Gate.Order, $"{source.Name} -> {r.Target.Name} skips the ring at order {next}; promote through it first (--force to override)"));
        }
    }

    private static void CheckBake(PromotionRequest r, List<GateRefusal> refusals)
    {
        if (r.Source is not { } source || source.BakeTime <= TimeSpan.Zero)
        {
            return;
        }

        if (r.LandedInSource is not { } landed)
        {
            refusals.Add(new(Gate.Bake, $"{r.Module} {r.Version} has no recorded landing in {source.Name}; it must bake there for {RingConfigBinder.FormatDuration(source.BakeTime)} (ringctl promote it into {source.Name} first)"));
            return;
        }

        var baked = r.Now - landed;
        if (baked < source.BakeTime)
        {
            var left = source.BakeTime - baked;
            refusals.Add(new(Gate.Bake, $"{r.Module} {r.Version} landed in {source.Name} {Ago(baked)} ago ({landed.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}); its bake time is {RingConfigBinder.FormatDuration(source.BakeTime)}, {Ago(left)} to go"));
        }
    }

    private static void CheckHealth(PromotionRequest r, List<GateRefusal> refusals)
    {
        if (r.Source is { } source && !r.SourceHealthy)
        {
            refusals.Add(new(Gate.Health, $"{source.Name} is held after a failed verification; fix it and run ringctl verify {source.Name}"));
        }
    }

    private static void CheckApproval(PromotionRequest r, List<GateRefusal> refusals)
    {
        if (r.Target.Protected && string.IsNullOrWhiteSpace(r.ApprovedBy))
        {
            refusals.Add(new(Gate.Approval, $"{r.Target.Name} is protected: name the approver with --approved-by"));
        }
    }

    private static void CheckFreeze(PromotionRequest r, List<GateRefusal> refusals)
    {
        foreach (var w in r.Target.FreezeWindows.Where(w => w.Contains(r.Now)))
        {
            refusals.Add(new(Gate.Freeze, $"{r.Target.Name} is frozen until {w.End.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)} ({w.Reason})"));
        }
    }

    /// <summary>A short human duration: <c>3d 4h</c>, <c>5h 10m</c>, <c>12m</c>.</summary>
    public static string Ago(TimeSpan t)
    {
        if (t.TotalDays >= 1)
        {
            return $"{(int)t.TotalDays}d {t.Hours}h";
        }

        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}h {t.Minutes}m" : $"{Math.Max(0, (int)t.TotalMinutes)}m";
    }
}
