namespace RingInfra.Core.Promotion;

/// <summary>Every path that changes what runs in a ring; each passes the gates <see cref="GateTable"/> lists for it.</summary>
public enum ChangePath
{
    /// <summary><c>promote</c>, from a ring (<c>--from</c>) or a version (<c>--version</c>).</summary>
    Promote,

    /// <summary><c>rollback</c>: back to a version the ring ran before.</summary>
    Rollback,

    /// <summary><c>up</c> and the rollout on merge: the ring as its files say.</summary>
    Up,

    /// <summary><c>ring add</c>: a new ring with a copy of a source ring's lock.</summary>
    RingAdd,

    /// <summary><c>secrets sync</c>: every ring again, with the shared stack's new secrets.</summary>
    SecretsSync,

    /// <summary>
    /// <c>tenant assign</c>: it updates the source and target stacks, which deploys their files as they are —
    /// so their locks must be recorded and their policies pass. A freeze does not stop it (moving a customer
    /// out of a broken ring is a support action; the log notes a frozen ring).
    /// </summary>
    TenantMove,

    /// <summary>
    /// <c>tenant move</c>: many tenants in waves, each wave one update of every ring it touches. Planned work, not a
    /// support action: a freeze window of any ring it updates refuses it, and so does a hold on a ring that receives
    /// tenants (a ring that failed its verification takes no more customers); locks recorded and policies as for a move.
    /// </summary>
    TenantWaves,

    /// <summary><c>ring set-default</c>: the wildcard host moves; both rings' stacks are updated from their files.</summary>
    SetDefault,

    /// <summary>
    /// <c>reconcile --apply</c> removing drift: the registry's assignment written into a ring's stack file and the ring
    /// updated — its files deployed as they are, so the gates of a tenant move apply (a freeze is noted).
    /// </summary>
    ReconcileDrift,

    /// <summary><c>reconcile --apply</c> resuming what a dead run had already decided.</summary>
    ReconcileResume,
}
