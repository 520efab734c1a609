using System.Globalization;
using System.Text.Json.Nodes;
using RingInfra.Core.Config;
using RingInfra.Core.Kube;
using RingInfra.Core.Rendering;
using RingInfra.Core.Shared;

namespace RingInfra.Core.Policies;

/// <summary>
/// The ring's NetworkPolicies let through exactly what it needs: a default deny, DNS, the ingress
/// controller to nginx on 8080, and for every shared service (every alias) an egress rule from api
/// and horizon to the real pods (namespace, pod labels, port).
/// </summary>
public static class NetworkPolicyCompleteness
{
    private const string Rule = "network-policy-completeness";

    public static IReadOnlyList<Violation> Check(RenderedRing ring, SharedFacts shared)
    {
        var found = new List<Violation>();
        var policies = ring.Objects.Where(o => o.Kind == "NetworkPolicy").ToList();
        var ns = $"NetworkPolicy {ring.Namespace}/*";
        var ringPods = new Dictionary<string, string>(StringComparer.Ordinal) { [RingLabels.Ring] = ring.Ring, [RingLabels.App] = "any" };
        if (!policies.Any(p => Selects(p, ringPods) && Types(p).SetEquals(["Ingress", "Egress"]) && Node.Arr(Spec(p), "ingress").Count == 0 && Node.Arr(Spec(p), "egress").Count == 0))
        {
            found.Add(new Violation(ns, "spec.policyTypes", "missing", Rule, "must include a default-deny policy (Ingress and Egress, no rules) over every pod of the ring"));
        }

        var dnsPort = ring.Config.Platform.Dns.Port;
        if (!policies.Any(p => Selects(p, ringPods) && EgressRules(p).Any(r => HasPort(r, dnsPort, "UDP"))))
        {
            found.Add(new Violation(ns, "spec.egress", "no DNS rule", Rule, $"must allow DNS egress (UDP {dnsPort.ToString(CultureInfo.InvariantCulture)}) for every pod of the ring"));
        }

        var nginx = PodLabels(ring, WorkloadKind.Nginx);
        if (!policies.Any(p => Selects(p, nginx) && IngressRules(p).Any(r => HasPort(r, 8080, "TCP"))))
        {
            found.Add(new Violation(ns, "spec.ingress", "no rule to nginx:8080", Rule, "must let the ingress controller reach nginx on 8080"));
        }

        foreach (var target in Targets(ring, shared, found))
        {
            foreach (var kind in new[] { WorkloadKind.Api, WorkloadKind.Horizon })
            {
                var pod = PodLabels(ring, kind);
                if (!policies.Any(p => Selects(p, pod) && EgressRules(p).Any(r => Reaches(r, target))))
                {
                    found.Add(new Violation(ns, "spec.egress", $"no rule to {target.Name}", Rule,
                        $"must let {RingLabels.Name(kind)} reach shared service '{target.Name}' ({target.Namespace}, {string.Join(",", target.PodLabels.Select(l => $"{l.Key}={l.Value}"))}, port {target.TargetPort.ToString(CultureInfo.InvariantCulture)})"));
                }
            }
        }

        return found;
    }

    /// <summary>The shared services the ring must reach: every alias (which must be in the catalog), or the whole catalog in the shared namespace.</summary>
    private static IEnumerable<SharedService> Targets(RenderedRing ring, SharedFacts shared, List<Violation> found)
    {
        var aliases = ring.Objects.Where(o => o.Kind == "Service" && Node.Str(Node.Obj(o.Body, "spec"), "type") == "ExternalName").ToList();
        if (aliases.Count == 0)
        {
            return ring.Config.InSharedNamespace ? shared.Services : [];
        }

        var targets = new List<SharedService>();
        foreach (var alias in aliases)
        {
            if (shared.FindService(alias.Name) is { } s)
            {
                targets.Add(s);
            }
            else
            {
                found.Add(new Violation(alias.Id, "metadata.name", alias.Name, Rule, "must name a service of the shared stack's catalog"));
            }
        }

        return targets;
    }

    private static Dictionary<string, string> PodLabels(RenderedRing ring, WorkloadKind kind) =>
        ring.Find("Deployment", RingLabels.Name(kind)) is { } d
            ? (Node.Obj(Node.Obj(Node.Obj(Node.Obj(d.Body, "spec"), "template"), "metadata"), "labels") ?? []).ToDictionary(p => p.Key, p => Node.Show(p.Value), StringComparer.Ordinal)
            : [];

    private static JsonObject? Spec(KubeObject p) => Node.Obj(p.Body, "spec");

    private static bool Selects(KubeObject policy, IReadOnlyDictionary<string, string> labels) =>
        labels.Count > 0 && LabelSelector.Matches(Node.Obj(Spec(policy), "podSelector"), labels);

    private static HashSet<string> Types(KubeObject p) => [.. Node.Arr(Spec(p), "policyTypes").Select(Node.Show)];

    private static IEnumerable<JsonNode?> EgressRules(KubeObject p) => Types(p).Contains("Egress") ? Node.Arr(Spec(p), "egress") : [];

    private static IEnumerable<JsonNode?> IngressRules(KubeObject p) => Types(p).Contains("Ingress") ? Node.Arr(Spec(p), "ingress") : [];

    private static bool HasPort(JsonNode? rule, int port, string protocol) =>
        Node.Arr(rule, "ports").Any(p => Node.Int(p, "port") == port && (Node.Str(p, "protocol") ?? "TCP") == protocol);

    private static bool Reaches(JsonNode? rule, SharedService target)
    {
        if (!HasPort(rule, target.TargetPort, "TCP"))
        {
            return false;
        }

        var labels = target.PodLabels.ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);
        var nsLabels = new Dictionary<string, string>(StringComparer.Ordinal) { ["kubernetes.io/metadata.name"] = target.Namespace };
        return Node.Arr(rule, "to").Any(peer =>
            Node.Obj(peer, "namespaceSelector") is { } nsSel && LabelSelector.Matches(nsSel, nsLabels)
            && LabelSelector.Matches(Node.Obj(peer, "podSelector"), labels));
    }
}
