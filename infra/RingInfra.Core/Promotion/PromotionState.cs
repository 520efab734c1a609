namespace RingInfra.Core.Promotion;

/// <summary>Where a module stands between two adjacent rings (issue 17): nothing to promote, eligible, baking, or blocked.</summary>
public enum PromotionStateKind
{
    Equal,
    Eligible,
    Baking,
    Blocked,
}

/// <summary>
/// A promotion's state as <c>ringctl status</c> shows it, classified from the very <see cref="GateDecision"/> that
/// <c>promote --dry-run</c> reports, so the two can never disagree: eligible when allowed, baking when the bake time is
/// the only refusal (with what remains), else blocked, with every refusal.
/// </summary>
public sealed record PromotionState(PromotionStateKind Kind, TimeSpan? Remaining, IReadOnlyList<GateRefusal> Reasons)
{
    public static PromotionState Equal { get; } = new(PromotionStateKind.Equal, null, []);

    public static PromotionState From(GateDecision decision, TimeSpan? bakeRemaining)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.Allowed)
        {
            return new(PromotionStateKind.Eligible, null, []);
        }

        return decision.Refusals.All(r => r.Gate == Gate.Bake) && bakeRemaining is { } left
            ? new(PromotionStateKind.Baking, left, decision.Refusals)
            : new(PromotionStateKind.Blocked, null, decision.Refusals);
    }

    /// <summary>Why, in a word each (held, frozen, metrics failing, approval needed, …).</summary>
    public IReadOnlyList<string> Words => [.. Reasons.Select(r => Word(r.Gate)).Distinct()];

    public static string Word(Gate gate) => gate switch
    {
        Gate.Health => "held",
        Gate.Freeze => "frozen",
        Gate.Metrics => "metrics failing",
        Gate.Approval => "approval needed",
        Gate.Bake => "baking",
        Gate.Policy => "policy",
        _ => GateTable.Name(gate),
    };

    /// <summary>The state in a few characters (<paramref name="shortForm"/> for narrow terminals).</summary>
    public string Text(bool shortForm) => Kind switch
    {
        PromotionStateKind.Equal => "—",
        PromotionStateKind.Eligible => shortForm ? "ok" : "eligible",
        PromotionStateKind.Baking => (shortForm ? "bake " : "baking ") + Duration(Remaining!.Value),
        _ => (shortForm ? "blk " : "blocked: ") + string.Join(shortForm ? "," : ", ", shortForm ? Words.Select(w => w.Split(' ')[0]) : Words),
    };

    /// <summary><c>4h12m</c>, <c>2d3h</c>, <c>35m</c>.</summary>
    public static string Duration(TimeSpan t) =>
        t.TotalDays >= 1 ? $"{(int)t.TotalDays}d{t.Hours}h" : t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : $"{Math.Max(0, (int)Math.Ceiling(t.TotalMinutes))}m";
}
