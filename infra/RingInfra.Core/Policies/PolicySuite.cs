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
        IReadOnlyList<RenderedRing>? context = null) =>
        Check(rings, _ => shared, knownSecretValues, JudgeFleet(context ?? rings, shared));

    /// <summary>
    /// All violations of <paramref name="rings"/> in <paramref name="fleet"/>: each render judged with the shared facts of its
    /// cluster's region (<see cref="Fleet.RingFleet.SharedFor"/>), the fleet-wide rules over <paramref name="context"/>.
    /// </summary>
    public static IReadOnlyList<Violation> Check(IReadOnlyList<RenderedRing> rings, Fleet.RingFleet fleet, IReadOnlyList<RenderedRing>? context = null)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        return Check(rings, r => fleet.SharedFor(r.Config, r.Cluster), null, JudgeFleet(context ?? rings, fleet.Shared));
    }

    /// <summary>What the fleet-wide rules found over a whole fleet's renders (each filtered to the rings judged).</summary>
    private sealed record FleetFindings(IReadOnlyList<Violation> Hostnames, IReadOnlyList<Violation> Credentials, IReadOnlyList<Violation> Queues);

    private static FleetFindings JudgeFleet(IReadOnlyList<RenderedRing> fleet, SharedFacts shared) =>
        new(HostnameUniqueness.Check(fleet), CredentialIsolation.Check(fleet, shared), QueueIsolation.Check(fleet));

    /// <summary>
    /// Everything the fleet-wide rules read of one render: its Ingresses (hosts, TLS hosts), its Secrets' specs, its
    /// promotion order, its queue settings and the ids they report on. Two fleets whose renders have the same signatures,
    /// in the same order, get the same fleet-wide findings. A fleet-wide rule that reads more must add it here.
    /// </summary>
    internal static string FleetSignature(RenderedRing ring)
    {
        var b = new System.Text.StringBuilder();
        b.Append(ring.Ring).Append('@').Append(ring.Cluster.Name).Append('|').Append(ring.Namespace).Append('|').Append(ring.Config.PromotionOrder).Append('|');
        b.Append(ring.Find("ConfigMap", "ring-env")?.Id).Append('|');
        foreach (var (key, value) in ring.Config.Platform.Queues.Env())
        {
            b.Append(key).Append('=').Append(value).Append(';');
        }

        foreach (var secret in ring.Secrets)
        {
            b.Append('|').Append(secret.Name).Append(':').Append(ring.Find("Secret", secret.Name)?.Id);
            foreach (var k in secret.Keys)
            {
                b.Append(',').Append(k.Key).Append('/').Append(k.Source).Append('/').Append(k.SourceKey);
            }
        }

        foreach (var ingress in ring.Objects.Where(o => o.Kind == "Ingress"))
        {
            b.Append('|').Append(ingress.Id).Append(ingress.Body.ToJsonString());
        }

        return b.ToString();
    }

    private static IReadOnlyList<Violation> Check(IReadOnlyList<RenderedRing> rings, Func<RenderedRing, SharedFacts> sharedOf, IReadOnlyCollection<string>? knownSecretValues, FleetFindings wide)
    {
        var secrets = knownSecretValues ?? [];
        var found = new List<Violation>();
        foreach (var ring in rings)
        {
            var shared = sharedOf(ring);
            var own = new List<Violation>();
            foreach (var o in ring.Objects)
            {
                own.AddRange(PodSecurity.CheckRestricted(o.Body));
            }

            own.AddRange(NetworkPolicyCompleteness.Check(ring, shared));
            own.AddRange(ProductionReadiness.Check(ring));
            own.AddRange(SecretHygiene.Check(ring, shared, secrets));
            own.AddRange(HomeRegionPolicy.Check(ring));
            // A cluster's own findings name their cluster (each cluster is judged on its own).
            found.AddRange(ring.Cluster.IsUnnamed ? own : own.Select(v => v with { Object = $"{v.Object} in cluster {ring.Cluster.Name}" }));
        }

        var names = rings.Select(r => r.Ring).ToHashSet(StringComparer.Ordinal);
        found.AddRange(wide.Hostnames.Where(v => InRings(v, rings, names)));
        found.AddRange(wide.Credentials.Where(v => InRings(v, rings, names)));
        found.AddRange(rings.GroupBy(sharedOf).SelectMany(g => SharedPolicyIsolation.Check(SharedRenderer.IngressPolicies(g.Key), [.. g])));
        found.AddRange(wide.Queues.Where(v => InRings(v, rings, names)));
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
        // The fleet-wide rules once for the fleet (not once per ring judged); with a cache, once per distinct fleet signature.
        var wide = renders is null ? JudgeFleet(rendered, fleet.Shared) : renders.Memo(rendered, FleetSignature, () => JudgeFleet(rendered, fleet.Shared));
        // A ring with clusters is judged per cluster (network-policy completeness, PSA, …), its messages naming the cluster.
        return rendered.Where(r => rings.Contains(r.Ring)).GroupBy(r => r.Ring, StringComparer.Ordinal).ToDictionary(g => g.Key,
            g => (IReadOnlyList<string>)[.. Once(g.SelectMany(r => Check([r], _ => fleet.SharedFor(r.Config, r.Cluster), null, wide).Select(v => v.Message)), g.Count() > 1)], StringComparer.Ordinal);
    }

    /// <summary>A ring with clusters is judged once per cluster: a fleet-wide finding about it is reported once, not per cluster.</summary>
    private static IEnumerable<string> Once(IEnumerable<string> messages, bool clusters) => clusters ? messages.Distinct(StringComparer.Ordinal) : messages;

    private static bool InRings(Violation v, IReadOnlyList<RenderedRing> rings, HashSet<string> names) =>
        rings.Any(r => names.Contains(r.Ring) && r.Objects.Any(o => o.Id == v.Object || v.Object.StartsWith($"Secret {r.Namespace}/", StringComparison.Ordinal)));
}
