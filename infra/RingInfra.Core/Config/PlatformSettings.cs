namespace RingInfra.Core.Config;

/// <summary>
/// How the ring meets the cluster it runs on: its queues on the shared Redis, the DNS its pods use, the
/// ingress controller's annotations, dual-stack egress, and Deployment selectors kept from a platform that
/// ran before RingInfra (a live Deployment's <c>spec.selector</c> is immutable).
/// </summary>
public sealed record PlatformSettings
{
    public const string IngressNginx = "ingress-nginx";
    public const string NoController = "none";

    public required QueueSettings Queues { get; init; }

    public required DnsSettings Dns { get; init; }

    /// <summary><c>ingress-nginx</c> (its timeout and body-size annotations) or <c>none</c>.</summary>
    public required string IngressController { get; init; }

    /// <summary>Extra annotations on the ring's Ingress (after the controller's own, so they win).</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> IngressAnnotations { get; init; }

    /// <summary>Also allow IPv6 egress to the internet (dual-stack clusters).</summary>
    public required bool DualStack { get; init; }

    /// <summary>Per workload, the live Deployment's selector labels to keep (empty: RingInfra's own).</summary>
    public required IReadOnlyDictionary<WorkloadKind, IReadOnlyList<KeyValuePair<string, string>>> SelectorLabels { get; init; }
}
