using System.Text.Json.Nodes;
using RingInfra.Core.Config;

namespace RingInfra.Core.Rendering;

/// <summary>
/// The api, horizon and nginx Deployments with their PodDisruptionBudgets and optional autoscalers.
/// Every pod passes PSA restricted; rollouts never drop below the desired count (maxUnavailable 0)
/// and drain in-flight work in preStop within the termination grace period (doc 002).
/// </summary>
internal static class WorkloadObjects
{
    private const int AppUid = 1000;
    private const int NginxUid = 101;

    public static JsonObject Deployment(RenderContext c, WorkloadKind kind)
    {
        var w = c.Workloads[kind];
        var o = K.Object("apps/v1", "Deployment", RingLabels.Name(kind), c.Ns, RingLabels.ForWorkload(c.Name, kind));
        var spec = new JsonObject();
        if (w.Settings.MaxReplicas is null)
        {
            // With an autoscaler the replica count is its to set; rendering one would fight it.
            spec["replicas"] = w.Settings.Replicas;
        }

        spec["revisionHistoryLimit"] = 5;
        // A Deployment's selector is immutable: a platform's live Deployment keeps its own (ring setting selectorLabels).
        var kept = c.Config.Platform.SelectorLabels[kind];
        spec["selector"] = new JsonObject { ["matchLabels"] = kept.Count > 0 ? K.Map(kept) : RingLabels.Selector(c.Name, kind) };
        spec["strategy"] = new JsonObject
        {
            ["type"] = "RollingUpdate",
            ["rollingUpdate"] = new JsonObject { ["maxSurge"] = 1, ["maxUnavailable"] = 0 },
        };
        spec["template"] = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["labels"] = TemplateLabels(c, kind, kept),
                ["annotations"] = TemplateAnnotations(c, kind),
            },
            ["spec"] = PodSpec(c, w),
        };
        o["spec"] = spec;
        return o;
    }

    /// <summary>RingInfra's labels (which Services and policies select on) plus a kept live selector's.</summary>
    private static JsonObject TemplateLabels(RenderContext c, WorkloadKind kind, IReadOnlyList<KeyValuePair<string, string>> kept)
    {
        var labels = RingLabels.ForWorkload(c.Name, kind);
        foreach (var (k, v) in kept)
        {
            labels[k] = v;
        }

        return labels;
    }

    /// <summary>
    /// What rolls the pods: the lock (api, horizon; nginx through its config, which names the lock in a header), the
    /// shared secrets' revision (api, horizon), the config. Then the doc 004 scrape annotations (api, nginx).
    /// </summary>
    private static JsonObject TemplateAnnotations(RenderContext c, WorkloadKind kind)
    {
        var annotations = kind == WorkloadKind.Nginx
            ? new JsonObject { [RingLabels.ConfigHash] = RenderContext.Hash(NginxConfig.Render(c)) }
            : new JsonObject
            {
                [RingLabels.ConfigHash] = ConfigObjects.AppConfigHash(c),
                [RingLabels.LockHash] = c.Ring.Lock.Hash,
                [RingLabels.SecretsRevision] = c.Shared.SecretsRevision,
            };
        ObservabilityObjects.AddScrapeAnnotations(annotations, c, kind);
        return annotations;
    }

    /// <summary>The upgrade Job's container: the api's (image, env, config, Secrets, resources, security) running <paramref name="command"/>.</summary>
    internal static JsonObject UpgradeContainer(RenderContext c, string[] command)
    {
        var container = AppContainer(c, c.Workloads[WorkloadKind.Api]);
        container["name"] = UpgradeObjects.App;
        container["command"] = K.Strings(command);
        foreach (var serving in new[] { "ports", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle" })
        {
            container.Remove(serving);
        }

        return container;
    }

    /// <summary>The upgrade Job's pod: the api's pod settings (non-root, seccomp, pull secret) around <paramref name="container"/>.</summary>
    internal static JsonObject AppPodSpec(RenderContext c, JsonObject container)
    {
        var pod = PodSpec(c, c.Workloads[WorkloadKind.Api]);
        pod["containers"] = K.Array(container);
        pod.Remove("topologySpreadConstraints");
        return pod;
    }

    private static JsonObject PodSpec(RenderContext c, ResolvedWorkload w)
    {
        var uid = w.Kind == WorkloadKind.Nginx ? NginxUid : AppUid;
        var pod = new JsonObject
        {
            ["automountServiceAccountToken"] = false,
            ["enableServiceLinks"] = false,
            ["terminationGracePeriodSeconds"] = w.TerminationGraceSeconds,
            ["securityContext"] = new JsonObject
            {
                ["runAsNonRoot"] = true,
                ["runAsUser"] = uid,
                ["runAsGroup"] = uid,
                ["fsGroup"] = uid,
                ["seccompProfile"] = new JsonObject { ["type"] = "RuntimeDefault" },
            },
            ["topologySpreadConstraints"] = K.Array(
                Spread(c, w.Kind, "topology.kubernetes.io/zone"),
                Spread(c, w.Kind, "kubernetes.io/hostname")),
        };
        if (w.Kind != WorkloadKind.Nginx)
        {
            pod["imagePullSecrets"] = K.Array(new JsonObject { ["name"] = ConfigObjects.ImagePullSecret });
        }

        pod["containers"] = w.Kind == WorkloadKind.Nginx
            ? K.Array(NginxContainer(c, w), ObservabilityObjects.ExporterContainer(c))
            : K.Array(AppContainer(c, w));
        pod["volumes"] = Volumes(c, w.Kind);
        return pod;
    }

    private static JsonObject Spread(RenderContext c, WorkloadKind kind, string topologyKey) => new()
    {
        ["maxSkew"] = 1,
        ["topologyKey"] = topologyKey,
        ["whenUnsatisfiable"] = "ScheduleAnyway",
        ["labelSelector"] = new JsonObject { ["matchLabels"] = RingLabels.Selector(c.Name, kind) },
    };

    private static JsonObject AppContainer(RenderContext c, ResolvedWorkload w)
    {
        var isApi = w.Kind == WorkloadKind.Api;
        var container = new JsonObject
        {
            ["name"] = RingLabels.Name(w.Kind),
            ["image"] = c.Config.ApiImage,
            ["command"] = isApi
                ? K.Strings("php", "artisan", "octane:start", "--server=frankenphp", "--host=0.0.0.0", "--port=8000")
                : K.Strings("php", "artisan", "horizon"),
        };
        if (isApi)
        {
            container["ports"] = K.Array(new JsonObject { ["name"] = "http", ["containerPort"] = 8000, ["protocol"] = "TCP" });
        }

        // Later sources win: the ring's own env overrides the shared config.
        container["envFrom"] = K.Array(
            new JsonObject { ["configMapRef"] = new JsonObject { ["name"] = ConfigObjects.SharedConfigMap } },
            new JsonObject { ["secretRef"] = new JsonObject { ["name"] = ConfigObjects.AppSecrets } },
            new JsonObject { ["configMapRef"] = new JsonObject { ["name"] = ConfigObjects.EnvMap } });
        if (c.HasConnectors)
        {
            container["env"] = new JsonArray([.. c.Config.Connectors.Select(x => (JsonNode?)new JsonObject
            {
                ["name"] = ConfigObjects.EnvName("CONNECTOR", x.Name) + "_CREDENTIAL",
                ["valueFrom"] = new JsonObject
                {
                    ["secretKeyRef"] = new JsonObject { ["name"] = ConfigObjects.ConnectorSecret, ["key"] = x.Credential },
                },
            })]);
        }

        container["resources"] = Resources(w);
        container["securityContext"] = ContainerSecurity(readOnlyRoot: false);
        if (isApi)
        {
            // The ring's health settings (doc 001; HealthSettings says why liveness defaults to "Octane listens"):
            // a probe without a path is a TCP check of the port.
            var health = c.Config.Health;
            container["livenessProbe"] = Probe(ProbeHandler(health.Liveness), health.Liveness.IntervalSeconds, health.Liveness.Threshold);
            container["readinessProbe"] = Probe(ProbeHandler(health.Readiness), health.Readiness.IntervalSeconds, health.Readiness.Threshold, timeout: 3);
            container["startupProbe"] = Probe(ProbeHandler(health.Startup), health.Startup.IntervalSeconds, health.Startup.Threshold);
        }
        else
        {
            // Horizon's master is PID 1 of this container; the check reads its command line from /proc and boots
            // no framework. `horizon:status` would boot Laravel with every module inside the probe's timeout and
            // judge every master supervisor in Redis — so a `horizon:pause` anywhere failed liveness everywhere.
            var own = ExecProbe("sh", "-c", "grep -qa horizon /proc/1/cmdline");
            container["livenessProbe"] = Probe(own, period: 30, failures: 3);
            container["readinessProbe"] = Probe(own, period: 30, failures: 2);
            container["startupProbe"] = Probe(own, period: 5, failures: 24);
        }
        container["lifecycle"] = new JsonObject
        {
            ["preStop"] = isApi
                ? ExecProbe("sh", "-c", $"sleep {w.PreStopDrainSeconds}")
                : ExecProbe("php", "artisan", "horizon:terminate"),
        };
        container["volumeMounts"] = K.Array(new JsonObject
        {
            ["name"] = "module-lock",
            ["mountPath"] = "/app/" + c.Config.PodLockPath,
            ["subPath"] = $"{c.Name}.lock.json",
            ["readOnly"] = true,
        });
        return container;
    }

    private static JsonObject ProbeHandler(ProbeSettings p) => p.Path is { } path ? HttpProbe(path) : TcpProbe();

    /// <summary>
    /// nginx's readiness: its own <c>/healthz</c>, or with custom checks their aggregate on port 8082, at the most
    /// frequent interval and the lowest threshold of the checks (one probe stands for them all).
    /// </summary>
    private static JsonObject NginxReadiness(RenderContext c)
    {
        var custom = c.Config.Health.Custom;
        return custom.Count == 0
            ? Probe(HttpProbe("/healthz"), period: 5, failures: 2)
            : Probe(new JsonObject { ["httpGet"] = new JsonObject { ["path"] = NginxConfig.CustomHealthPath, ["port"] = "health" } },
                period: custom.Min(x => x.IntervalSeconds), failures: custom.Min(x => x.Threshold));
    }

    private static JsonObject NginxContainer(RenderContext c, ResolvedWorkload w) => new()
    {
        ["name"] = "nginx",
        ["image"] = c.Config.NginxImage,
        ["ports"] = c.Config.Health.Custom.Count == 0
            ? K.Array(new JsonObject { ["name"] = "http", ["containerPort"] = 8080, ["protocol"] = "TCP" })
            : K.Array(
                new JsonObject { ["name"] = "http", ["containerPort"] = 8080, ["protocol"] = "TCP" },
                new JsonObject { ["name"] = "health", ["containerPort"] = NginxConfig.HealthPort, ["protocol"] = "TCP" }),
        ["resources"] = Resources(w),
        ["securityContext"] = ContainerSecurity(readOnlyRoot: true),
        ["livenessProbe"] = Probe(HttpProbe("/healthz"), period: 10, failures: 3),
        ["readinessProbe"] = NginxReadiness(c),
        ["startupProbe"] = Probe(HttpProbe("/healthz"), period: 2, failures: 15),
        ["lifecycle"] = new JsonObject { ["preStop"] = ExecProbe("sh", "-c", $"sleep {w.PreStopDrainSeconds}") },
        ["volumeMounts"] = K.Array(
            new JsonObject { ["name"] = "nginx-conf", ["mountPath"] = "/etc/nginx/conf.d", ["readOnly"] = true },
            new JsonObject { ["name"] = "tmp", ["mountPath"] = "/tmp" },
            new JsonObject { ["name"] = "cache", ["mountPath"] = "/var/cache/nginx" }),
    };

    private static JsonArray Volumes(RenderContext c, WorkloadKind kind) => kind == WorkloadKind.Nginx
        ? K.Array(
            new JsonObject { ["name"] = "nginx-conf", ["configMap"] = new JsonObject { ["name"] = ConfigObjects.NginxConfMap } },
            new JsonObject { ["name"] = "tmp", ["emptyDir"] = new JsonObject { ["sizeLimit"] = "64Mi" } },
            new JsonObject { ["name"] = "cache", ["emptyDir"] = new JsonObject { ["sizeLimit"] = NginxConfig.SpoolVolumeLimit } })
        : K.Array(new JsonObject { ["name"] = "module-lock", ["configMap"] = new JsonObject { ["name"] = ConfigObjects.LockMap } });

    private static JsonObject ContainerSecurity(bool readOnlyRoot) => new()
    {
        ["allowPrivilegeEscalation"] = false,
        ["capabilities"] = new JsonObject { ["drop"] = K.Strings("ALL") },
        ["privileged"] = false,
        // Octane writes /app/public/frankenphp-worker.php at boot (doc 000), so only nginx is read-only.
        ["readOnlyRootFilesystem"] = readOnlyRoot,
        ["runAsNonRoot"] = true,
    };

    private static JsonObject Resources(ResolvedWorkload w) => new()
    {
        ["requests"] = new JsonObject
        {
            ["cpu"] = Quantity.FormatCpu(w.Settings.CpuMillis),
            ["memory"] = Quantity.FormatMemory(w.MemoryRequestBytes),
        },
        ["limits"] = new JsonObject { ["memory"] = Quantity.FormatMemory(w.MemoryLimitBytes) },
    };

    private static JsonObject HttpProbe(string path) =>
        new() { ["httpGet"] = new JsonObject { ["path"] = path, ["port"] = "http" } };

    private static JsonObject TcpProbe() => new() { ["tcpSocket"] = new JsonObject { ["port"] = "http" } };

    private static JsonObject ExecProbe(params string[] command) =>
        new() { ["exec"] = new JsonObject { ["command"] = K.Strings(command) } };

    private static JsonObject Probe(JsonObject handler, int period, int failures, int timeout = 5)
    {
        var p = (JsonObject)handler.DeepClone();
        p["periodSeconds"] = period;
        p["timeoutSeconds"] = timeout;
        p["failureThreshold"] = failures;
        return p;
    }

    private static JsonObject Behaviour(ScalingPolicy p) => new()
    {
        ["stabilizationWindowSeconds"] = p.StabilizationSeconds,
        ["policies"] = K.Array(new JsonObject { ["type"] = "Percent", ["value"] = p.Percent, ["periodSeconds"] = p.PeriodSeconds }),
    };

    public static JsonObject Disruption(RenderContext c, WorkloadKind kind)
    {
        var o = K.Object("policy/v1", "PodDisruptionBudget", RingLabels.Name(kind), c.Ns, RingLabels.ForWorkload(c.Name, kind));
        var replicas = c.Workloads[kind].Settings.Replicas;
        var spec = new JsonObject();
        if (replicas >= 2)
        {
            // Evictions may take one pod at a time, never the last (doc 004 keeps two of three).
            spec["minAvailable"] = MinAvailable(replicas);
        }
        else
        {
            // One pod: a budget of zero evictions would block every node drain. It can be evicted, so the workload
            // goes away during a drain: a lint error in a production-tier ring (production-replicas).
            spec["maxUnavailable"] = 1;
        }

        spec["selector"] = new JsonObject { ["matchLabels"] = RingLabels.Selector(c.Name, kind) };
        o["spec"] = spec;
        return o;
    }

    /// <summary>The disruption budget of a workload with <paramref name="replicas"/> (its minimum) of two or more: all but one.</summary>
    public static int MinAvailable(int replicas) => Math.Max(1, replicas - 1);

    public static JsonObject? Autoscaler(RenderContext c, WorkloadKind kind)
    {
        var w = c.Workloads[kind].Settings;
        if (w.MaxReplicas is not { } max)
        {
            return null;
        }

        var o = K.Object("autoscaling/v2", "HorizontalPodAutoscaler", RingLabels.Name(kind), c.Ns, RingLabels.ForWorkload(c.Name, kind));
        o["spec"] = new JsonObject
        {
            ["scaleTargetRef"] = new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["name"] = RingLabels.Name(kind) },
            ["minReplicas"] = w.Replicas,
            ["maxReplicas"] = max,
            ["metrics"] = K.Array(new JsonObject
            {
                ["type"] = "Resource",
                ["resource"] = new JsonObject
                {
                    ["name"] = "cpu",
                    ["target"] = new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = 70 },
                },
            }),
            ["behavior"] = new JsonObject
            {
                ["scaleUp"] = Behaviour(c.Config.Autoscaling.ScaleUp),
                ["scaleDown"] = Behaviour(c.Config.Autoscaling.ScaleDown),
            },
        };
        return o;
    }
}
