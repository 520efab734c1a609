using RingInfra.Core.Kube;
using RingInfra.Core.Rendering;
using RingInfra.Core.Shared;

namespace RingInfra.Core.Policies;

/// <summary>
/// Every policy over rendered rings, run before anything is applied (lint, plan, tests and before
/// each stack update): PSA restricted on every workload, network-policy completeness, secret
/// hygiene, hostname uniqueness, credential isolation, queue isolation, and that no shared policy selects a ring's pods.
/// </summary>
public static class PolicySuite
{
    /// <summary>All violations of <paramref name="rings"/>. Fleet-wide rules see only the rings given, plus <paramref name="context"/>.</summary>
    public static IReadOnlyList<Violation> Check(
        IReadOnlyList<RenderedRing> rings,
        SharedFacts shared,
        IReadOnlyCollection<string>? knownSecretValues = null,
        IReadOnlyList<RenderedRing>? context = null)
    {
        var secrets = knownSecretValues ?? [];
        var found = new List<Violation>();
        foreach (var ring in rings)
        {
            foreach (var o in ring.Objects)
            {
                found.AddRange(PodSecurity.CheckRestricted(o.Body));
            }

            found.AddRange(NetworkPolicyCompleteness.Check(ring, shared));
            found.AddRange(ProductionReadiness.Check(ring));
            found.AddRange(SecretHygiene.Check(ring, shared, secrets));
        }

        var fleet = context ?? rings;
        var names = rings.Select(r => r.Ring).ToHashSet(StringComparer.Ordinal);
        found.AddRange(HostnameUniqueness.Check(fleet).Where(v => InRings(v, rings, names)));
        found.AddRange(CredentialIsolation.Check(fleet, shared).Where(v => InRings(v, rings, names)));
        found.AddRange(SharedPolicyIsolation.Check(SharedRenderer.IngressPolicies(shared), rings));
        found.AddRange(QueueIsolation.Check(fleet).Where(v => InRings(v, rings, names)));
        return found;
    }

    /// <summary>
    /// The shared stack's violations: PSA restricted on the pods it deploys (the managed services), and its ingress
    /// policies against every ring's pods (a shared policy selecting a ring's pods would open them).
    /// </summary>
    public static IReadOnlyList<Violation> CheckShared(SharedFacts shared, IReadOnlyList<RenderedRing> rings)
    {
        ArgumentNullException.ThrowIfNull(shared);
        var objects = SharedRenderer.Objects(shared);
        return [.. objects.SelectMany(o => PodSecurity.CheckRestricted(o.Body)), .. SharedPolicyIsolation.Check(SharedRenderer.IngressPolicies(shared), rings)];
    }

    /// <summary>
    /// Each of <paramref name="rings"/>' violations as <c>lint</c> prints them, in <paramref name="fleet"/> (one render of
    /// every ring: fleet-wide rules see them all): what the policy gate judges before a change.
    /// </summary>
    /// <param name="fleet">The fleet as the change leaves it.</param>
    /// <param name="rings">The rings judged.</param>
    /// <param name="renders">Renders of rings already made (a status run judging many changes of one snapshot), or null.</param>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ByRing(Fleet.RingFleet fleet, IReadOnlyCollection<string> rings, RenderCache? renders = null)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        var rendered = renders?.RenderAll(fleet) ?? RingRenderer.RenderAll(fleet);
        return rendered.Where(r => rings.Contains(r.Ring)).ToDictionary(r => r.Ring,
            r => (IReadOnlyList<string>)[.. Check([r], fleet.Shared, context: rendered).Select(v => v.Message)], StringComparer.Ordinal);
    }

    private static bool InRings(Violation v, IReadOnlyList<RenderedRing> rings, HashSet<string> names) =>
        rings.Any(r => names.Contains(r.Ring) && r.Objects.Any(o => o.Id == v.Object || v.Object.StartsWith($"Secret {r.Namespace}/", StringComparison.Ordinal)));
}
