using System.Collections.Immutable;
using Pulumi;
using RingInfra.Core.Kube;
using RingInfra.Core.Rendering;
using Pulumi.Kubernetes.Types.Inputs.Yaml.V2;
using Pulumi.Kubernetes.Yaml.V2;

namespace RingInfra.RingProgram;

/// <summary>
/// Every rendered object of the ring except the Namespace and the Secrets (typed resources of their
/// own), applied as one <c>kubernetes:yaml/v2:ConfigGroup</c> over the YAML that Core rendered — after the module
/// upgrade Job, when the lock brings one (<see cref="UpgradeJobResource"/>).
/// </summary>
public sealed class RingManifestsComponent : ComponentResource
{
    /// <param name="upgrade">Whether the ring renders a module upgrade Job (<see cref="UpgradeObjects.Renders"/>): every other object waits for it.</param>
    public RingManifestsComponent(string name, Output<RenderedRing> rendered, ProviderResource provider, bool upgrade, ComponentResourceOptions? options = null)
        : base("ringinfra:ring:Manifests", name, options)
    {
        ArgumentNullException.ThrowIfNull(rendered);
        ArgumentNullException.ThrowIfNull(provider);
        var objects = rendered.Apply(r => r.NonSecretObjects.Where(o => o.Kind is not ("Namespace" or "Job")).ToImmutableArray());
        Resource[] first = upgrade ? [new UpgradeJobResource($"{name}-module-upgrade", rendered, provider, this)] : [];
        _ = new ConfigGroup($"{name}-objects", new ConfigGroupArgs
        {
            Yaml = objects.Apply(list => Yaml.WriteAll(list.Select(o => (System.Text.Json.Nodes.JsonNode?)o.Body))),
        }, KubeOptions.Remote(provider, this, first));
        ObjectIds = objects.Apply(list => list.Select(o => o.Id).ToImmutableArray());
        RegisterOutputs();
    }

    /// <summary><c>Kind namespace/name</c> of every object in the group.</summary>
    [Output("objectIds")]
    public Output<ImmutableArray<string>> ObjectIds { get; private set; }
}
