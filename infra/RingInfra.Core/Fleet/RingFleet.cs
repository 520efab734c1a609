using RingInfra.Core.Shared;

namespace RingInfra.Core.Fleet;

/// <summary>Every ring of the repository (sorted by promotion order) and the shared stack's facts.</summary>
public sealed record RingFleet(IReadOnlyList<RingDefinition> Rings, SharedFacts Shared)
{
    public RingDefinition? Find(string ring) => Rings.FirstOrDefault(r => r.Name == ring);

    public RingDefinition Default => Rings.Single(r => r.Config.IsDefault);

    /// <summary>
    /// The facts of every other shared stack a ring's <c>sharedStack</c> map names (one per region), by stack name, read
    /// offline from <c>stacks/shared/Pulumi.&lt;stack&gt;.yaml</c>; <see cref="Shared"/> is the plain <c>shared</c> stack's.
    /// </summary>
    public IReadOnlyDictionary<string, SharedFacts> Regional { get; init; } = new Dictionary<string, SharedFacts>(StringComparer.Ordinal);

    /// <summary>The facts a cluster of a ring renders with: those of its region's shared stack.</summary>
    public SharedFacts SharedFor(Config.RingConfig ring, Config.ClusterSpec cluster)
    {
        ArgumentNullException.ThrowIfNull(ring);
        return Regional.TryGetValue(ring.SharedStackFor(cluster), out var facts) ? facts : Shared;
    }
}
