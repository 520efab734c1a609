using System.Text.Json.Nodes;
using RingInfra.Core.Kube;
using RingInfra.Core.Shared;

namespace RingInfra.Core.Rendering;

/// <summary>
/// The shared stack's own objects: the shared namespace (PSA restricted, like every ring's) and one ingress
/// policy per catalog service in it. Each selects only that service's pods — never a ring's (the default
/// ring may live in the shared namespace, and policies add up: a policy selecting its pods would open them
/// and cancel its default deny) — and admits: the shared namespace's own pods (replication, the frontend
/// calling the database: what ran before RingInfra), the rings' api and horizon on the service's pod port,
/// and the configured others (ingress controller, CNPG operator, monitoring).
/// </summary>
public static class SharedRenderer
{
    public const string PolicyPrefix = "shared-";

    public static KubeObject Namespace(SharedFacts facts, string psaVersion)
    {
        var labels = SharedLabels();
        foreach (var (k, v) in ConfigObjects.PodSecurityLabels(psaVersion))
        {
            labels[k] = v;
        }

        // Enforce what the shared services pass (SharedPodSecurity warns about the gap); audit and warn stay restricted.
        labels["pod-security.kubernetes.io/enforce"] = facts.NamespacePodSecurity;

        return new KubeObject(K.Object("v1", "Namespace", facts.Namespace, null, labels));
    }

    /// <summary>One NetworkPolicy per catalog service whose pods live in the shared namespace.</summary>
    public static IReadOnlyList<KubeObject> IngressPolicies(SharedFacts facts) =>
        [.. facts.Services.Where(s => s.Namespace == facts.Namespace).Select(s => Policy(facts, s))];

    /// <summary>
    /// What <c>ringctl render shared</c> prints and <c>lint shared</c> checks: the ingress policies, then the managed
    /// services' objects (their credentials Secret with keys only). The namespace is the program's own typed resource.
    /// </summary>
    public static IReadOnlyList<KubeObject> Objects(SharedFacts facts) =>
        [.. IngressPolicies(facts), .. SharedServiceObjects.Render(facts, facts.SecretsRevision)];

    /// <summary>The shared stack's policies as one YAML stream (the ConfigGroup's input).</summary>
    public static string IngressPoliciesYaml(SharedFacts facts) => Yaml.WriteAll(IngressPolicies(facts).Select(p => (JsonNode?)p.Body));

    private static KubeObject Policy(SharedFacts facts, SharedService service)
    {
        var ringApps = new JsonObject
        {
            ["matchExpressions"] = K.Array(
                new JsonObject { ["key"] = RingLabels.Ring, ["operator"] = "Exists" },
                new JsonObject { ["key"] = RingLabels.App, ["operator"] = "In", ["values"] = K.Strings("api", "horizon", UpgradeObjects.App) }),
        };
        var rules = new JsonArray
        {
            new JsonObject
            {
                ["from"] = K.Array(new JsonObject { ["podSelector"] = NotARing() }),
            },
            new JsonObject
            {
                ["from"] = K.Array(
                    new JsonObject
                    {
                        ["namespaceSelector"] = new JsonObject { ["matchExpressions"] = K.Array(new JsonObject { ["key"] = RingLabels.Ring, ["operator"] = "Exists" }) },
                        ["podSelector"] = ringApps.DeepClone(),
                    },
                    new JsonObject { ["podSelector"] = ringApps }),
                ["ports"] = K.Array(K.Port(service.TargetPort)),
            },
        };
        foreach (var allow in facts.AllowIngress.Where(a => a.Services.Count == 0 || a.Services.Contains(service.Name)))
        {
            var peer = new JsonObject { ["namespaceSelector"] = K.NamespaceSelector(allow.Namespace) };
            if (allow.PodLabels.Count > 0)
            {
                peer["podSelector"] = new JsonObject { ["matchLabels"] = K.Map(allow.PodLabels) };
            }

            var rule = new JsonObject { ["from"] = K.Array(peer) };
            var ports = allow.Ports ?? [service.TargetPort];
            if (ports.Count > 0)
            {
                rule["ports"] = new JsonArray([.. ports.Select(p => (JsonNode?)K.Port(p))]);
            }

            rules.Add(rule);
        }

        var selector = new JsonObject
        {
            ["matchLabels"] = K.Map(service.PodLabels),
            ["matchExpressions"] = K.Array(new JsonObject { ["key"] = RingLabels.Ring, ["operator"] = "DoesNotExist" }),
        };
        var o = K.Object("networking.k8s.io/v1", "NetworkPolicy", PolicyPrefix + service.Name, facts.Namespace, SharedLabels());
        o["spec"] = new JsonObject { ["podSelector"] = selector, ["policyTypes"] = K.Strings("Ingress"), ["ingress"] = rules };
        return new KubeObject(o);
    }

    private static JsonObject NotARing() => new()
    {
        ["matchExpressions"] = K.Array(new JsonObject { ["key"] = RingLabels.Ring, ["operator"] = "DoesNotExist" }),
    };

    private static JsonObject SharedLabels() => new()
    {
        [RingLabels.PartOf] = "autocom",
        [RingLabels.ManagedBy] = "ringinfra",
        ["ringinfra.io/shared"] = "true",
    };
}
