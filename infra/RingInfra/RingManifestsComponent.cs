using System.Collections.Immutable;
using Pulumi;
using RingInfra.Core.Kube;
using RingInfra.Core.Rendering;
using Pulumi.Kubernetes.Types.Inputs.Yaml.V2;
using Pulumi.Kubernetes.Yaml.V2;

namespace RingInfra.RingProgram;

/// <summary>
/// Every rendered object of the ring except the Namespace and the Secrets (typed resources of their
/// own), applied as one <c>kubernetes:yaml/v2:ConfigGroup</c> over the YAML that Core rendered.
/// </summary>
public sealed class RingManifestsComponent : ComponentResource
{
    public RingManifestsComponent(string name, Output<RenderedRing> rendered, ProviderResource provider, ComponentResourceOptions? options = null)
        : base("ringinfra:ring:Manifests", name, options)
    {
        ArgumentNullException.ThrowIfNull(rendered);
        ArgumentNullException.ThrowIfNull(provider);
        var objects = rendered.Apply(r => r.NonSecretObjects.Where(o => o.Kind != "Namespace").ToImmutableArray());
        _ = new ConfigGroup($"{name}-objects", new ConfigGroupArgs
        {
            Yaml = objects.Apply(list => Yaml.WriteAll(list.Select(o => (System.Text.Json.Nodes.JsonNode?)o.Body))),
        }, KubeOptions.Remote(provider, parent: this));
        ObjectIds = objects.Apply(list => list.Select(o => o.Id).ToImmutableArray());
        RegisterOutputs();
    }

    /// <summary><c>Kind namespace/name</c> of every object in the group.</summary>
    [Output("objectIds")]
    public Output<ImmutableArray<string>> ObjectIds { get; private set; }
}
