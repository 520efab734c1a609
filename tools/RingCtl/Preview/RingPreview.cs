using RingInfra.Core.Diff;

namespace RingCtl.Preview;

/// <summary>What a change does to one ring: its object changes (offline) or the engine's counts and diff (online).</summary>
public sealed record RingPreview
{
    public required string Ring { get; init; }

    /// <summary>The shared stack's row (<see cref="SharedRow"/>), not a ring's.</summary>
    public bool Shared { get; init; }

    /// <summary>The name the shared stack's row carries: no ring can be called this (ring names are DNS labels).</summary>
    public const string SharedRow = "shared stack";

    public int Creates { get; init; }

    public int Updates { get; init; }

    public int Replaces { get; init; }

    public int Deletes { get; init; }

    public bool RollsPods { get; init; }

    /// <summary>The diff lines shown in the ring's collapsible section (already redacted).</summary>
    public IReadOnlyList<string> Lines { get; init; } = [];

    public IReadOnlyList<ObjectChange> Changes { get; init; } = [];

    /// <summary>Module versions the change writes into the ring's lock by hand (never promoted): marked ❌.</summary>
    public IReadOnlyList<RingInfra.Core.Preview.LockEdit> LockEdits { get; init; } = [];

    /// <summary>The stack file's tenant list edited by hand (marked ❌: tenants are assigned with ringctl tenant assign).</summary>
    public RingInfra.Core.Preview.TenantEdit? TenantEdit { get; init; }

    /// <summary>What the registry holds for the ring's tenants, where the preview could reach it.</summary>
    public IReadOnlyList<string>? RegistryTenants { get; init; }

    /// <summary>Set when the ring could not be previewed (e.g. its config does not validate at head).</summary>
    public string? Error { get; init; }

    public bool Changed => Creates + Updates + Replaces + Deletes > 0;
}
