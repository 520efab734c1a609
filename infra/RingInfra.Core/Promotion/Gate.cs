namespace RingInfra.Core.Promotion;

/// <summary>A gate a change to a ring passes (<see cref="GateTable"/> says which gates each path passes).</summary>
public enum Gate
{
    /// <summary>The version is a real change: not what the ring runs, and a promotion never moves back.</summary>
    Version,

    /// <summary>Promotions follow promotion order: from the adjacent less conservative ring (overridable).</summary>
    Order,

    /// <summary>The version has soaked in the source ring for at least its bake time (overridable).</summary>
    Bake,

    /// <summary>The source ring is healthy: not held (overridable).</summary>
    Health,

    /// <summary>The source ring's metric gates held at every step of the window since the version landed there (overridable).</summary>
    Metrics,

    /// <summary>A version no ring runs yet enters only at the least conservative active ring (overridable).</summary>
    NewVersion,

    /// <summary>A rollback goes back only: to an older version this ring ran before, never undoing a rollback.</summary>
    Rollback,

    /// <summary>A protected ring needs an approver listed in its config who is not the actor.</summary>
    Approval,

    /// <summary>No change lands inside a freeze window of the ring (overridable; a rollback only notes it).</summary>
    Freeze,

    /// <summary>A lock carries only module versions the registry recorded as landed in that ring (overridden as new-version).</summary>
    Provenance,

    /// <summary>The rendered rings pass every policy (PSA, networks, secrets, hostnames, credentials, queues).</summary>
    Policy,

    /// <summary>A ring that receives tenants in waves is not held after a failed verification (<c>tenant move</c>).</summary>
    Held,
}
