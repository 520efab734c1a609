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
/// One ring (the stack name is the ring name): config and lock through Core, the shared stack through
/// a StackReference, then the Namespace, the Secrets and every other rendered object. With no
/// <c>kubernetes:context</c> the provider writes YAML to <c>out/&lt;ring&gt;/</c> instead of applying.
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
        var target = KubernetesTarget.Decide(new Pulumi.Config("kubernetes").Get("context"), config.Name);
        var shared = new SharedStackOutputs("shared-stack", config.SharedStack);
        var provider = KubeMeta.Provider(target);

        // Nothing reaches Kubernetes before the policies pass: every Kubernetes resource takes an input
        // derived from the checked render, so a violation faults them all before they are registered.
        var rendered = shared.Facts.Apply(facts => Checked(RingRenderer.Render(ring, facts), facts));
        var dependencies = new List<Resource>();
        if (RingRenderer.RenderNamespace(config) is { } nsObject)
        {
            dependencies.Add(new K8s.Core.V1.Namespace("namespace", new K8s.Types.Inputs.Core.V1.NamespaceArgs
            {
                Metadata = rendered.Apply(r => KubeMeta.From(r.Find(nsObject.Kind, nsObject.Name) ?? nsObject)),
            }, KubeOptions.Resource(provider)));
        }

        var secrets = new RingSecretsComponent("secrets", new RingSecretsArgs
        {
            Ring = config,
            Checked = rendered,
            Facts = shared.Facts,
            Shared = shared,
            WithValues = !target.RendersToDirectory,
            Provider = provider,
        }, new ComponentResourceOptions { DependsOn = dependencies.ToArray() });
        _ = new RingManifestsComponent("manifests", rendered, provider, UpgradeObjects.Renders(ring), new ComponentResourceOptions { DependsOn = { secrets } });

        Ring = Output.Create(config.Name);
        Namespace = Output.Create(config.Namespace);
        Hostnames = Output.Create(RingRenderer.Hostnames(config).ToImmutableArray());
        LockHash = Output.Create(ring.Lock.Hash);
        Tenants = Output.Create(config.Tenants.ToImmutableArray());
        SecretsRevision = shared.Facts.Apply(f => f.SecretsRevision);
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
        return violations.Count == 0 ? rendered : throw KubeMeta.Invalid($"ring '{rendered.Ring}' violates policy", violations.Select(v => v.Message));
    }
}
