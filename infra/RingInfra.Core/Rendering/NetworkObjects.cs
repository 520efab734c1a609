using System.Text.Json.Nodes;
using RingInfra.Core.Config;

namespace RingInfra.Core.Rendering;

/// <summary>
/// Services, ExternalName aliases to the shared services, NetworkPolicies and the Ingress. Policies
/// select only the ring's pods (a ring may share its namespace with the shared stack) and target
/// the real shared pods by namespace and labels: an ExternalName alias is only DNS.
/// </summary>
internal static class NetworkObjects
{
    public const string DefaultDeny = "ring-default-deny";
    public const string AllowDns = "ring-allow-dns";
    public const string NginxIngress = "nginx-from-ingress-controller";
    public const string NginxToApi = "nginx-to-api";
    public const string ApiFromNginx = "api-from-nginx";
    public const string AppToShared = "app-to-shared-services";
    public const string AppToInternet = "app-to-internet-https";
    public const string IngressName = "ring";

    public static JsonObject Service(RenderContext c, WorkloadKind kind, int port, string targetPort)
    {
        var o = K.Object("v1", "Service", RingLabels.Name(kind), c.Ns, RingLabels.ForWorkload(c.Name, kind));
        o["spec"] = new JsonObject
        {
            ["type"] = "ClusterIP",
            ["selector"] = RingLabels.Selector(c.Name, kind),
            ["ports"] = K.Array(new JsonObject { ["name"] = "http", ["port"] = port, ["targetPort"] = targetPort, ["protocol"] = "TCP" }),
        };
        return o;
    }

    /// <summary>ExternalName aliases so the ring's pods reach shared services by short name (none in the shared namespace).</summary>
    public static IEnumerable<JsonObject> Aliases(RenderContext c)
    {
        if (c.Config.InSharedNamespace)
        {
            yield break;
        }

        foreach (var s in c.Shared.Services)
        {
            var labels = RingLabels.Common(c.Name);
            labels["ringinfra.io/alias-of"] = s.Namespace;
            var o = K.Object("v1", "Service", s.Name, c.Ns, labels);
            o["spec"] = new JsonObject
            {
                ["type"] = "ExternalName",
                ["externalName"] = s.Host,
                ["ports"] = K.Array(new JsonObject { ["name"] = "tcp", ["port"] = s.Port, ["protocol"] = "TCP" }),
            };
            yield return o;
        }
    }

