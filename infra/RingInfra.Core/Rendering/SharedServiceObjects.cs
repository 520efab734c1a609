using System.Globalization;
using System.Text.Json.Nodes;
using RingInfra.Core.Config;
using RingInfra.Core.Kube;
using RingInfra.Core.Shared;

namespace RingInfra.Core.Rendering;

/// <summary>
/// The catalog services the shared stack manages (issue 15), rendered like ring objects: per service a Deployment
/// (PSA restricted; one pod on a PersistentVolumeClaim for Redis, MinIO and Meilisearch, replicas for the stateless
/// ones), a Service, a PodDisruptionBudget, and the credentials Secret they read — the same keys, filled from the
/// same secret values, that the rings receive. Their ingress policies are the catalog's (<see cref="SharedRenderer"/>).
/// </summary>
public static class SharedServiceObjects
{
    /// <summary>The managed services' credentials (keys only here; the shared stack fills the values).</summary>
    public const string CredentialsSecret = "shared-service-credentials";

    /// <summary>Every managed service's objects, then the credentials Secret, in a stable order.</summary>
    public static IReadOnlyList<KubeObject> Render(SharedFacts facts, string secretsRevision)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var objects = new List<JsonObject>();
        var credentialKeys = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var service in facts.Services.Where(s => s.Managed))
        {
            var kind = ManagedServiceKind.Find(service.Name) ?? throw new InvalidOperationException($"{service.Name} cannot be managed");
            credentialKeys.UnionWith(kind.Credentials.Select(c => c.Value));
            if (kind.Stateful)
            {
                objects.Add(Volume(facts, service));
            }

            objects.Add(Deployment(facts, service, kind, secretsRevision));
            objects.Add(Service(facts, service));
            objects.Add(Disruption(facts, service, kind));
        }

        if (credentialKeys.Count > 0)
        {
            var secret = K.Object("v1", "Secret", CredentialsSecret, facts.Namespace, Labels(), new JsonObject
            {
                ["ringinfra.io/values"] = "filled from the shared stack's secret map at deploy time",
            });
            secret["type"] = "Opaque";
            secret["data"] = K.Map(credentialKeys.Select(k => new KeyValuePair<string, string>(k, "")));
            objects.Insert(0, secret);
        }

        return [.. objects.Select(o => new KubeObject(o))];
    }

    /// <summary>The credential keys the managed services read (what the shared stack puts in <see cref="CredentialsSecret"/>).</summary>
    public static IReadOnlyList<string> CredentialKeys(SharedFacts facts) =>
        [.. facts.Services.Where(s => s.Managed).SelectMany(s => ManagedServiceKind.Find(s.Name)?.Credentials.Select(c => c.Value) ?? []).Distinct().Order(StringComparer.Ordinal)];

    private static JsonObject Volume(SharedFacts facts, SharedService s)
    {
        var o = K.Object("v1", "PersistentVolumeClaim", s.Name + "-data", facts.Namespace, Labels());
        var spec = new JsonObject
        {
            ["accessModes"] = K.Strings("ReadWriteOnce"),
            ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["storage"] = s.StorageSize } },
        };
        if (s.StorageClass is not null)
        {
            spec["storageClassName"] = s.StorageClass;
        }

        o["spec"] = spec;
        return o;
    }

    private static JsonObject Deployment(SharedFacts facts, SharedService s, ManagedServiceKind kind, string secretsRevision)
    {
        var o = K.Object("apps/v1", "Deployment", s.Name, facts.Namespace, PodLabels(s));
        var annotations = new JsonObject();
        if (kind.Credentials.Count > 0)
        {
            // A rotated credential rolls the pods that read it, in the same shared update.
            annotations[RingLabels.SecretsRevision] = secretsRevision;
        }

        var container = new JsonObject
        {
            ["name"] = s.Name,
            ["image"] = s.Image,
        };
        if (kind.Command.Count > 0)
        {
            container["command"] = K.Strings([.. kind.Command]);
        }

        var env = new JsonArray(new JsonObject { ["name"] = "PORT", ["value"] = s.TargetPort.ToString(CultureInfo.InvariantCulture) });
        foreach (var (name, value) in kind.Env)
        {
            env.Add(new JsonObject { ["name"] = name, ["value"] = value });
        }

        foreach (var (name, key) in kind.Credentials)
        {
            env.Add(new JsonObject
            {
                ["name"] = name,
                ["valueFrom"] = new JsonObject { ["secretKeyRef"] = new JsonObject { ["name"] = CredentialsSecret, ["key"] = key } },
            });
        }

        container["env"] = env;
        container["ports"] = K.Array(new JsonObject { ["name"] = "service", ["containerPort"] = s.TargetPort, ["protocol"] = "TCP" });
        var memory = kind.Stateful ? "512Mi" : "256Mi";
        container["resources"] = new JsonObject
        {
            ["requests"] = new JsonObject { ["cpu"] = "100m", ["memory"] = memory },
            ["limits"] = new JsonObject { ["memory"] = memory },
        };
        container["securityContext"] = new JsonObject
        {
            ["allowPrivilegeEscalation"] = false,
            ["capabilities"] = new JsonObject { ["drop"] = K.Strings("ALL") },
            ["privileged"] = false,
            // The stateful images write only their data volume and /tmp; the stateless images are the platform's own.
            ["readOnlyRootFilesystem"] = kind.Stateful,
            ["runAsNonRoot"] = true,
        };
        container["readinessProbe"] = new JsonObject
        {
            ["tcpSocket"] = new JsonObject { ["port"] = "service" },
            ["periodSeconds"] = 5,
            ["timeoutSeconds"] = 3,
            ["failureThreshold"] = 3,
        };
        container["livenessProbe"] = new JsonObject
        {
            ["tcpSocket"] = new JsonObject { ["port"] = "service" },
            ["initialDelaySeconds"] = 30,
            ["periodSeconds"] = 10,
            ["timeoutSeconds"] = 5,
            ["failureThreshold"] = 6,
        };
        var mounts = new JsonArray(new JsonObject { ["name"] = "tmp", ["mountPath"] = "/tmp" });
        var volumes = new JsonArray(new JsonObject { ["name"] = "tmp", ["emptyDir"] = new JsonObject { ["sizeLimit"] = "256Mi" } });
        if (kind.DataPath is { } path)
        {
            mounts.Add(new JsonObject { ["name"] = "data", ["mountPath"] = path });
            volumes.Add(new JsonObject { ["name"] = "data", ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = s.Name + "-data" } });
        }

        container["volumeMounts"] = mounts;
        o["spec"] = new JsonObject
        {
            ["replicas"] = kind.Stateful ? 1 : s.Replicas,
            ["revisionHistoryLimit"] = 5,
            ["selector"] = new JsonObject { ["matchLabels"] = K.Map(s.PodLabels) },
            // One pod holds a ReadWriteOnce volume: the old pod must let go of it before the new one starts.
            ["strategy"] = kind.Stateful
                ? new JsonObject { ["type"] = "Recreate" }
                : new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["maxSurge"] = 1, ["maxUnavailable"] = 0 } },
            ["template"] = new JsonObject
            {
                ["metadata"] = annotations.Count > 0
                    ? new JsonObject { ["labels"] = PodLabels(s), ["annotations"] = annotations }
                    : new JsonObject { ["labels"] = PodLabels(s) },
                ["spec"] = new JsonObject
                {
                    ["automountServiceAccountToken"] = false,
                    ["enableServiceLinks"] = false,
                    ["securityContext"] = new JsonObject
                    {
                        ["runAsNonRoot"] = true,
                        ["runAsUser"] = kind.Uid,
                        ["runAsGroup"] = kind.Uid,
                        ["fsGroup"] = kind.Uid,
                        ["seccompProfile"] = new JsonObject { ["type"] = "RuntimeDefault" },
                    },
                    ["containers"] = K.Array(container),
                    ["volumes"] = volumes,
                },
            },
        };
        return o;
    }

    private static JsonObject Service(SharedFacts facts, SharedService s)
    {
        var o = K.Object("v1", "Service", s.Name, facts.Namespace, PodLabels(s));
        o["spec"] = new JsonObject
        {
            ["type"] = "ClusterIP",
            ["selector"] = K.Map(s.PodLabels),
            ["ports"] = K.Array(new JsonObject { ["name"] = "tcp", ["port"] = s.Port, ["targetPort"] = s.TargetPort, ["protocol"] = "TCP" }),
        };
        return o;
    }

    private static JsonObject Disruption(SharedFacts facts, SharedService s, ManagedServiceKind kind)
    {
        var o = K.Object("policy/v1", "PodDisruptionBudget", s.Name, facts.Namespace, PodLabels(s));
        var spec = new JsonObject();
        if (!kind.Stateful && s.Replicas >= 2)
        {
            spec["minAvailable"] = 1;
        }
        else
        {
            // One pod: a budget of zero would block every node drain; the drain takes the service down briefly.
            spec["maxUnavailable"] = 1;
        }

        spec["selector"] = new JsonObject { ["matchLabels"] = K.Map(s.PodLabels) };
        o["spec"] = spec;
        return o;
    }

    private static JsonObject PodLabels(SharedService s)
    {
        var labels = Labels();
        foreach (var (k, v) in s.PodLabels)
        {
            labels[k] = v;
        }

        return labels;
    }

    private static JsonObject Labels() => new()
    {
        [RingLabels.PartOf] = "autocom",
        [RingLabels.ManagedBy] = "ringinfra",
        ["ringinfra.io/shared"] = "true",
    };
}
