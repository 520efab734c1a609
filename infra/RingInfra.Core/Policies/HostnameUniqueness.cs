using RingInfra.Core.Kube;
using RingInfra.Core.Rendering;

namespace RingInfra.Core.Policies;

/// <summary>No host is served by two rings: every Ingress host of the fleet appears once.</summary>
public static class HostnameUniqueness
{
    public static IReadOnlyList<Violation> Check(IReadOnlyList<RenderedRing> rings)
    {
        var found = new List<Violation>();
        var owner = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var ring in rings)
        {
            foreach (var ingress in ring.Objects.Where(o => o.Kind == "Ingress"))
            {
                var rules = Node.Arr(Node.Obj(ingress.Body, "spec"), "rules");
                for (var i = 0; i < rules.Count; i++)
                {
                    var host = Node.Str(rules[i], "host") ?? "";
                    if (owner.TryGetValue(host, out var other))
                    {
                        found.Add(new Violation(ingress.Id, $"spec.rules[{i}].host", host, "hostname-uniqueness", $"must be unique across rings (already served by {other})"));
                    }
                    else
                    {
                        owner[host] = $"ring '{ring.Ring}'";
                    }
                }
            }
        }

        return found;
    }
}
