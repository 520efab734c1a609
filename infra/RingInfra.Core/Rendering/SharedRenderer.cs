using System.Text.Json.Nodes;
using RingInfra.Core.Kube;
using RingInfra.Core.Shared;

namespace RingInfra.Core.Rendering;

/// <summary>
/// The shared stack's own objects: the shared namespace (PSA restricted, like every ring's) and its
/// ingress policy, which admits the shared pods' traffic from every namespace labelled as a ring and
/// from the shared namespace itself (the default ring may live there).
/// </summary>
public static class SharedRenderer
{
    public const string IngressPolicy = "shared-from-rings";

    public static KubeObject Namespace(SharedFacts facts, string psaVersion)
    {
        var labels = SharedLabels();
        foreach (var (k, v) in ConfigObjects.PodSecurityLabels(psaVersion))
        {
            labels[k] = v;
        }

        return new KubeObject(K.Object("v1", "Namespace", facts.Namespace, null, labels));
    }

    public static KubeObject RingIngressPolicy(SharedFacts facts)
    {
        var o = K.Object("networking.k8s.io/v1", "NetworkPolicy", IngressPolicy, facts.Namespace, SharedLabels());
        o["spec"] = new JsonObject
        {
            ["podSelector"] = new JsonObject(),
            ["policyTypes"] = K.Strings("Ingress"),
            ["ingress"] = K.Array(new JsonObject
            {
                ["from"] = K.Array(
                    new JsonObject
                    {
                        ["namespaceSelector"] = new JsonObject
                        {
                            ["matchExpressions"] = K.Array(new JsonObject { ["key"] = RingLabels.Ring, ["operator"] = "Exists" }),
                        },
                    },
                    new JsonObject { ["podSelector"] = new JsonObject() }),
            }),
        };
        return new KubeObject(o);
    }

    private static JsonObject SharedLabels() => new()
    {
        [RingLabels.PartOf] = "autocom",
        [RingLabels.ManagedBy] = "ringinfra",
        ["ringinfra.io/shared"] = "true",
    };
}
