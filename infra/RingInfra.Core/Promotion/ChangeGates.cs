using System.Globalization;
using RingInfra.Core.Config;

namespace RingInfra.Core.Promotion;

/// <summary>
/// The gates as pure functions (DESIGN §2): <see cref="Decide"/> runs exactly the gates <see cref="GateTable"/>
/// lists for the request's path, each adding a refusal when it fails; overridden gates are kept apart.
/// </summary>
public static class ChangeGates
{
    private delegate void Check(ChangeRequest r, List<GateRefusal> refusals, List<string> notes);

    private static readonly Dictionary<Gate, Check> Checks = new()
    {
        [Gate.Version] = CheckVersion,
        [Gate.Order] = CheckOrder,
        [Gate.Bake] = CheckBake,
        [Gate.Health] = CheckHealth,
        [Gate.Metrics] = CheckMetrics,
        [Gate.NewVersion] = CheckNewVersion,
        [Gate.Rollback] = CheckRollback,
        [Gate.Approval] = CheckApproval,
        [Gate.Freeze] = CheckFreeze,
        [Gate.Provenance] = CheckProvenance,
        [Gate.Policy] = CheckPolicy,
        [Gate.Held] = CheckHeld,
    };

    public static GateDecision Decide(ChangeRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var all = new List<GateRefusal>();
        var notes = new List<string>();
        foreach (var gate in GateTable.Gates(r.Path))
        {
            Checks[gate](r, all, notes);
        }

        var overridden = all.Where(x => GateTable.OverriddenBy(x.Gate) is { } by && r.Overrides.Contains(by)).ToList();
        return new GateDecision([.. all.Except(overridden)], overridden, notes);
    }

