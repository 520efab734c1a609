namespace RingInfra.Core.Config;

/// <summary>
/// Resource defaults per tier, from doc 001's table (CPU, memory, replicas, timeout; production is
/// auto-scaled). Api and horizon memory is then raised to the Octane floor for the ring's module count.
/// </summary>
public static class TierDefaults
{
    /// <summary>The defaults of one workload in one tier.</summary>
    public static WorkloadSettings For(Tier tier, WorkloadKind kind) => (tier, kind) switch
    {
        (Tier.Dev, WorkloadKind.Nginx) => new() { Replicas = 1, MaxReplicas = null, CpuMillis = 100, MemoryBytes = Quantity.Mi(128), TimeoutSeconds = 300 },
        (Tier.Staging, WorkloadKind.Nginx) => new() { Replicas = 2, MaxReplicas = null, CpuMillis = 200, MemoryBytes = Quantity.Mi(128), TimeoutSeconds = 120 },
        (Tier.Production, WorkloadKind.Nginx) => new() { Replicas = 2, MaxReplicas = 6, CpuMillis = 200, MemoryBytes = Quantity.Mi(256), TimeoutSeconds = 60 },
        (Tier.Dev, _) => new() { Replicas = 1, MaxReplicas = null, CpuMillis = 250, MemoryBytes = Quantity.Mi(512), TimeoutSeconds = 300 },
        (Tier.Staging, WorkloadKind.Api) => new() { Replicas = 2, MaxReplicas = null, CpuMillis = 500, MemoryBytes = Quantity.Gi(1), TimeoutSeconds = 120 },
        (Tier.Staging, _) => new() { Replicas = 1, MaxReplicas = null, CpuMillis = 500, MemoryBytes = Quantity.Gi(1), TimeoutSeconds = 120 },
        (Tier.Production, WorkloadKind.Api) => new() { Replicas = 3, MaxReplicas = 20, CpuMillis = 1000, MemoryBytes = Quantity.Gi(2), TimeoutSeconds = 60 },
        (Tier.Production, _) => new() { Replicas = 2, MaxReplicas = 10, CpuMillis = 1000, MemoryBytes = Quantity.Gi(2), TimeoutSeconds = 60 },
        _ => throw new ArgumentOutOfRangeException(nameof(tier)),
    };
}
