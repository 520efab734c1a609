using RingInfra.Core.Config;
using RingInfra.Core.Rendering;

namespace RingInfra.Core.Policies;

/// <summary>
/// What a production-tier ring must have (issue 16): every workload at two or more replicas — one pod can be evicted
/// by any node drain, its budget cannot keep it — and TLS on its Ingress.
/// </summary>
public static class ProductionReadiness
{
    public const string ReplicasRule = "production-replicas";
    public const string TlsRule = "production-tls";

    public static IEnumerable<Violation> Check(RenderedRing ring)
    {
        ArgumentNullException.ThrowIfNull(ring);
        if (ring.Config.Tier != Tier.Production)
        {
            yield break;
        }

        foreach (var (kind, w) in ring.Workloads.OrderBy(w => w.Key))
        {
            if (w.Settings.Replicas < 2)
            {
                yield return new Violation($"Deployment {ring.Namespace}/{RingLabels.Name(kind)}", "spec.replicas", w.Settings.Replicas.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ReplicasRule, $"must be at least 2 in a production-tier ring (workloads.{RingLabels.Name(kind)}.replicas): a single pod goes away with every node drain");
            }
        }

        if (ring.Config.Tls is null)
        {
            yield return new Violation($"Ingress {ring.Namespace}/{NetworkObjects.IngressName}", "spec.tls", "none", TlsRule,
                "must be set in a production-tier ring (ring-infra:tls: {secretName: …} or {clusterIssuer: …})");
        }
    }
}
