using RingInfra.Core.Shared;

namespace RingInfra.Core.Fleet;

/// <summary>Every ring of the repository (sorted by promotion order) and the shared stack's facts.</summary>
public sealed record RingFleet(IReadOnlyList<RingDefinition> Rings, SharedFacts Shared)
{
    public RingDefinition? Find(string ring) => Rings.FirstOrDefault(r => r.Name == ring);

    public RingDefinition Default => Rings.Single(r => r.Config.IsDefault);
}
