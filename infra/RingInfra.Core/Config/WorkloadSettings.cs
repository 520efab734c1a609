namespace RingInfra.Core.Config;

/// <summary>
/// Sizing of one workload after layering. <see cref="MemoryBytes"/> is the tier default (or the
/// ring's override when <see cref="MemoryOverridden"/>); api and horizon are raised to the Octane
/// floor at render time. <see cref="MaxReplicas"/> set means a HorizontalPodAutoscaler.
/// </summary>
public sealed record WorkloadSettings
{
    public required int Replicas { get; init; }

    public required int? MaxReplicas { get; init; }

    public required int CpuMillis { get; init; }

    public required long MemoryBytes { get; init; }

    public bool MemoryOverridden { get; init; }

    public required int TimeoutSeconds { get; init; }
}
