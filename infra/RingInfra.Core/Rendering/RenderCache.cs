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
    private readonly ConditionalWeakTable<RingDefinition, RenderedRing> _renders = [];
    private readonly object _gate = new();
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
                _shared = fleet.Shared;
            }
        }

        return Parallelism.Map(fleet.Rings, r => _renders.GetValue(r, ring => RingRenderer.Render(ring, fleet.Shared)));
    }
}
