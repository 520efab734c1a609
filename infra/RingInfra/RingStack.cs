using System.Collections.Immutable;
using Pulumi;
using RingInfra.Core.Config;
using RingInfra.Core.Fleet;
using RingInfra.Core.Policies;
using RingInfra.Core.Rendering;
using RingInfra.Core.Shared;
using K8s = Pulumi.Kubernetes;

namespace RingInfra.RingProgram;

/// <summary>
/// One ring (the stack name is the ring name): config and lock through Core, then per cluster (doc 003; one unnamed
/// cluster for a ring without <c>clusters</c>) a Kubernetes provider of its own, its region's shared stack through a
/// StackReference (one per region), the Namespace, the Secrets and every other object Core renders for that cluster.
/// With no context the provider writes YAML to <c>out/&lt;ring&gt;/</c> (<c>out/&lt;ring&gt;/&lt;cluster&gt;/</c>) instead of applying.
/// </summary>
public sealed class RingStack : Stack
{
    public RingStack()
        : this(null)
    {
    }

    /// <summary>With stack options (tests observe every registration through a stack transformation).</summary>
    public RingStack(StackOptions? options)
        : base(options)
    {
        var ring = Load();
        var config = ring.Config;
        var stackContext = new Pulumi.Config("kubernetes").Get("context");
        var references = new Dictionary<string, SharedStackOutputs>(StringComparer.Ordinal);
        SharedStackOutputs Shared(ClusterSpec cluster)
        {
            var name = ClusterResources.SharedReference(config, cluster);
            if (!references.TryGetValue(name, out var shared))
            {
                references[name] = shared = new SharedStackOutputs(name, config.SharedStackFor(cluster));
            }

            return shared;
        }

        // One cluster after another, each with only its own provider: nothing of one cluster depends on another's.
        foreach (var cluster in config.Clusters)
        {
            Cluster(RingRenderer.ForCluster(ring, cluster), Shared(cluster), KubernetesTarget.Decide(stackContext, config.Name, cluster));
        }

        Ring = Output.Create(config.Name);
        Namespace = Output.Create(config.Namespace);
        Hostnames = Output.Create(RingRenderer.Hostnames(config).ToImmutableArray());
        LockHash = Output.Create(ring.Lock.Hash);
        Tenants = Output.Create(config.Tenants.ToImmutableArray());
        SecretsRevision = Shared(config.Clusters[0]).Facts.Apply(f => f.SecretsRevision);
        Clusters = Output.Create(config.HasClusters
            ? config.Clusters.ToImmutableDictionary(c => c.Name, c => c.Region ?? "", StringComparer.Ordinal)
            : ImmutableDictionary<string, string>.Empty);
        ClusterHostnames = Output.Create(config.HasClusters
            ? config.Clusters.ToImmutableDictionary(c => c.Name, c => RingRenderer.Hostnames(config.ForCluster(c)).ToImmutableArray(), StringComparer.Ordinal)
            : ImmutableDictionary<string, ImmutableArray<string>>.Empty);
    }

    [Output("ring")]
    public Output<string> Ring { get; private set; }

    [Output("namespace")]
    public Output<string> Namespace { get; private set; }

    [Output("hostnames")]
    public Output<ImmutableArray<string>> Hostnames { get; private set; }

    [Output("lockHash")]
    public Output<string> LockHash { get; private set; }

    [Output("tenants")]
    public Output<ImmutableArray<string>> Tenants { get; private set; }

    [Output("secretsRevision")]
    public Output<string> SecretsRevision { get; private set; }

    /// <summary>Cluster → region (empty for a ring without clusters).</summary>
    [Output("clusters")]
    public Output<ImmutableDictionary<string, string>> Clusters { get; private set; }

    /// <summary>Cluster → the hosts its Ingress serves (its region's tenants; empty for a ring without clusters).</summary>
    [Output("clusterHostnames")]
    public Output<ImmutableDictionary<string, ImmutableArray<string>>> ClusterHostnames { get; private set; }

    /// <summary>
    /// One cluster's resources, every one with the cluster's provider passed explicitly (default providers are
    /// disabled in Pulumi.yaml: a resource without one fails instead of reaching another cluster).
    /// </summary>
    private static void Cluster(RingDefinition ring, SharedStackOutputs shared, KubernetesTarget target)
    {
        var config = ring.Config;
        var cluster = config.Cluster;
        var provider = KubeMeta.Provider(target, ClusterResources.Provider(cluster));

        // Nothing reaches Kubernetes before the policies pass: every Kubernetes resource takes an input
        // derived from the checked render, so a violation faults them all before they are registered.
        var rendered = shared.Facts.Apply(facts => Checked(RingRenderer.Render(ring, facts), facts));
        var dependencies = new List<Resource>();
        if (RingRenderer.RenderNamespace(config) is { } nsObject)
        {
            dependencies.Add(new K8s.Core.V1.Namespace(ClusterResources.Name(cluster, "namespace"), new K8s.Types.Inputs.Core.V1.NamespaceArgs
            {
                Metadata = rendered.Apply(r => KubeMeta.From(r.Find(nsObject.Kind, nsObject.Name) ?? nsObject)),
            }, KubeOptions.Resource(provider)));
        }

        var secrets = new RingSecretsComponent(ClusterResources.Name(cluster, "secrets"), new RingSecretsArgs
        {
            Ring = config,
            Checked = rendered,
            Facts = shared.Facts,
            Shared = shared,
            WithValues = !target.RendersToDirectory,
            Provider = provider,
        }, new ComponentResourceOptions { DependsOn = dependencies.ToArray() });
        _ = new RingManifestsComponent(ClusterResources.Name(cluster, "manifests"), rendered, provider, UpgradeObjects.Renders(ring), new ComponentResourceOptions { DependsOn = { secrets } });
    }

    private static RingDefinition Load()
    {
        var stack = Deployment.Instance.StackName;
        var config = new Pulumi.Config(ConfigKeys.Project);
        try
        {
            return StackInputs.LoadRing(stack, Deployment.Instance.RootDirectory, config.Get);
        }
        catch (RingConfigException e)
        {
            throw KubeMeta.Invalid($"invalid configuration for ring '{stack}'", e.Problems.Count > 0 ? e.Problems.Select(p => p.Message) : [e.Message]);
        }
    }

    /// <summary>The policies run before anything is registered; a violation stops the update (see the constructor).</summary>
    private static RenderedRing Checked(RenderedRing rendered, SharedFacts facts)
    {
        var violations = PolicySuite.Check([rendered], facts);
        return violations.Count == 0 ? rendered : throw KubeMeta.Invalid($"ring '{rendered.Where}' violates policy", violations.Select(v => v.Message));
    }
}
