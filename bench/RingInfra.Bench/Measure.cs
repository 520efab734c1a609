using System.Diagnostics;

namespace RingInfra.Bench;

/// <summary>Small timing helpers: wall-clock of an action, medians and percentiles, running a process.</summary>
public static class Measure
{
    public static double Ms(Action action)
    {
        var sw = Stopwatch.StartNew();
        action();
        return sw.Elapsed.TotalMilliseconds;
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>
    /// The wall-clock of one whole process, in milliseconds; a non-zero exit is a failure of the bench (lint and plan exit
    /// 3 on a violation, and the synthetic fleets must lint clean).
    /// </summary>
    public static double WholeProcessMs(string file, string[] args, string? cwd = null, IDictionary<string, string>? env = null)
    {
        var sw = Stopwatch.StartNew();
        var r = Run(file, args, cwd, env);
        var ms = sw.Elapsed.TotalMilliseconds;
        return r.Code == 0 ? ms : throw new InvalidOperationException($"{file} {string.Join(' ', args)}: exit {r.Code}: {r.Err}");
    }

    public static (int Code, string Out, string Err) Run(string file, IEnumerable<string> args, string? cwd = null, IDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = cwd ?? Environment.CurrentDirectory };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr);
    }
}
