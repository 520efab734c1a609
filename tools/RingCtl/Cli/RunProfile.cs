using System.Diagnostics;
using System.Globalization;

namespace RingCtl.Cli;

/// <summary>
/// <c>RINGCTL_PROFILE=1</c>: where a whole-process run spends its time, one line on stderr when it ends —
/// each phase's wall-clock (summed when it runs more than once), the JIT's share of the run and the number of
/// assemblies loaded. The runtime's own start (before <c>Main</c>) is what a caller's wall-clock shows beyond
/// <c>main</c>. Off by default; off, a phase costs one branch.
/// </summary>
public static class RunProfile
{
    private static readonly List<(string Phase, double Ms)> Phases = [];
    private static readonly Stopwatch Clock = new();

    public static bool Enabled { get; private set; }

    /// <summary>Called first thing in Main.</summary>
    public static void Start()
    {
        Enabled = Environment.GetEnvironmentVariable("RINGCTL_PROFILE") == "1";
        if (Enabled)
        {
            Clock.Start();
        }
    }

    /// <summary>Times one phase: <c>using (RunProfile.Phase("render")) { … }</c>.</summary>
    public static Scope Phase(string name) => Enabled ? new Scope(name, Clock.Elapsed.TotalMilliseconds) : default;

    /// <summary>The profile line, written to <paramref name="err"/> when profiling.</summary>
    public static void Report(TextWriter err)
    {
        if (!Enabled)
        {
            return;
        }

        var main = Clock.Elapsed.TotalMilliseconds;
        var parts = new List<string> { F($"main {main:F1} ms") };
        lock (Phases)
        {
            foreach (var g in Phases.GroupBy(p => p.Phase))
            {
                parts.Add(F($"{g.Key} {g.Sum(p => p.Ms):F1} ms"));
            }
        }

        parts.Add(F($"jit {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:F1} ms ({System.Runtime.JitInfo.GetCompiledMethodCount()} methods)"));
        parts.Add(F($"assemblies {AppDomain.CurrentDomain.GetAssemblies().Length}"));
        parts.Add(F($"gc {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} pause {GC.GetTotalPauseDuration().TotalMilliseconds:F1} ms"));
        err.WriteLine("ringctl profile: " + string.Join(", ", parts));
        if (Environment.GetEnvironmentVariable("RINGCTL_PROFILE_ASSEMBLIES") == "1")
        {
            err.WriteLine("ringctl profile: loaded " + string.Join(", ", AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name).Order(StringComparer.Ordinal)));
        }
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    public readonly struct Scope(string name, double started) : IDisposable
    {
        public void Dispose()
        {
            if (name is null)
            {
                return;
            }

            var ms = Clock.Elapsed.TotalMilliseconds - started;
            lock (Phases)
            {
                Phases.Add((name, ms));
            }
        }
    }
}
