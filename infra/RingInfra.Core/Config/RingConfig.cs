namespace RingInfra.Core.Config;

/// <summary>
/// One ring's configuration after layering (built-in defaults &lt; <c>Pulumi.yaml</c> &lt; <c>Pulumi.&lt;ring&gt;.yaml</c>)
/// and validation. Collections are sorted by key so that renders are deterministic.
/// </summary>
public sealed record RingConfig
{
    public required string Name { get; init; }

    public required string DisplayName { get; init; }

    public required string Description { get; init; }

    public required string Namespace { get; init; }

    public required string HostnameSegment { get; init; }

    public required int PromotionOrder { get; init; }

    public required bool IsDefault { get; init; }

    public required bool Active { get; init; }

    public required Tier Tier { get; init; }

    public required TimeSpan BakeTime { get; init; }

    public required bool Protected { get; init; }

    /// <summary>Who may approve a change to a protected ring (never their own change).</summary>
    public IReadOnlyList<string> Approvers { get; init; } = [];

    /// <summary>Metric gates judged before a promotion out of the ring and by <c>verify --metrics</c> (doc 003).</summary>
    public Metrics.MetricGates Gates { get; init; } = Metrics.MetricGates.None;

    /// <summary>Prometheus's base URL for the metric gates (<c>RINGCTL_PROMETHEUS_URL</c> overrides it in ringctl).</summary>
    public string? PrometheusUrl { get; init; }

    /// <summary>What Prometheus needs from the ring beyond scrape annotations (a PodMonitor and PrometheusRule with the Operator).</summary>
    public Metrics.Observability Observability { get; init; } = Metrics.Observability.Default;

    /// <summary>The api's probes and the ring's custom readiness checks (doc 001).</summary>
    public HealthSettings Health { get; init; } = HealthSettings.Default;

    /// <summary>The Ingress's certificate; null: plain HTTP (a lint error in a production-tier ring).</summary>
    public TlsSettings? Tls { get; init; }

    /// <summary>The Reverb path nginx upgrades to websockets.</summary>
    public WebsocketSettings Websockets { get; init; } = WebsocketSettings.Default;

    /// <summary>
    /// The module upgrade this ring's lock brings (<c>ring-infra:upgrade</c>, written by ringctl with the lock): the
    /// Job renders only while its lock hash is the lock's. Null: none.
    /// </summary>
    public ModuleUpgrade? Upgrade { get; init; }

    /// <summary>How long the upgrade Job may run (<c>ring-infra:upgradeDeadline</c>).</summary>
    public int UpgradeDeadlineSeconds { get; init; } = 600;

    /// <summary>The autoscalers' scale-up and scale-down behaviour (doc 004).</summary>
    public ScalingBehaviour Autoscaling { get; init; } = ScalingBehaviour.Default;

    public required IReadOnlyList<FreezeWindow> FreezeWindows { get; init; }

    public required IReadOnlyList<string> Tenants { get; init; }

    public required IReadOnlyList<KeyValuePair<string, string>> Env { get; init; }

    public required IReadOnlyList<KeyValuePair<string, bool>> FeatureFlags { get; init; }

    public required IReadOnlyList<ConnectorInstance> Connectors { get; init; }

    public required IReadOnlyDictionary<WorkloadKind, WorkloadSettings> Workloads { get; init; }

    public required string Domain { get; init; }

    /// <summary>The shared stack every cluster reads, or — with <see cref="SharedStacks"/> — the one of the first cluster's region.</summary>
    public required string SharedStack { get; init; }

    /// <summary>
    /// <c>sharedStack</c> as a map, region → stack (doc 004: the shared services run per region). Empty when
    /// <c>sharedStack</c> is one stack name for every region.
    /// </summary>
    public IReadOnlyDictionary<string, string> SharedStacks { get; init; } = EmptyMap;

    /// <summary>The clusters the ring runs in, in rollout order (doc 003); one unnamed cluster when none are configured.</summary>
    public IReadOnlyList<ClusterSpec> Clusters { get; init; } = [ClusterSpec.Unnamed];

    /// <summary>
    /// The pinned tenants' home regions (<c>tenantRegions</c>, a copy ringctl writes from the registry like <c>tenants</c>):
    /// tenant → region. A pinned tenant missing here has no home: every region of the ring serves it.
    /// </summary>
    public IReadOnlyDictionary<string, string> TenantRegions { get; init; } = EmptyMap;

    /// <summary>The cluster this configuration renders for (<see cref="ForCluster"/>); the unnamed one otherwise.</summary>
    public ClusterSpec Cluster { get; init; } = ClusterSpec.Unnamed;

    /// <summary>True when the ring declares clusters (each renders with its own label, provider and directory).</summary>
    public bool HasClusters => !Clusters[0].IsUnnamed;

    /// <summary>The regions of the ring's clusters, in rollout order, each once.</summary>
    public IReadOnlyList<string> Regions => [.. Clusters.Select(c => c.Region).OfType<string>().Distinct(StringComparer.Ordinal)];

    /// <summary>The shared stack a cluster's objects take their aliases, config and secrets from.</summary>
    public string SharedStackFor(ClusterSpec cluster) =>
        cluster.Region is { } region && SharedStacks.TryGetValue(region, out var stack) ? stack : SharedStack;

    /// <summary>Whether some cluster of the ring serves a tenant homed in <paramref name="homeRegion"/> (null: any ring serves it).</summary>
    public bool ServesRegion(string? homeRegion) => Clusters.Any(c => c.Serves(homeRegion));

    /// <summary>
    /// The ring as one of its clusters renders it: that cluster, and only the pinned tenants homed in its region or
    /// with no home (the Ingress of a cluster lists only those). The unnamed cluster of a ring without clusters is the ring itself.
    /// </summary>
    public RingConfig ForCluster(ClusterSpec cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return cluster.IsUnnamed && TenantRegions.Count == 0 ? this : this with
        {
            Cluster = cluster,
            Tenants = [.. Tenants.Where(t => cluster.Serves(TenantRegions.TryGetValue(t, out var home) ? home : null))],
        };
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyMap = new SortedDictionary<string, string>(StringComparer.Ordinal);

    public required string SharedNamespace { get; init; }

    public required string IngressClass { get; init; }

    public required string IngressNamespace { get; init; }

    public required string ApiImage { get; init; }

    public required string NginxImage { get; init; }

    public required string PsaVersion { get; init; }

    /// <summary>Queues, DNS, ingress controller, dual stack and kept selectors.</summary>
    public required PlatformSettings Platform { get; init; }

    /// <summary>True when the ring lives in the shared namespace (stable in doc 000): no namespace, no aliases.</summary>
    public bool InSharedNamespace => Namespace == SharedNamespace;

    /// <summary>Repository-relative path of the ring's lock manifest.</summary>
    public string LockPath => $"stacks/locks/{Name}.lock.json";

    /// <summary>Path the pods read the lock from (doc 000: <c>MODULE_LOCK_PATH</c>, relative to /app).</summary>
    public string PodLockPath => $"modules/manifests/{Name}.lock.json";
}
