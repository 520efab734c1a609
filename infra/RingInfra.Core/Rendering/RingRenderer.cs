using System.Text.Json.Nodes;
using RingInfra.Core.Config;
using RingInfra.Core.Fleet;
using RingInfra.Core.Kube;
using RingInfra.Core.Shared;

namespace RingInfra.Core.Rendering;

/// <summary>
/// Renders a ring into its desired Kubernetes objects (DESIGN §3). Pure and deterministic: the same
/// ring, lock and shared facts give the same objects in the same order, byte for byte.
/// </summary>
public static class RingRenderer
{
    private static readonly string[] KindOrder =
    [
        "Namespace", "ConfigMap", "Secret", "Service", "Deployment", "PodDisruptionBudget",
        "HorizontalPodAutoscaler", "NetworkPolicy", "Ingress", "ResourceQuota", "PodMonitor", "PrometheusRule", "Job",
    ];

    public static RenderedRing Render(RingDefinition ring, SharedFacts shared)
    {
        var c = new RenderContext(ring, shared);
        var secrets = RingSecrets.Specs(ring.Config, shared.AppSecretKeys);
        var objects = new List<JsonObject>();
        if (!ring.Config.InSharedNamespace)
        {
            objects.Add(ConfigObjects.Namespace(ring.Config));
        }

        objects.Add(ConfigObjects.ConfigMap(c, ConfigObjects.EnvMap, ConfigObjects.EnvData(c)));
        objects.Add(ConfigObjects.LockConfigMap(c));
        objects.Add(ConfigObjects.ConfigMap(c, ConfigObjects.SharedConfigMap, shared.Config));
        objects.Add(ConfigObjects.NginxConf(c));
        objects.AddRange(secrets.Select(s => ConfigObjects.KeyOnlySecret(c, s)));
        objects.Add(NetworkObjects.Service(c, WorkloadKind.Api, 8000, "http"));
        objects.Add(NetworkObjects.Service(c, WorkloadKind.Nginx, 80, "http"));
        objects.AddRange(NetworkObjects.Aliases(c));
        foreach (var kind in Enum.GetValues<WorkloadKind>())
        {
            objects.Add(WorkloadObjects.Deployment(c, kind));
            objects.Add(WorkloadObjects.Disruption(c, kind));
            if (WorkloadObjects.Autoscaler(c, kind) is { } hpa)
            {
                objects.Add(hpa);
            }
        }

        objects.AddRange(NetworkObjects.Policies(c));
        objects.Add(NetworkObjects.Ingress(c));
        if (!ring.Config.InSharedNamespace)
        {
            // A quota is namespace-wide; in the shared namespace it would also bind the shared workloads.
            objects.Add(Quota(c));
        }

        objects.AddRange(ObservabilityObjects.OperatorObjects(c));
        if (UpgradeObjects.Job(c) is { } job)
        {
            objects.Add(job);
        }

        if (!ring.Config.Cluster.IsUnnamed)
        {
            foreach (var o in objects)
            {
                var meta = (JsonObject)o["metadata"]!;
                var labels = meta["labels"] as JsonObject ?? [];
                labels[RingLabels.Cluster] = ring.Config.Cluster.Name;
                meta["labels"] = labels;
            }
        }

        return new RenderedRing
        {
            Config = ring.Config,
            Objects = [.. objects.Select(o => new KubeObject(o)).OrderBy(o => Array.IndexOf(KindOrder, o.Kind)).ThenBy(o => o.Name, StringComparer.Ordinal)],
            Secrets = secrets,
            Hostnames = NetworkObjects.Hostnames(ring.Config),
            LockHash = ring.Lock.Hash,
            ModuleCount = ring.Lock.Modules.Count,
            SecretsRevision = shared.SecretsRevision,
            Workloads = c.Workloads,
        };
    }

    /// <summary>The ring's Namespace object, or null for a ring in the shared namespace (the shared stack owns that one).</summary>
    public static KubeObject? RenderNamespace(RingConfig config) => config.InSharedNamespace
        ? null
        : new KubeObject(ConfigObjects.Namespace(config));

    /// <summary>The hosts the ring's Ingress serves (see <c>NetworkObjects.Hostnames</c>).</summary>
    public static IReadOnlyList<string> Hostnames(RingConfig config) => NetworkObjects.Hostnames(config);

