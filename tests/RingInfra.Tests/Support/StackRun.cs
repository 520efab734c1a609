using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Pulumi;
using Pulumi.Testing;
using Pulumi.Utilities;
using RingInfra.Core.Kube;
using RingInfra.RingProgram;
using RingInfra.SharedProgram;

using RingInfra.Core.Tests.Support;

namespace RingInfra.Tests.Support;

/// <summary>One mocked run of a stack program (never a preview: outputs are known and Apply runs).</summary>
public sealed record StackRun(ImmutableArray<Resource> Resources, StrictMocks Mocks, SharedStackFake Shared)
{
    public static async Task<StackRun> RingAsync(string ring, IDictionary<string, string> config)
    {
        PulumiConfig.Apply(config);
        var shared = new SharedStackFake();
        var mocks = new StrictMocks(shared);
        var resources = await Deployment.TestAsync<RingStack>(mocks.Object, Options("ring-infra", ring));
        return new StackRun(resources, mocks, shared);
    }

    public static async Task<StackRun> SharedAsync(IDictionary<string, string> config, IEnumerable<string>? secretKeys = null)
    {
        PulumiConfig.Apply(config, secretKeys);
        var shared = new SharedStackFake();
        var mocks = new StrictMocks(shared);
        var resources = await Deployment.TestAsync<SharedStack>(mocks.Object, Options("ring-infra-shared", "shared"));
        return new StackRun(resources, mocks, shared);
    }

    private static TestOptions Options(string project, string stack) =>
        new() { IsPreview = false, ProjectName = project, StackName = stack, RootDirectory = Repo.Root };

    /// <summary>The objects the ring hands to its ConfigGroup, parsed from the YAML input.</summary>
    public IReadOnlyList<KubeObject> ManifestObjects()
    {
        var group = Mocks.OfType("kubernetes:yaml/v2:ConfigGroup").ShouldHaveSingleItem();
        var yaml = (string)group.Inputs["yaml"];
        return [.. Yaml.ParseDocuments(yaml, "configgroup").Select(d => new KubeObject((JsonObject)d!))];
    }

    public T Single<T>() where T : Resource => Resources.OfType<T>().ShouldHaveSingleItem();

    public static Task<T> Value<T>(Output<T> output) => OutputUtilities.GetValueAsync(output);
}
