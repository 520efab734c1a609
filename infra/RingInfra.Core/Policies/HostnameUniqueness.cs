using RingInfra.Core.Kube;
using RingInfra.Core.Rendering;

namespace RingInfra.Core.Policies;

/// <summary>
/// No host is served by two rings: every Ingress host of the fleet belongs to one ring, in any cluster and any region
/// (a tenant host in two regions' rings would split the tenant), and appears once per cluster (clusters of one ring
/// serve its hosts in each of them). And an Ingress's TLS hosts are exactly its rule hosts: a host outside the
/// certificate would be served with the wrong one.
/// </summary>
public static class HostnameUniqueness
{
    public static IReadOnlyList<Violation> Check(IReadOnlyList<RenderedRing> rings)
    {
        var found = new List<Violation>();
        var owner = new Dictionary<string, (string Ring, HashSet<string> Clusters)>(StringComparer.OrdinalIgnoreCase);
        foreach (var ring in rings)
        {
            foreach (var ingress in ring.Objects.Where(o => o.Kind == "Ingress"))
            {
                var rules = Node.Arr(Node.Obj(ingress.Body, "spec"), "rules");
                found.AddRange(TlsHosts(ingress, [.. rules.Select(r => Node.Str(r, "host") ?? "")]));
                for (var i = 0; i < rules.Count; i++)
                {
                    var host = Node.Str(rules[i], "host") ?? "";
                    var cluster = ring.Cluster.Name;
                    if (!owner.TryGetValue(host, out var other))
                    {
                        owner[host] = (ring.Ring, [cluster]);
                    }
                    else if (other.Ring != ring.Ring)
                    {
                        found.Add(new Violation(ingress.Id, $"spec.rules[{i}].host", host, "hostname-uniqueness", $"must be unique across rings (already served by ring '{other.Ring}'{(other.Clusters.Contains("") ? "" : $" in cluster(s) {string.Join(", ", other.Clusters)}")})"));
                    }
                    else if (!other.Clusters.Add(cluster))
                    {
                        found.Add(new Violation(ingress.Id, $"spec.rules[{i}].host", host, "hostname-uniqueness", $"must be unique within a cluster (listed twice in {(cluster.Length == 0 ? $"ring '{ring.Ring}'" : $"cluster {cluster}")})"));
                    }
                }
            }
        }

        return found;
    }

    private static IEnumerable<Violation> TlsHosts(KubeObject ingress, IReadOnlyList<string> ruleHosts)
    {
        var tls = Node.Arr(Node.Obj(ingress.Body, "spec"), "tls");
        if (tls.Count == 0)
        {
            yield break;
        }

        var tlsHosts = tls.SelectMany(t => Node.Arr(t as System.Text.Json.Nodes.JsonObject, "hosts").Select(h => h?.ToString() ?? "")).ToList();
        var missing = ruleHosts.Except(tlsHosts, StringComparer.OrdinalIgnoreCase).ToList();
        var extra = tlsHosts.Except(ruleHosts, StringComparer.OrdinalIgnoreCase).ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            yield return new Violation(ingress.Id, "spec.tls[].hosts", string.Join(", ", tlsHosts), "hostname-uniqueness",
                $"must equal the rule hosts (missing: {(missing.Count == 0 ? "none" : string.Join(", ", missing))}; not served: {(extra.Count == 0 ? "none" : string.Join(", ", extra))})");
        }
    }
}
