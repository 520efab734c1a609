using RingInfra.Core.Config;
using RingInfra.Core.Locks;

namespace RingInfra.Core.Promotion;

/// <summary>
/// Everything a promotion decision looks at: the module, the rings, the version to land, when that
/// version landed in the source ring, whether the source is healthy, the operator's flags and the clock.
/// <see cref="Source"/> is null when a version is pinned directly (<c>--version</c>) or for a rollback.
/// </summary>
public sealed record PromotionRequest
{
    public required string Module { get; init; }

    public required RingConfig? Source { get; init; }

    public required RingConfig Target { get; init; }

    /// <summary>The version to land in the target.</summary>
    public required SemanticVersion Version { get; init; }

    /// <summary>The target's current version of the module (null when it does not run it yet).</summary>
    public required SemanticVersion? Current { get; init; }

    /// <summary>When <see cref="Version"/> landed in the source ring (null when unknown: then it has not baked).</summary>
    public required DateTimeOffset? LandedInSource { get; init; }

    /// <summary>Whether the source ring is healthy (not held after a failed verification).</summary>
    public required bool SourceHealthy { get; init; }

    /// <summary>Every ring's promotion order (to tell an adjacent move from a skip).</summary>
    public required IReadOnlyList<int> Orders { get; init; }

    public required bool Force { get; init; }

    public required string? ApprovedBy { get; init; }

    public required bool IsRollback { get; init; }

    public required DateTimeOffset Now { get; init; }
}
