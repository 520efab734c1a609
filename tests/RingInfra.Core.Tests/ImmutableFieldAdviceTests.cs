using RingInfra.Core.Kube;

namespace RingInfra.Core.Tests;

public sealed class ImmutableFieldAdviceTests
{
    private const string PulumiError =
        "error: resource \"urn:pulumi:stable::ring-infra::ringinfra:ring:Manifests$kubernetes:yaml/v2:ConfigGroup$kubernetes:apps/v1:Deployment::autocom/api\" " +
        "was not successfully created by the Kubernetes API server: Deployment.apps \"api\" is invalid: spec.selector: Invalid value: " +
        "v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"api\", \"ringinfra.io/ring\":\"stable\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable";

    [Fact]
    public void ASelectorChange_GetsTheOrphanDeleteAndTheSelectorLabelsSetting()
    {
        ImmutableFieldAdvice.For(PulumiError).ShouldBe(
            "the live Deployment 'api' has a different spec.selector, which Kubernetes does not let change. Replace it without stopping its pods: " +
            "kubectl -n <the ring's namespace> delete deployment api --cascade=orphan, run the update again, and once the new pods are ready delete the orphaned ReplicaSet. " +
            "Or keep the live selector: set the ring's selectorLabels.api to it (README \"Moving an existing platform\").");
    }

    [Fact]
    public void OtherFailures_GetNoAdvice()
    {
        ImmutableFieldAdvice.For("error: cluster is unreachable").ShouldBeNull();
    }
}
