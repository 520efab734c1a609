namespace RingInfra.Core.Config;

/// <summary>The three per-ring workloads (doc 000): Octane api, Horizon queue workers, unprivileged nginx.</summary>
public enum WorkloadKind
{
    Api,
    Horizon,
    Nginx,
}