    private static string When(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static void CheckVersion(ChangeRequest r, List<GateRefusal> refusals, List<string> notes)
    {
        if (r.Version is not { } version)
        {
            return;
        }

        if (r.Current is { } current && current.Equals(version))
        {
            refusals.Add(new(Gate.Version, $"{r.Target.Name} already runs {r.Module} {version}"));
        }
        else if (r.Path == ChangePath.Promote && r.Current is { } cur && version < cur)
        {
            refusals.Add(new(Gate.Version, $"{r.Module} {version} is older than {cur} in {r.Target.Name}: a promotion never moves back; use ringctl rollback"));
        }
    }

    private static void CheckOrder(ChangeRequest r, List<GateRefusal> refusals, List<string> notes)
    {
        if (r.Source is not { } source)
        {
            return;
        }

        if (r.Target.PromotionOrder >= source.PromotionOrder)
        {
            refusals.Add(new(Gate.Order, $"{source.Name} (order {source.PromotionOrder}) -> {r.Target.Name} (order {r.Target.PromotionOrder}) moves backwards; promotions go towards order 0"));
            return;
        }

        var next = r.Orders.Where(o => o < source.PromotionOrder).DefaultIfEmpty(-1).Max();
        if (r.Target.PromotionOrder != next)
        {
            refusals.Add(new(Gate.Order, $"{source.Name} -> {r.Target.Name} skips the ring at order {next}; promote through it first"));
        }
    }

    private static void CheckBake(ChangeRequest r, List<GateRefusal> refusals, List<string> notes)
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
            refusals.Add(new(Gate.Bake, $"{r.Module} {r.Version} landed in {source.Name} {Ago(baked)} ago ({When(landed)}); its bake time is {RingConfigBinder.FormatDuration(source.BakeTime)}, {Ago(source.BakeTime - baked)} to go"));
        }
    }

    private static void CheckHealth(ChangeRequest r, List<GateRefusal> refusals, List<string> notes)
    {
        if (r.Source is { } source && !r.SourceHealthy)
        {
            refusals.Add(new(Gate.Health, $"{source.Name} is held after a failed verification; fix it and run ringctl verify {source.Name}"));
        }
    }

    private static void CheckMetrics(ChangeRequest r, List<GateRefusal> refusals, List<string> notes) =>
        refusals.AddRange(r.MetricVerdicts.Where(v => !v.Passed).Select(v => new GateRefusal(Gate.Metrics, v.Failure!)));

    private static void CheckNewVersion(ChangeRequest r, List<GateRefusal> refusals, List<string> notes)
    {
        var edge = r.Orders.DefaultIfEmpty(r.Target.PromotionOrder).Max();
        if (r.IsNewVersion && r.Target.PromotionOrder != edge)
        {
            refusals.Add(new(Gate.NewVersion, $"{r.Module} {r.Version} runs in no ring yet: a new version enters at the least conservative ring (order {edge}), not {r.Target.Name} (order {r.Target.PromotionOrder})"));
        }
    }

    private static void CheckRollback(ChangeRequest r, List<GateRefusal> refusals, List<string> notes)
    {
        if (r.Version is not { } version || r.Current is not { } current || version.Equals(current))
        {
            return;
        }

        if (r.LastRollbackFrom is { } undone && version.Equals(undone))
        {
            refusals.Add(new(Gate.Rollback, $"the last change of {r.Module} in {r.Target.Name} was a rollback from {undone}: rolling it back would roll forward; promote {r.Module} {undone} instead"));
        }
        else if (version > current)
        {
            refusals.Add(new(Gate.Rollback, $"{r.Module} {version} is newer than {current} in {r.Target.Name}: a rollback never rolls forward; promote instead"));
        }
        else if (!r.RanBefore.Contains(version))
        {
            var ran = r.RanBefore.Where(v => v < current).OrderDescending().Select(v => v.ToString()).ToList();
            refusals.Add(new(Gate.Rollback, $"{r.Target.Name} never ran {r.Module} {version}; it can go back to {(ran.Count == 0 ? "no earlier version" : string.Join(", ", ran))}"));
        }
    }

    private static void CheckApproval(ChangeRequest r, List<GateRefusal> refusals, List<string> notes)
    {
        var versionChange = r.Path is ChangePath.Promote or ChangePath.Rollback;
        if (!r.Target.Protected || (!versionChange && r.Overrides.Count == 0))
        {
            return;
        }

        var why = versionChange ? $"{r.Target.Name} is protected" : $"{r.Target.Name} is protected and gates are overridden";
        var approvers = string.Join(", ", r.Target.Approvers);
        if (string.IsNullOrWhiteSpace(r.ApprovedBy))
        {
            refusals.Add(new(Gate.Approval, $"{why}: name the approver with --approved-by (one of {approvers})"));
        }
        else if (!r.Target.Approvers.Contains(r.ApprovedBy, StringComparer.Ordinal))
        {
            refusals.Add(new(Gate.Approval, $"{r.ApprovedBy} is not an approver of {r.Target.Name} (its approvers: {approvers})"));
        }
        else if (string.Equals(r.ApprovedBy, r.Actor, StringComparison.Ordinal))
        {
            refusals.Add(new(Gate.Approval, $"{r.ApprovedBy} cannot approve their own change to {r.Target.Name}: another approver must (one of {approvers})"));
        }
    }

    private static void CheckFreeze(ChangeRequest r, List<GateRefusal> refusals, List<string> notes)
    {
        foreach (var w in r.Target.FreezeWindows.Where(w => w.Contains(r.Now)))
        {
            var text = $"{r.Target.Name} is frozen until {When(w.End)} ({w.Reason})";
            if (GateTable.FreezeNotedOnly.Contains(r.Path))
            {
                notes.Add($"ran inside a freeze window: {text}");
            }
            else
            {
                refusals.Add(new(Gate.Freeze, text));
            }
        }
    }

    private static void CheckProvenance(ChangeRequest r, List<GateRefusal> refusals, List<string> notes)
    {
        // A promotion or rollback updates the whole ring, so the lock's other modules must be recorded too; the
        // module it changes is replaced, whatever the lock said. A rollback takes no override: the way out is the file.
        // Each path names only what its own command accepts: rollback, tenant assign and reconcile take no --override.
        var restore = $"git checkout stacks/locks/{r.Target.Name}.lock.json";
        var fix = r.Path switch
        {
            ChangePath.Rollback => $"restore the lock ({restore}), then roll back",
            ChangePath.TenantMove => $"promote it or restore the lock ({restore}), then move the tenant",
            ChangePath.TenantWaves => $"promote it or restore the lock ({restore}), then move the tenants",
            ChangePath.ReconcileDrift => $"promote it or restore the lock ({restore}), then reconcile --apply again",
            _ => "promote it, or override new-version",
        };
        foreach (var (module, version, recorded) in r.Unrecorded.Where(u => u.Module != r.Module))
        {
            refusals.Add(new(Gate.Provenance, $"{r.Target.Name}'s lock carries {module} {version}, which was never promoted into it (the registry records {recorded ?? "no landing"}): {fix}"));
        }
    }

    private static void CheckHeld(ChangeRequest r, List<GateRefusal> refusals, List<string> notes)
    {
        if (r.Held is { } why)
        {
            refusals.Add(new(Gate.Held, $"{r.Target.Name} is held ({why}): it receives no tenants until it verifies again (ringctl verify {r.Target.Name})"));
        }
    }

    private static void CheckPolicy(ChangeRequest r, List<GateRefusal> refusals, List<string> notes) =>
        refusals.AddRange(r.Violations.Select(v => new GateRefusal(Gate.Policy, v)));

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
