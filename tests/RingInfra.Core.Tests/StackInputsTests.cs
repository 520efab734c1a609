using System.Collections.Immutable;
using System.Text.Json.Nodes;
using RingInfra.Core.Config;
using RingInfra.Core.Fleet;
using RingInfra.Core.Kube;
using RingInfra.Core.Rendering;
using RingInfra.Core.Shared;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Core.Tests;

/// <summary>The Pulumi programs read config as the engine hands it over; they must bind exactly as ringctl does.</summary>
public sealed class StackInputsTests
{
    /// <summary>What the engine passes: Pulumi.yaml defaults under the ring file, one string per key.</summary>
    private static Func<string, string?> EngineConfig(string ring)
    {
        var problems = new List<ConfigProblem>();
        var project = StackFiles.ReadProjectDefaults(File.ReadAllText(Path.Combine(Repo.Root, "Pulumi.yaml")), "Pulumi.yaml", ConfigKeys.Project, problems);
        var own = StackFiles.ReadStackConfig(File.ReadAllText(Path.Combine(Repo.Root, $"Pulumi.{ring}.yaml")), ring, ConfigKeys.Project, ring, problems).Own;
        var raw = RawConfig.FromLayer(ConfigLayers.Merge(project, own)).ToDictionary(kv => kv.Key, kv => kv.Value);
        return key => raw.GetValueOrDefault(key);
    }

    [Theory]
    [InlineData("stable")]
    [InlineData("edge")]
    [InlineData("canary")]
    public void RingFromEngineConfig_RendersByteForByteAsRingctlDoes(string ring)
    {
        var fleet = Repo.LoadFleet();
        var fromEngine = StackInputs.LoadRing(ring, Repo.Root, EngineConfig(ring));
        RingRenderer.ToYaml(RingRenderer.Render(fromEngine, fleet.Shared)).ShouldBe(RingRenderer.ToYaml(RingRenderer.Render(fleet.Find(ring)!, fleet.Shared)));
    }

    [Fact]
    public void RingFromEngineConfig_ReportsEveryProblem()
    {
        var config = EngineConfig("canary");
        Func<string, string?> bad = k => k switch { "promotionOrder" => "twenty", "active" => "yes", "workloads" => "{\"api\": {\"replicas\": 0}}", _ => config(k) };
        var e = Should.Throw<RingConfigException>(() => StackInputs.LoadRing("canary", Repo.Root, bad));
        e.Problems.Select(p => p.Message).ShouldBe(
        [
            "ring 'canary': promotionOrder must be a whole number from 0 to 10000 (got twenty)",
            "ring 'canary': active must be true or false (got yes)",
            "ring 'canary': workloads.api.replicas must be >= 1 (got 0)",
        ], ignoreOrder: true);
    }

    [Fact]
    public void MissingLock_IsNamed()
    {
        var root = Directory.CreateTempSubdirectory("ringinfra-nolock").FullName;
        try
        {
            Should.Throw<RingConfigException>(() => StackInputs.LoadRing("canary", root, EngineConfig("canary")))
                .Problems.Single().Message.ShouldBe("ring 'canary': lock must exist (every ring has a lock manifest) (got stacks/locks/canary.lock.json)");
        }
        finally
        {
            Directory.Delete(root);
        }
    }

    [Theory]
    [InlineData(null, null, "../../out/canary")]
    [InlineData("", null, "../../out/canary")]
    [InlineData("  ", null, "../../out/canary")]
    [InlineData("prod-cluster", "prod-cluster", null)]
    public void KubernetesTarget_RendersToDirectoryExactlyWhenNoContextIsSet(string? context, string? expectedContext, string? expectedDir)
    {
        var target = KubernetesTarget.Decide(context, "canary");
        target.Context.ShouldBe(expectedContext);
        target.RenderDirectory.ShouldBe(expectedDir);
        target.RendersToDirectory.ShouldBe(expectedDir is not null);
    }

    [Theory]
    [InlineData("Pulumi.yaml")]
    [InlineData("stacks/shared/Pulumi.yaml")]
    public void RenderRoot_SeenFromEachProgramsDirectory_IsTheRepositorysOut(string projectFile)
    {
        // The engine starts the provider in the program's directory (the project's `main`).
        var projectDir = Path.GetDirectoryName(Path.Combine(Repo.Root, projectFile))!;
        var main = Node.Str((JsonObject)RingInfra.Core.Kube.Yaml.ParseDocument(File.ReadAllText(Path.Combine(Repo.Root, projectFile)), projectFile)!, "main")!;
        var programDir = Path.GetFullPath(Path.Combine(projectDir, main));
        File.Exists(Path.Combine(programDir, "Program.cs")).ShouldBeTrue();
        Path.GetFullPath(Path.Combine(programDir, KubernetesTarget.Decide(null, "canary").RenderDirectory!))
            .ShouldBe(Path.Combine(Repo.Root, "out", "canary"));
    }

    [Fact]
    public void SharedFacts_FromStackReferenceOutputs_EqualTheConfiguredFacts()
    {
        var facts = Repo.LoadFleet().Shared with { SecretsRevision = "rev-1" };
        // What a StackReference hands back: immutable maps and arrays, numbers as double.
        var catalog = SharedStackExports.Catalog(facts).ToImmutableDictionary(kv => kv.Key, kv => (object)((Dictionary<string, object>)kv.Value)
            .ToImmutableDictionary(p => p.Key, p => p.Value is int i ? (double)i : p.Value));
        var outputs = new Dictionary<string, object?>
        {
            [SharedStackExports.Namespace] = facts.Namespace,
            [SharedStackExports.ServiceCatalog] = catalog,
            [SharedStackExports.Config] = SharedStackExports.ConfigMap(facts).ToImmutableDictionary(),
            [SharedStackExports.AppSecretKeys] = facts.AppSecretKeys.Cast<object>().ToImmutableArray(),
            [SharedStackExports.CredentialBindings] = SharedStackExports.Bindings(facts).ToImmutableDictionary(),
            [SharedStackExports.SecretsRevision] = "rev-1",
        };
        var back = SharedFactsReader.FromStackOutputs(outputs, "org/ring-infra-shared/shared");
        back.Namespace.ShouldBe(facts.Namespace);
        back.Services.ShouldBe(facts.Services, ignoreOrder: false, customMessage: null, comparer: new ServiceComparer());
        back.Config.ShouldBe(facts.Config);
        back.AppSecretKeys.ShouldBe(facts.AppSecretKeys);
        back.ConnectorCredentials.ShouldBe(facts.ConnectorCredentials);
        back.SecretsRevision.ShouldBe("rev-1");
    }

    private sealed class ServiceComparer : IEqualityComparer<SharedService>
    {
        public bool Equals(SharedService? x, SharedService? y) =>
            x is not null && y is not null && x.Name == y.Name && x.Namespace == y.Namespace && x.Port == y.Port && x.PodLabels.SequenceEqual(y.PodLabels);

        public int GetHashCode(SharedService obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }

    [Fact]
    public void RawConfig_RoundTripsTheRingFile()
    {
        var problems = new List<ConfigProblem>();
        var own = StackFiles.ReadStackConfig(File.ReadAllText(Path.Combine(Repo.Root, "Pulumi.canary.yaml")), "c", ConfigKeys.Project, "c", problems).Own;
        var back = RawConfig.ToLayer(RawConfig.FromLayer(own).Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value)), "c", problems);
        problems.ShouldBeEmpty();
        JsonNode.DeepEquals(back, own).ShouldBeTrue(back.ToJsonString());
    }
}
