using System.Collections.Immutable;
using Pulumi;
using RingInfra.Core.Kube;
using RingInfra.Core.Rendering;

namespace RingInfra.RingProgram;

/// <summary>
/// The module upgrade Job (Core renders it) as a <c>kubernetes:batch/v1:Job</c> resource of its own, outside the ring's
/// ConfigGroup, which waits for it: the provider awaits a Job until it completes and fails the update when it fails
/// (pulumi-kubernetes' Job await), so nothing rolls after a failed upgrade. It is retained on delete: when ringctl
/// restores the previous lock and re-converges, the failed Job — and its pod's logs — stay for `kubectl logs` until its
/// TTL (<see cref="UpgradeObjects.KeepFinishedSeconds"/>); RetainOnDelete is not passed on to a ConfigGroup's children
/// (pulumi-kubernetes#3065), hence a resource of its own.
/// </summary>
internal sealed class UpgradeJobResource : CustomResource
{
    public UpgradeJobResource(string name, Output<RenderedRing> rendered, ProviderResource provider, Resource? parent)
        : base("kubernetes:batch/v1:Job", name, Args(rendered), new CustomResourceOptions { Provider = provider, Parent = parent, RetainOnDelete = true })
    {
    }

    private static JobArgs Args(Output<RenderedRing> rendered)
    {
        var job = rendered.Apply(r => r.Objects.Single(o => o.Kind == "Job"));
        return new JobArgs
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = job.Apply(j => Tree(j.Body["metadata"])),
            Spec = job.Apply(j => Tree(j.Body["spec"])),
        };
    }

    private static ImmutableDictionary<string, object> Tree(System.Text.Json.Nodes.JsonNode? node) =>
        ((Dictionary<string, object>)ObjectTree.FromJson(node)!).ToImmutableDictionary(StringComparer.Ordinal);

    /// <summary>A Job's inputs as the provider takes them: the object itself.</summary>
    private sealed class JobArgs : ResourceArgs
    {
        [Input("apiVersion")]
        public Input<string>? ApiVersion { get; set; }

        [Input("kind")]
        public Input<string>? Kind { get; set; }

        [Input("metadata")]
        public Input<ImmutableDictionary<string, object>>? Metadata { get; set; }

        [Input("spec")]
        public Input<ImmutableDictionary<string, object>>? Spec { get; set; }
    }
}
