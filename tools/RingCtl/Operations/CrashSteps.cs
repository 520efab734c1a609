namespace RingCtl.Operations;

/// <summary>
/// The named steps of every operation at which the crash suite (<c>RINGCTL_CRASH_AT=&lt;step&gt;</c>) can kill
/// ringctl; after each, <c>ringctl reconcile --apply</c> must converge registry, locks, stacks and the log.
/// </summary>
public static class CrashSteps
{
    public const string MoveRegistryCommitted = "move.registry-committed";
    public const string MoveTargetUpdated = "move.target-updated";
    public const string MoveSourceUpdated = "move.source-updated";
    public const string MoveClosed = "move.closed";
    public const string RingAddIntent = "ring-add.intent";
    public const string RingAddRegistered = "ring-add.registered";
    public const string RingAddFilesWritten = "ring-add.files-written";
    public const string RingAddUpdated = "ring-add.updated";
    public const string SecretsIntent = "secrets.intent";
    public const string SecretsSharedUpdated = "secrets.shared-updated";
    public const string SecretsRingUpdated = "secrets.ring-updated";
    public const string SecretsClosed = "secrets.closed";
    public const string RotateIntent = "rotate.intent";
    public const string RotateConfigSet = "rotate.config-set";
    public const string RotateSharedUpdated = "rotate.shared-updated";
    public const string RotateRingUpdated = "rotate.ring-updated";
    public const string RotateClosed = "rotate.closed";
    public const string RingRetireIntent = "ring-retire.intent";
    public const string RingRetireDestroyed = "ring-retire.destroyed";
    public const string RingRetireRemoved = "ring-retire.removed";
    public const string SetDefaultCommitted = "set-default.registry-committed";
    public const string SetDefaultUpdated = "set-default.new-updated";
    public const string SetDefaultOldUpdated = "set-default.old-updated";
    public const string TenantAddCommitted = "tenant-add.registry-committed";
    public const string TenantAddSharedUpdated = "tenant-add.shared-updated";
    public const string TenantAddUpdated = "tenant-add.updated";
    public const string TenantRemoveCommitted = "tenant-remove.registry-committed";
    public const string TenantRemoveUpdated = "tenant-remove.updated";
    public const string WavesIntent = "waves.intent";
    public const string WaveRegistryCommitted = "waves.registry-committed";
    public const string WaveTargetUpdated = "waves.target-updated";
    public const string WaveSourceUpdated = "waves.source-updated";
    public const string WaveClosed = "waves.wave-closed";
    public const string WavesClosed = "waves.closed";
    public const string ClusterUpdated = "cluster.updated";
    public const string RegionRegistryCommitted = "region.registry-committed";
    public const string RegionUpdated = "region.updated";
    public const string RegionClosed = "region.closed";

    /// <summary>Promotion and rollback share one path; their steps carry the operation's kind.</summary>
    public static string Promotion(bool rollback, string step) => $"{(rollback ? "rollback" : "promote")}.{step}";

    public static readonly IReadOnlyList<string> PromotionSteps = ["intent", "lock-written", "updated", "closed"];

    public static IReadOnlyList<string> All { get; } =
    [
        MoveRegistryCommitted, MoveTargetUpdated, MoveSourceUpdated, MoveClosed,
        .. PromotionSteps.Select(s => Promotion(false, s)),
        .. PromotionSteps.Select(s => Promotion(true, s)),
        RingAddIntent, RingAddRegistered, RingAddFilesWritten, RingAddUpdated,
        SecretsIntent, SecretsSharedUpdated, SecretsRingUpdated, SecretsClosed,
        RotateIntent, RotateConfigSet, RotateSharedUpdated, RotateRingUpdated, RotateClosed,
        RingRetireIntent, RingRetireDestroyed, RingRetireRemoved,
        SetDefaultCommitted, SetDefaultUpdated, SetDefaultOldUpdated,
        TenantAddCommitted, TenantAddSharedUpdated, TenantAddUpdated,
        TenantRemoveCommitted, TenantRemoveUpdated,
        WavesIntent, WaveRegistryCommitted, WaveTargetUpdated, WaveSourceUpdated, WaveClosed, WavesClosed,
        ClusterUpdated, RegionRegistryCommitted, RegionUpdated, RegionClosed,
    ];
}
