using System.Runtime.CompilerServices;
using RingInfra.Core.Fleet;
using RingInfra.Core.Shared;

namespace RingInfra.Core.Rendering;

/// <summary>
/// Renders kept by the ring definition they came from (reference identity) under one set of shared facts. A fleet derived
/// from another by changing one ring (<see cref="Diff.FleetChanges.Promote(RingFleet, string, Locks.LockedModule)"/> keeps
/// every other ring's definition) renders only that ring again. For read-only callers that judge many changes of one fleet
/// snapshot (<c>ringctl status</c>: a promotion decision per module and pair of rings). Renders are deterministic and never
/// changed after they are made, so a cached render is the render.
/// </summary>
public sealed class RenderCache
{
    private readonly ConditionalWeakTable<RingDefinition, IReadOnlyList<RenderedRing>> _renders = [];
    private readonly object _gate = new();
    private readonly ConditionalWeakTable<RenderedRing, string> _signatures = [];
    private readonly Dictionary<string, object> _memo = new(StringComparer.Ordinal);
    private SharedFacts? _shared;

    /// <summary>Every ring of <paramref name="fleet"/> rendered (as <see cref="RingRenderer.RenderAll"/>), rendering only rings not seen before.</summary>
    public IReadOnlyList<RenderedRing> RenderAll(RingFleet fleet)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        lock (_gate)
        {
            if (!ReferenceEquals(_shared, fleet.Shared))
            {
                _renders.Clear();
                _memo.Clear();
                _shared = fleet.Shared;
            }
        }

        return [.. Parallelism.Map(fleet.Rings, r => _renders.GetValue(r, ring => RingRenderer.RenderClusters(ring, fleet))).SelectMany(x => x)];
    }

    /// <summary>
    /// <paramref name="make"/>'s result for these renders, made once per distinct list of signatures (each render's signed
    /// once): a judgement that reads of each render only what <paramref name="sign"/> covers, under this cache's shared facts.
    /// </summary>
    public T Memo<T>(IReadOnlyList<RenderedRing> rendered, Func<RenderedRing, string> sign, Func<T> make)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(rendered);
        var key = typeof(T).FullName + "\n" + string.Join("\n", rendered.Select(r => _signatures.GetValue(r, x => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(sign(x)))))));
        lock (_gate)
        {
            if (_memo.TryGetValue(key, out var known))
            {
                return (T)known;
            }
        }

        var made = make();
        lock (_gate)
        {
            _memo.TryAdd(key, made);
        }

        return made;
    }
}
