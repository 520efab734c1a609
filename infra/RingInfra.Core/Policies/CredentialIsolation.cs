using RingInfra.Core.Kube;
using RingInfra.Core.Rendering;
using RingInfra.Core.Shared;

namespace RingInfra.Core.Policies;

/// <summary>
/// Doc 001's credential isolation: a connector credential is bound to one ring (in the shared
/// stack's <c>connectorCredentials</c>), and a less conservative ring (higher promotion order) can
/// never reference it. Checked on the credential keys the rendered Secrets and env actually carry.
/// </summary>
public static class CredentialIsolation
{
    private const string Rule = "credential-isolation";

    public static IReadOnlyList<Violation> Check(IReadOnlyList<RenderedRing> rings, SharedFacts shared)
    {
        var found = new List<Violation>();
        // A ring with clusters has one render per cluster: one order per ring.
        var orders = rings.GroupBy(r => r.Ring, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Config.PromotionOrder, StringComparer.Ordinal);
        foreach (var ring in rings)
        {
            foreach (var secret in ring.Secrets.Where(s => s.Keys.Any(k => k.Source == SecretSource.ConnectorCredentials)))
            {
                var id = ring.Find("Secret", secret.Name)?.Id ?? $"Secret {ring.Namespace}/{secret.Name}";
                foreach (var key in secret.Keys.Where(k => k.Source == SecretSource.ConnectorCredentials))
                {
                    var bound = shared.CredentialRing(key.SourceKey);
                    if (bound is null)
                    {
                        found.Add(new Violation(id, $"data.{key.Key}", key.SourceKey, Rule, "must be a credential bound to a ring in the shared stack's connectorCredentials"));
                    }
                    else if (!orders.TryGetValue(bound, out var boundOrder))
                    {
                        found.Add(new Violation(id, $"data.{key.Key}", key.SourceKey, Rule, $"is bound to ring '{bound}', which does not exist"));
                    }
                    else if (ring.Config.PromotionOrder > boundOrder)
                    {
                        found.Add(new Violation(id, $"data.{key.Key}", key.SourceKey, Rule,
                            $"must not be used by ring '{ring.Ring}' (order {ring.Config.PromotionOrder}): it is bound to the more conservative ring '{bound}' (order {boundOrder})"));
                    }
                }
            }
        }

        return found;
    }
}