    /// <summary>
    /// One render per cluster of the ring, in its rollout order: each with the cluster's tenants (<see cref="RingConfig.ForCluster"/>)
    /// and its region's shared facts. A ring without clusters renders once, as <see cref="Render(RingDefinition, SharedFacts)"/>.
    /// </summary>
    public static IReadOnlyList<RenderedRing> RenderClusters(RingDefinition ring, Func<ClusterSpec, SharedFacts> shared)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(shared);
        return [.. ring.Config.Clusters.Select(c => Render(ForCluster(ring, c), shared(c)))];
    }

    /// <summary>One render per cluster of <paramref name="ring"/>, each with its region's shared facts in <paramref name="fleet"/>.</summary>
    public static IReadOnlyList<RenderedRing> RenderClusters(RingDefinition ring, RingFleet fleet)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(fleet);
        return RenderClusters(ring, c => fleet.SharedFor(ring.Config, c));
    }

    /// <summary>The ring as one of its clusters renders it.</summary>
    public static RingDefinition ForCluster(RingDefinition ring, ClusterSpec cluster) =>
        ring is null ? throw new ArgumentNullException(nameof(ring)) : ring with { Config = ring.Config.ForCluster(cluster) };

    /// <summary>Every ring of the fleet, each cluster of each, in promotion order (then each ring's cluster order).</summary>
    public static IReadOnlyList<RenderedRing> RenderAll(RingFleet fleet)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        return Render(fleet.Rings, fleet);
    }

    /// <summary>
    /// <paramref name="rings"/> of <paramref name="fleet"/>, each cluster of each with its region's shared facts, in the order
    /// given (then each ring's cluster order), rendered on every core (a render reads its ring and the shared facts, and
    /// writes only its own objects): the same objects, in the same order, as rendering them one by one.
    /// </summary>
    public static IReadOnlyList<RenderedRing> Render(IReadOnlyList<RingDefinition> rings, RingFleet fleet)
    {
        ArgumentNullException.ThrowIfNull(rings);
        ArgumentNullException.ThrowIfNull(fleet);
        var units = rings.SelectMany(r => r.Config.Clusters.Select(c => (Ring: r, Cluster: c))).ToList();
        return Parallelism.Map(units, u => Render(ForCluster(u.Ring, u.Cluster), fleet.SharedFor(u.Ring.Config, u.Cluster)));
    }

    /// <summary>How the quota is sized, on the object itself (YAML renders carry no comments).</summary>
    public const string QuotaSizing = "every workload at its maximum pod count (the autoscaler's maximum, else its replicas, plus the roll's surge pod), plus one more pod of the largest workload: a pod that is terminating still counts against the quota until its grace period ends, so a roll would otherwise stall on 'exceeded quota'; plus one api-sized pod for a module upgrade Job";

    private static JsonObject Quota(RenderContext c)
    {
        var all = c.Workloads.Values.ToList();
        var largest = all.MaxBy(w => w.PodMemoryLimitBytes)!;
        var api = c.Workloads[WorkloadKind.Api];
        var o = K.Object("v1", "ResourceQuota", "ring-quota", c.Ns, RingLabels.Common(c.Name), new JsonObject { ["ringinfra.io/sizing"] = QuotaSizing });
        o["spec"] = new JsonObject
        {
            ["hard"] = new JsonObject
            {
                ["pods"] = (all.Sum(w => w.MaxPods) + 2).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["requests.cpu"] = Quantity.FormatCpu(all.Sum(w => w.PodCpuMillis * w.MaxPods) + largest.PodCpuMillis + api.PodCpuMillis),
                ["requests.memory"] = Quantity.FormatMemory(all.Sum(w => w.PodMemoryRequestBytes * w.MaxPods) + largest.PodMemoryRequestBytes + api.PodMemoryRequestBytes),
                ["limits.memory"] = Quantity.FormatMemory(all.Sum(w => w.PodMemoryLimitBytes * w.MaxPods) + largest.PodMemoryLimitBytes + api.PodMemoryLimitBytes),
            },
        };
        return o;
    }

    /// <summary>The whole ring as one YAML stream (what <c>ringctl render</c> writes, one document per object).</summary>
    public static string ToYaml(RenderedRing ring) => Yaml.WriteAll(ring.Objects.Select(o => (JsonNode?)o.Body));
}
