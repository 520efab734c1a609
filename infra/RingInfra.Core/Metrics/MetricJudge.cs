using System.Globalization;

namespace RingInfra.Core.Metrics;

/// <summary>A metric's value at one step of the window, and whether it kept the bound (null: no data).</summary>
public sealed record MetricStep(DateTimeOffset At, double? Value, bool Ok);

/// <summary>A metric gate judged over a window: every step, and the first failure (null when every step passed).</summary>
public sealed record MetricVerdict(string Ring, MetricGate Gate, IReadOnlyList<MetricStep> Steps, string? Failure)
{
    public bool Passed => Failure is null;
}

/// <summary>
/// The metric gates as pure functions (doc 003): a window judged step by step — each step's value on its own, so a
/// 15-minute spike is not averaged away over 22 hours — where a step without data fails, never passes.
/// </summary>
public static class MetricJudge
{
    /// <summary>
    /// The window a promotion out of a ring is judged on: from the version's landing in the ring, capped at the
    /// ring's bake time, to now. An unknown landing counts as a full bake time.
    /// </summary>
    public static (DateTimeOffset From, DateTimeOffset To) Window(DateTimeOffset? landed, TimeSpan bake, DateTimeOffset now)
    {
        var earliest = now - (bake > TimeSpan.Zero ? bake : TimeSpan.FromHours(1));
        return (landed is { } l && l > earliest ? l : earliest, now);
    }

    /// <summary>The instants a window is judged at: every whole step after <paramref name="from"/> up to <paramref name="to"/>; just <paramref name="to"/> when the window is shorter than a step.</summary>
    public static IReadOnlyList<DateTimeOffset> Steps(DateTimeOffset from, DateTimeOffset to, TimeSpan step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(step, TimeSpan.Zero);
        var steps = new List<DateTimeOffset>();
        for (var t = from + step; t <= to; t += step)
        {
            steps.Add(t);
        }

        return steps.Count == 0 ? [to] : steps;
    }

    /// <summary>
    /// Judges <paramref name="samples"/> (the query's values, matched to the steps by their second) over the window:
    /// the first step whose value breaks the bound, or the first run of steps without data, fails the gate.
    /// </summary>
    public static MetricVerdict Judge(string ring, MetricGate gate, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<(DateTimeOffset At, double Value)> samples)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(samples);
        var byTime = samples.Where(s => !double.IsNaN(s.Value) && !double.IsInfinity(s.Value))
            .GroupBy(s => s.At.ToUnixTimeSeconds()).ToDictionary(g => g.Key, g => g.Last().Value);
        var steps = Steps(from, to, gate.Step).Select(t => byTime.TryGetValue(t.ToUnixTimeSeconds(), out var v)
            ? new MetricStep(t, v, gate.Allows(v))
            : new MetricStep(t, null, false)).ToList();
        string? failure = null;
        var first = steps.FindIndex(s => !s.Ok);
        if (first >= 0)
        {
            var s = steps[first];
            if (s.Value is { } value)
            {
                failure = $"{gate.Name} in {ring} was {Format(value)} in the {Span(gate.Step)} ending {When(s.At)}, beyond its {gate.Bound}";
            }
            else
            {
                var last = first;
                while (last + 1 < steps.Count && steps[last + 1].Value is null)
                {
                    last++;
                }

                var start = first == 0 ? (steps.Count == 1 ? from : s.At - gate.Step) : steps[first - 1].At;
                failure = $"no data for {gate.Name} in {ring} between {When(start)} and {When(steps[last].At)}";
            }
        }

        return new MetricVerdict(ring, gate, steps, failure);
    }

    public static string Format(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    public static string When(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static string Span(TimeSpan step) => step == TimeSpan.FromHours(1) ? "hour" : Config.RingConfigBinder.FormatDuration(step);
}
