namespace RingInfra.Core.Config;

/// <summary>
/// The configuration keys of a ring stack, in the <c>ring-infra</c> namespace: the same keys the
/// Pulumi program reads with <c>new Config("ring-infra")</c> and Core reads from the stack files.
/// </summary>
public static class ConfigKeys
{
    public const string Project = "ring-infra";

    public const string DisplayName = "displayName";
    public const string Description = "description";
    public const string Namespace = "namespace";
    public const string HostnameSegment = "hostnameSegment";
    public const string PromotionOrder = "promotionOrder";
    public const string Default = "default";
    public const string Active = "active";
    public const string Tier = "tier";
    public const string BakeTime = "bakeTime";
    public const string Protected = "protected";
    public const string FreezeWindows = "freezeWindows";
    public const string Tenants = "tenants";
    public const string Env = "env";
    public const string FeatureFlags = "featureFlags";
    public const string Connectors = "connectors";
    public const string Workloads = "workloads";
    public const string Domain = "domain";
    public const string SharedStack = "sharedStack";
    public const string SharedNamespace = "sharedNamespace";
    public const string IngressClass = "ingressClass";
    public const string IngressNamespace = "ingressNamespace";
    public const string ApiImage = "apiImage";
    public const string NginxImage = "nginxImage";
    public const string PsaVersion = "psaVersion";
    public const string Queues = "queues";
    public const string Dns = "dns";
    public const string IngressController = "ingressController";
    public const string IngressAnnotations = "ingressAnnotations";
    public const string DualStack = "dualStack";
    public const string SelectorLabels = "selectorLabels";
    public const string Approvers = "approvers";
    public const string Gates = "gates";
    public const string PrometheusUrl = "prometheusUrl";
    public const string Observability = "observability";
    public const string Health = "health";
    public const string Tls = "tls";
    public const string Websockets = "websockets";
    public const string Autoscaling = "autoscaling";
    public const string Upgrade = "upgrade";
    public const string UpgradeDeadline = "upgradeDeadline";
    public const string Clusters = "clusters";
    public const string TenantRegions = "tenantRegions";

    /// <summary>Every key a ring may set, sorted (used to name the allowed keys in errors).</summary>
    public static readonly IReadOnlyList<string> All =
    [
        Active, ApiImage, Approvers, Autoscaling, BakeTime, Clusters, Connectors, Default, Description, DisplayName, Dns, Domain, DualStack, Env, FeatureFlags,
        FreezeWindows, Gates, Health, HostnameSegment, IngressAnnotations, IngressClass, IngressController, IngressNamespace, Namespace, NginxImage,
        Observability, PromotionOrder, PrometheusUrl, Protected, PsaVersion, Queues, SelectorLabels, SharedNamespace, SharedStack, TenantRegions, Tenants, Tier, Tls,
        Upgrade, UpgradeDeadline, Websockets, Workloads,
    ];
}
