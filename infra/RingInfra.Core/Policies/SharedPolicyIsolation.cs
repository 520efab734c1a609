using RingInfra.Core.Kube;
using RingInfra.Core.Rendering;

namespace RingInfra.Core.Policies;

/// <summary>
/// No policy of the shared stack selects a ring's pods. Policies add up: one that selects the pods of a
/// ring living in the shared namespace (stable) would admit whatever it admits and cancel that ring's
/// default deny — as the old <c>podSelector: {}</c> did, for every ring pod on every port.
/// </summary>
public static class SharedPolicyIsolation
{
    private const string Rule = "shared-policy-isolation";

    public static IReadOnlyList<Violation> Check(IEnumerable<KubeObject> sharedPolicies, IReadOnlyList<RenderedRing> rings)
    {
        ArgumentNullException.ThrowIfNull(sharedPolicies);
        var found = new List<Violation>();
        foreach (var policy in sharedPolicies.Where(p => p.Kind == "NetworkPolicy"))
        {
            var selector = Node.Obj(Node.Obj(policy.Body, "spec"), "podSelector");
            foreach (var ring in rings.Where(r => r.Namespace == policy.Namespace))
            {
                foreach (var deployment in ring.Objects.Where(o => o.Kind == "Deployment"))
                {
                    var labels = (Node.Obj(Node.Obj(Node.Obj(Node.Obj(deployment.Body, "spec"), "template"), "metadata"), "labels") ?? [])
                        .ToDictionary(p => p.Key, p => Node.Show(p.Value), StringComparer.Ordinal);
                    if (LabelSelector.Matches(selector, labels))
                    {
                        found.Add(new Violation(policy.Id, "spec.podSelector", Node.Show(selector), Rule,
                            $"must not select ring '{ring.Ring}' pods ({deployment.Name}): it would open them and cancel the ring's default deny"));
                    }
                }
            }
        }

        return found;
    }
}
