using System.Collections.Immutable;
using Pulumi;
using Pulumi.Kubernetes.Types.Inputs.Yaml.V2;
using Pulumi.Kubernetes.Yaml.V2;

namespace RingInfra.RingProgram;

/// <summary>
/// Every rendered object of the ring except the Namespace and the Secrets (typed resources of their
/// own), applied as one <c>kubernetes:yaml/v2:ConfigGroup</c> over the YAML that Core rendered.
/// </summary>
public sealed class RingManifestsComponent : ComponentResource
{
    public RingManifestsComponent(string name, Output<string> yaml, ComponentResourceOptions? options = null)
        : base("ringinfra:ring:Manifests", name, options)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var group = new ConfigGroup($"{name}-objects", new ConfigGroupArgs { Yaml = yaml }, new ComponentResourceOptions { Parent = this });
        Resources = group.Resources;
        RegisterOutputs();
    }

    [Output("resources")]
    public Output<ImmutableArray<object>> Resources { get; private set; }
}
