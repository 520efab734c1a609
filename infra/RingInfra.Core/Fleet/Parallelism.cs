using System.Runtime.ExceptionServices;

namespace RingInfra.Core.Fleet;

/// <summary>
/// Work over independent rings on every core, with the result a sequential run gives: results in the input's
/// order, and on failure the exception of the first failing item (by position), never an <see cref="AggregateException"/>.
/// </summary>
public static class Parallelism
{
    /// <summary>Below this many items the work runs on the calling thread (starting workers costs more than it saves).</summary>
    public const int Threshold = 4;

    /// <summary><paramref name="map"/> over <paramref name="items"/> in parallel; the results in the items' order.</summary>
    public static IReadOnlyList<TOut> Map<TIn, TOut>(IReadOnlyList<TIn> items, Func<TIn, TOut> map)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(map);
        if (items.Count < Threshold || Environment.ProcessorCount == 1)
        {
            return [.. items.Select(map)];
        }

        var results = new TOut[items.Count];
        var failures = new Exception?[items.Count];
        Parallel.For(0, items.Count, i =>
        {
            try
            {
                results[i] = map(items[i]);
            }
#pragma warning disable CA1031 // Kept and rethrown below, the first by position, as a sequential run would throw it.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures[i] = e;
            }
        });
        if (Array.Find(failures, f => f is not null) is { } first)
        {
            ExceptionDispatchInfo.Throw(first);
        }

        return results;
    }
}
