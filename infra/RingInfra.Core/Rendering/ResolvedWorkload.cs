using RingInfra.Core.Config;

namespace RingInfra.Core.Rendering;

/// <summary>A workload's final sizing: tier defaults, ring overrides and the Octane memory floor applied.</summary>
public sealed record ResolvedWorkload(WorkloadKind Kind, WorkloadSettings Settings, long MemoryRequestBytes, long MemoryLimitBytes)
{
    /// <summary>Most pods the workload may run at once: its maximum (HPA) or replicas, plus one surge pod.</summary>
    public int MaxPods => (Settings.MaxReplicas ?? Settings.Replicas) + 1;

    /// <summary>CPU one pod requests: the workload's container plus, for nginx, the metrics exporter sidecar.</summary>
    public int PodCpuMillis => Settings.CpuMillis + (Kind == WorkloadKind.Nginx ? ObservabilityObjects.ExporterCpuMillis : 0);

    /// <summary>Memory one pod requests (the sidecar's included).</summary>
    public long PodMemoryRequestBytes => MemoryRequestBytes + (Kind == WorkloadKind.Nginx ? ObservabilityObjects.ExporterMemoryBytes : 0);

    /// <summary>Memory one pod may use at most (the sidecar's included).</summary>
    public long PodMemoryLimitBytes => MemoryLimitBytes + (Kind == WorkloadKind.Nginx ? ObservabilityObjects.ExporterMemoryBytes : 0);

    /// <summary>Seconds a pod gets after SIGTERM: the request timeout plus the preStop drain plus slack.</summary>
    public int TerminationGraceSeconds => Settings.TimeoutSeconds + PreStopDrainSeconds + 5;

    /// <summary>How long the preStop hook waits so endpoints stop routing before the process is told to stop.</summary>
    public int PreStopDrainSeconds => Kind == WorkloadKind.Horizon ? 0 : 10;
}
