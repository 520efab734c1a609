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
        yield return Policy(c, AllowDns, ring, ingress: null, egress: [Dns(c.Config.Platform.Dns)]);
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
            // A policy sees traffic after the Service translated it: the pods' own port.
            ["ports"] = K.Array(K.Port(s.TargetPort)),
        })]);
        yield return Policy(c, AppToInternet, AppPods(c), ingress: null, egress: [.. Internet(c)]);
        foreach (var (name, kind, port) in ObservabilityObjects.MetricsPolicies())
        {
            yield return Policy(c, name, Select(c, kind), ingress:
            [
                new JsonObject
                {
                    ["from"] = K.Array(new JsonObject { ["namespaceSelector"] = K.NamespaceSelector(c.Config.Observability.Namespace) }),
                    ["ports"] = K.Array(K.Port(port)),
                },
            ], egress: null);
        }
    }

    /// <summary>The IPv4 ranges that are never "the internet": RFC 1918, carrier-grade NAT, link-local (cloud metadata).</summary>
    public static readonly string[] PrivateV4 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"];

    /// <summary>The IPv6 ranges that are never "the internet": unique-local, link-local.</summary>
    public static readonly string[] PrivateV6 = ["fc00::/7", "fe80::/10"];

    /// <summary>
    /// Modules call third-party APIs (connectors, carriers, payment): HTTPS out, never to private ranges. The
    /// platform's own public hostnames resolve to the load balancer, which kube-proxy short-circuits to the
    /// ingress controller's pods (private addresses): those are allowed by namespace, on 80 and 443.
    /// </summary>
    private static IEnumerable<JsonNode> Internet(RenderContext c)
    {
        yield return new JsonObject
        {
            ["to"] = K.Array(new JsonObject { ["ipBlock"] = new JsonObject { ["cidr"] = "0.0.0.0/0", ["except"] = K.Strings(PrivateV4) } }),
            ["ports"] = K.Array(K.Port(443)),
        };
        if (c.Config.Platform.DualStack)
        {
            yield return new JsonObject
            {
                ["to"] = K.Array(new JsonObject { ["ipBlock"] = new JsonObject { ["cidr"] = "::/0", ["except"] = K.Strings(PrivateV6) } }),
                ["ports"] = K.Array(K.Port(443)),
            };
        }

        yield return new JsonObject
        {
            ["to"] = K.Array(new JsonObject { ["namespaceSelector"] = K.NamespaceSelector(c.Config.IngressNamespace) }),
            ["ports"] = K.Array(K.Port(80), K.Port(443)),
        };
    }

    /// <summary>DNS: the cluster DNS pods by namespace and labels, and any extra address blocks (NodeLocal DNSCache).</summary>
    private static JsonObject Dns(DnsSettings dns)
    {
        var to = new JsonArray(new JsonObject
        {
            ["namespaceSelector"] = K.NamespaceSelector(dns.Namespace),
            ["podSelector"] = new JsonObject { ["matchLabels"] = K.Map(dns.PodLabels) },
        });
        foreach (var block in dns.IpBlocks)
        {
            to.Add(new JsonObject { ["ipBlock"] = new JsonObject { ["cidr"] = block } });
        }

        return new JsonObject { ["to"] = to, ["ports"] = K.Array(K.Port(dns.Port, "UDP"), K.Port(dns.Port, "TCP")) };
    }

    private static JsonObject Select(RenderContext c, WorkloadKind kind) => new() { ["matchLabels"] = RingLabels.Selector(c.Name, kind) };

    private static JsonObject AppPods(RenderContext c) => new()
    {
        ["matchLabels"] = new JsonObject { [RingLabels.Ring] = c.Name },
        // The upgrade Job reaches what the api reaches: the database above all.
        ["matchExpressions"] = K.Array(new JsonObject { ["key"] = RingLabels.App, ["operator"] = "In", ["values"] = K.Strings("api", "horizon", UpgradeObjects.App) }),
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

    /// <summary>
    /// The controller's own annotations (ingress-nginx: body size, and read/send timeouts from the ring's api
    /// timeout — its 60 s default would cut the requests the rings allow 120 or 300 s for), then the ring's.
    /// </summary>
    public static JsonObject IngressAnnotations(RenderContext c)
    {
        var annotations = new JsonObject();
        if (c.Config.Tls?.ClusterIssuer is { } issuer)
        {
            annotations["cert-manager.io/cluster-issuer"] = issuer;
        }

        if (c.Config.Platform.IngressController == PlatformSettings.IngressNginx)
        {
            // At least the websockets' idle timeout: the ring's nginx still cuts every other request at the api timeout.
            var timeout = Math.Max(c.Workloads[WorkloadKind.Api].Settings.TimeoutSeconds, c.Config.Websockets.IdleTimeoutSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            annotations["nginx.ingress.kubernetes.io/proxy-body-size"] = "64m";
            annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"] = timeout;
            annotations["nginx.ingress.kubernetes.io/proxy-send-timeout"] = timeout;
        }

        foreach (var (k, v) in c.Config.Platform.IngressAnnotations)
        {
            annotations[k] = v;
        }

        return annotations;
    }

    public static JsonObject Ingress(RenderContext c)
    {
        var o = K.Object("networking.k8s.io/v1", "Ingress", IngressName, c.Ns, RingLabels.Common(c.Name), IngressAnnotations(c));
        var spec = new JsonObject { ["ingressClassName"] = c.Config.IngressClass };
        if (c.Config.Tls is { } tls)
        {
            // One certificate for every host of the ring (hostname-uniqueness checks the TLS hosts are the rule hosts).
            spec["tls"] = K.Array(new JsonObject { ["hosts"] = K.Strings([.. Hostnames(c.Config)]), ["secretName"] = tls.SecretFor(c.Name) });
        }

        o["spec"] = spec;
        spec["rules"] = new JsonArray([.. Hostnames(c.Config).Select(h => (JsonNode?)new JsonObject
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
            })]);
        return o;
    }
}
