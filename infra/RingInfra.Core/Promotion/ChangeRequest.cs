using RingInfra.Core.Config;
using RingInfra.Core.Locks;

namespace RingInfra.Core.Promotion;

/// <summary>
/// Everything a decision on a change to one ring looks at. Each path fills what its gates need: a promotion
/// the module, versions, source and its landing; a rollback what the ring ran before; <c>up</c> the lock's
/// unrecorded versions; every path the policy violations of the rings as they would be after the change.
/// </summary>
public sealed record ChangeRequest
{
    public required ChangePath Path { get; init; }

    /// <summary>The ring that changes.</summary>
    public required RingConfig Target { get; init; }

    /// <summary>Who runs the change (never their own approver).</summary>
    public required string Actor { get; init; }

    public required DateTimeOffset Now { get; init; }

    /// <summary>How long the version still has to bake in the source (null: no source, no landing, or baked).</summary>
    public TimeSpan? BakeRemaining => Source is { BakeTime: var bake } && LandedInSource is { } landed && Now - landed < bake
        ? bake - (Now - landed) : null;

    public string? ApprovedBy { get; init; }

    /// <summary>Gates the operator overrode (<c>--override</c>); only <see cref="GateTable.Overridable"/> ones count.</summary>
    public IReadOnlySet<Gate> Overrides { get; init; } = new HashSet<Gate>();

    /// <summary>The module a promotion or rollback changes.</summary>
    public string? Module { get; init; }

    /// <summary>The ring a promotion takes the version from (null for a new version or a rollback).</summary>
    public RingConfig? Source { get; init; }

    /// <summary>The version to land.</summary>
    public SemanticVersion? Version { get; init; }

    /// <summary>The ring's current version of the module (null when it does not run it yet).</summary>
    public SemanticVersion? Current { get; init; }

    /// <summary>When <see cref="Version"/> landed in the source ring (null when unknown: then it has not baked).</summary>
    public DateTimeOffset? LandedInSource { get; init; }

    public bool SourceHealthy { get; init; } = true;

    /// <summary>The source ring's metric gates judged over the window since the version landed there (empty: it has none).</summary>
    public IReadOnlyList<Metrics.MetricVerdict> MetricVerdicts { get; init; } = [];

    /// <summary>Every active ring's promotion order (adjacency; the least conservative ring).</summary>
    public IReadOnlyList<int> Orders { get; init; } = [];

    /// <summary>True when no ring runs the version yet (a promotion of a new artifact).</summary>
    public bool IsNewVersion { get; init; }

    /// <summary>The versions of the module this ring ran before (its landings and its log).</summary>
    public IReadOnlyList<SemanticVersion> RanBefore { get; init; } = [];

    /// <summary>The module's last change in this ring, when it was a rollback: from which version.</summary>
    public SemanticVersion? LastRollbackFrom { get; init; }

    /// <summary>Lock entries of the ring the registry never recorded as landed: (module, version, recorded version or null).</summary>
    public IReadOnlyList<(string Module, string Version, string? Recorded)> Unrecorded { get; init; } = [];

    /// <summary>Policy violations of the rings after the change, as <c>lint</c> prints them.</summary>
    public IReadOnlyList<string> Violations { get; init; } = [];

    /// <summary>Why the ring is held, when it is held and receives tenants (<c>tenant move</c>); null otherwise.</summary>
    public string? Held { get; init; }
}
