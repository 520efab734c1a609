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
public sealed record StackRun(ImmutableArray<Resource> Resources, StrictMocks Mocks, SharedStackFake Shared, Registrations Seen)
{
    public static async Task<StackRun> RingAsync(string ring, IDictionary<string, string> config, string? rootDirectory = null)
    {
        var (run, error) = await TryRingAsync(ring, config, rootDirectory);
        return error is null ? run : throw error;
    }

    /// <summary>A run that may fail: what was registered before the failure, and the failure.</summary>
    public static async Task<(StackRun Run, Exception? Error)> TryRingAsync(string ring, IDictionary<string, string> config, string? rootDirectory = null, Action<SharedStackFake>? arrange = null)
    {
        PulumiConfig.Apply(config);
        var shared = new SharedStackFake();
        arrange?.Invoke(shared);
        var seen = new Registrations();
        var mocks = new StrictMocks(shared);
        try
        {
            var resources = await Deployment.TestWithServiceProviderAsync<RingStack>(mocks.Object, new StackFactory(() => new RingStack(seen.StackOptions())), Options("ring-infra", ring, rootDirectory));
            return (new StackRun(resources, mocks, shared, seen), null);
        }
        catch (Exception e)
        {
            return (new StackRun([], mocks, shared, seen), e);
        }
    }

    public static async Task<StackRun> SharedAsync(IDictionary<string, string> config, IEnumerable<string>? secretKeys = null)
    {
        PulumiConfig.Apply(config, secretKeys);
        var shared = new SharedStackFake();
        var seen = new Registrations();
        var mocks = new StrictMocks(shared);
        var resources = await Deployment.TestWithServiceProviderAsync<SharedStack>(mocks.Object, new StackFactory(() => new SharedStack(seen.StackOptions())), Options("ring-infra-shared", "shared", null));
        return new StackRun(resources, mocks, shared, seen);
    }

    private static TestOptions Options(string project, string stack, string? rootDirectory) =>
        new() { IsPreview = false, ProjectName = project, StackName = stack, RootDirectory = rootDirectory ?? Repo.Root };

    /// <summary>Builds the stack with options the parameterless constructor cannot take.</summary>
    private sealed class StackFactory(Func<Stack> create) : IServiceProvider
    {
        public object? GetService(Type serviceType) => create();
    }

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
