using RingInfra.Core.Rendering;

namespace RingInfra.Core.Policies;

/// <summary>
/// Two rings never share a Redis prefix, a Horizon prefix, a cache prefix or a queue: on the one shared
/// Redis that would let one ring's workers take the other's jobs and run them with other module versions,
/// and a worker restart in one ring would restart the other's.
/// </summary>
public static class QueueIsolation
{
    private const string Rule = "queue-isolation";

    public static IReadOnlyList<Violation> Check(IReadOnlyList<RenderedRing> rings)
    {
        var found = new List<Violation>();
        var seen = new Dictionary<(string Key, string Value), string>();
        foreach (var ring in rings)
        {
            var env = ring.Find("ConfigMap", "ring-env");
            foreach (var (key, value) in ring.Config.Platform.Queues.Env())
            {
                if (seen.TryGetValue((key, value), out var other) && other != ring.Ring)
                {
                    found.Add(new Violation(env?.Id ?? $"ConfigMap {ring.Namespace}/ring-env", $"data.{key}", value, Rule,
                        $"must differ from ring '{other}''s: two rings on one Redis must not share queues, Horizon state or the cache"));
                }
                else
                {
                    // The clusters of one ring share its queue names by design (each region has its own Redis).
                    seen.TryAdd((key, value), ring.Ring);
                }
            }
        }

        return found;
    }
}