    public static IEnumerable<JsonObject> Policies(RenderContext c)
    {
        var ring = new JsonObject { ["matchLabels"] = new JsonObject { [RingLabels.Ring] = c.Name } };
        yield return Policy(c, DefaultDeny, ring, ingress: [], egress: []);
        yield return Policy(c, AllowDns, ring, ingress: null, egress:
        [
            new JsonObject
            {
                ["to"] = K.Array(new JsonObject
                {
                    ["namespaceSelector"] = K.NamespaceSelector("kube-system"),
                    ["podSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["k8s-app"] = "kube-dns" } },
                }),
                ["ports"] = K.Array(K.Port(53, "UDP"), K.Port(53, "TCP")),
            },
        ]);
        yield return Policy(c, NginxIngress, Select(c, WorkloadKind.Nginx), ingress:
        [
            new JsonObject
            {
                ["from"] = K.Array(new JsonObject { ["namespaceSelector"] = K.NamespaceSelector(c.Config.IngressNamespace) }),
                ["ports"] = K.Array(K.Port(8080)),
            },
        ], egress: null);
        yield return Policy(c, NginxToApi, Select(c, WorkloadKind.Nginx), ingress: null, egress:
        [
            new JsonObject { ["to"] = K.Array(new JsonObject { ["podSelector"] = Select(c, WorkloadKind.Api) }), ["ports"] = K.Array(K.Port(8000)) },
        ]);
        yield return Policy(c, ApiFromNginx, Select(c, WorkloadKind.Api), ingress:
        [
            new JsonObject { ["from"] = K.Array(new JsonObject { ["podSelector"] = Select(c, WorkloadKind.Nginx) }), ["ports"] = K.Array(K.Port(8000)) },
        ], egress: null);
        yield return Policy(c, AppToShared, AppPods(c), ingress: null, egress: [.. c.Shared.Services.Select(s => (JsonNode)new JsonObject
        {
            ["to"] = K.Array(new JsonObject
            {
                ["namespaceSelector"] = K.NamespaceSelector(s.Namespace),
                ["podSelector"] = new JsonObject { ["matchLabels"] = K.Map(s.PodLabels) },
            }),
            ["ports"] = K.Array(K.Port(s.Port)),
        })]);
        // Modules call third-party APIs (connectors, carriers, payment): HTTPS out, but never to private ranges.
        yield return Policy(c, AppToInternet, AppPods(c), ingress: null, egress:
        [
            new JsonObject
            {
                ["to"] = K.Array(new JsonObject
                {
                    ["ipBlock"] = new JsonObject { ["cidr"] = "0.0.0.0/0", ["except"] = K.Strings("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16") },
                }),
                ["ports"] = K.Array(K.Port(443)),
            },
        ]);
    }

    private static JsonObject Select(RenderContext c, WorkloadKind kind) => new() { ["matchLabels"] = RingLabels.Selector(c.Name, kind) };

    private static JsonObject AppPods(RenderContext c) => new()
    {
        ["matchLabels"] = new JsonObject { [RingLabels.Ring] = c.Name },
        ["matchExpressions"] = K.Array(new JsonObject { ["key"] = RingLabels.App, ["operator"] = "In", ["values"] = K.Strings("api", "horizon") }),
    };

    private static JsonObject Policy(RenderContext c, string name, JsonObject podSelector, JsonNode[]? ingress, JsonNode[]? egress)
    {
        var o = K.Object("networking.k8s.io/v1", "NetworkPolicy", name, c.Ns, RingLabels.Common(c.Name));
        var spec = new JsonObject { ["podSelector"] = podSelector.DeepClone() };
        var types = new JsonArray();
        if (ingress is not null)
        {
            types.Add("Ingress");
            spec["ingress"] = new JsonArray(ingress);
        }

        if (egress is not null)
        {
            types.Add("Egress");
            spec["egress"] = new JsonArray(egress);
        }

        spec["policyTypes"] = types;
        o["spec"] = spec;
        return o;
    }

    /// <summary>
    /// Hosts of the ring: <c>*.&lt;segment&gt;.&lt;domain&gt;</c>, plus <c>*.&lt;domain&gt;</c> for the default ring, or
    /// <c>&lt;tenant&gt;.&lt;domain&gt;</c> per pinned tenant for the others. The default ring never lists tenants,
    /// so moving a tenant between it and another ring changes one object.
    /// </summary>
    public static List<string> Hostnames(RingConfig ring)
    {
        var hosts = new List<string> { $"*.{ring.HostnameSegment}.{ring.Domain}" };
        if (ring.IsDefault)
        {
            hosts.Add($"*.{ring.Domain}");
        }
        else
        {
            hosts.AddRange(ring.Tenants.Select(t => $"{t}.{ring.Domain}"));
        }

        return hosts;
    }

    public static JsonObject Ingress(RenderContext c)
    {
        var o = K.Object("networking.k8s.io/v1", "Ingress", IngressName, c.Ns, RingLabels.Common(c.Name), new JsonObject
        {
            ["nginx.ingress.kubernetes.io/proxy-body-size"] = "64m",
        });
        o["spec"] = new JsonObject
        {
            ["ingressClassName"] = c.Config.IngressClass,
            ["rules"] = new JsonArray([.. Hostnames(c.Config).Select(h => (JsonNode?)new JsonObject
            {
                ["host"] = h,
                ["http"] = new JsonObject
                {
                    ["paths"] = K.Array(new JsonObject
                    {
                        ["path"] = "/",
                        ["pathType"] = "Prefix",
                        ["backend"] = new JsonObject
                        {
                            ["service"] = new JsonObject { ["name"] = "nginx", ["port"] = new JsonObject { ["name"] = "http" } },
                        },
                    }),
                },
            })]),
        };
        return o;
    }
}
