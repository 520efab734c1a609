using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Pulumi;
using RingInfra.Core.Config;
using RingInfra.Core.Kube;
using RingInfra.Core.Rendering;
using RingInfra.Core.Shared;
using RingInfra.Core.Tests.Support;
using RingInfra.RingProgram;
using RingInfra.Tests.Support;
using K8sCore = Pulumi.Kubernetes.Core.V1;

namespace RingInfra.Tests;

/// <summary>
/// The ring program for a ring with three clusters in two regions (edge: eu-1, eu-2 in eu; us-1 in us): one provider
/// per cluster passed to every resource of that cluster, the ConfigGroups included; one StackReference per region;
/// each cluster's objects from its region's shared stack. What the SDK guarantees, seen through the mocks.
/// </summary>
[Collection("pulumi")]
public sealed class ClusterStackTests : IDisposable
{
    private const string UsSecretPrefix = "US-";
    private readonly TempRepo _repo = new();

    public ClusterStackTests() => _repo.AddClusters();

    public void Dispose() => _repo.Dispose();

    private static readonly string[] Clusters = ["eu-1", "eu-2", "us-1"];

    private async Task<StackRun> RunAsync(bool contexts = false)
    {
        if (contexts)
        {
            foreach (var c in Clusters)
            {
                _repo.Replace("Pulumi.edge.yaml", $"    - name: {c}\n", $"    - name: {c}\n      context: ctx-{c}\n");
            }
        }

        var (run, error) = await StackRun.TryRingAsync("edge", PulumiConfig.ForRing("edge", root: _repo.Root), _repo.Root, shared => shared.ChangeOutputsOf = (stack, outputs) =>
        {
            if (stack.EndsWith("/shared-us", StringComparison.Ordinal))
            {
                // us's shared stack: its own config and its own secret values.
                outputs[SharedStackExports.Config] = ((IDictionary<string, object>)outputs[SharedStackExports.Config]).Append(new("SHARED_REGION", "us")).ToDictionary();
                outputs[SharedStackExports.Secrets] = Output.CreateSecret(shared.Secrets.ToDictionary(kv => kv.Key, kv => (object)(UsSecretPrefix + kv.Value)));
            }
        });
        return error is null ? run : throw error;
    }

    /// <summary>The cluster a resource belongs to, from its name (<c>eu-1-secrets-ring-app-secrets</c>) or its parent's.</summary>
    private static string ClusterOf(string name) => Clusters.Single(c => name.StartsWith(c + "-", StringComparison.Ordinal));

    [Fact]
    public async Task OneProviderPerCluster_RenderingToOutRingCluster_OrApplyingToItsContext()
    {
        var run = await RunAsync();
        var providers = run.Mocks.OfType("pulumi:providers:kubernetes");
        providers.Select(p => p.Name).ShouldBe(["kubernetes-eu-1", "kubernetes-eu-2", "kubernetes-us-1"]);
        providers.Select(p => (string)p.Inputs["renderYamlToDirectory"]).ShouldBe(["../../out/edge/eu-1", "../../out/edge/eu-2", "../../out/edge/us-1"]);

        using var other = new ClusterStackTests();
        var withContexts = await other.RunAsync(contexts: true);
        var applied = withContexts.Mocks.OfType("pulumi:providers:kubernetes");
        applied.Select(p => (string)p.Inputs["context"]).ShouldBe(["ctx-eu-1", "ctx-eu-2", "ctx-us-1"]);
        applied.ShouldAllBe(p => !p.Inputs.ContainsKey("renderYamlToDirectory"));
    }

    [Fact]
    public async Task EveryResource_TheConfigGroupsIncluded_CarriesItsClustersProvider_AndNoDefaultProviderIsEverUsed()
    {
        var run = await RunAsync();
        var kube = run.Seen.All.Where(r => r.Type.StartsWith("kubernetes:", StringComparison.Ordinal)).ToList();
        kube.Count(r => r.Type == "kubernetes:yaml/v2:ConfigGroup").ShouldBe(3);
        kube.Count(r => r.Type == "kubernetes:core/v1:Namespace").ShouldBe(3);
        kube.Count(r => r.Type == "kubernetes:core/v1:Secret").ShouldBe(9);
        foreach (var r in kube)
        {
            var expected = $"kubernetes-{ClusterOf(r.Name)}";
            switch (r.Options)
            {
                case CustomResourceOptions custom:
                    custom.Provider.ShouldNotBeNull($"{r.Type} '{r.Name}' has no explicit provider");
                    custom.Provider!.GetResourceName().ShouldBe(expected, $"{r.Type} '{r.Name}'");
                    var sent = run.Mocks.Registered.Single(m => m.Type == r.Type && m.Name == r.Name);
                    (sent.Provider ?? "").ShouldContain($"pulumi:providers:kubernetes::{expected}::", Case.Sensitive, $"{r.Type} '{r.Name}' was registered with another provider");
                    break;
                case ComponentResourceOptions component:
                    component.Providers.ShouldHaveSingleItem($"remote component {r.Type} '{r.Name}'").GetResourceName().ShouldBe(expected);
                    break;
                default:
                    throw new ShouldAssertException($"{r.Type} '{r.Name}': unexpected options {r.Options.GetType().Name}");
            }
        }

        // The mocks saw exactly the three cluster providers and no default one (pulumi:providers:kubernetes::default_…), and
        // every custom resource that reached the monitor named one of them.
        run.Mocks.OfType("pulumi:providers:kubernetes").Select(p => p.Name).ShouldBe(Clusters.Select(c => $"kubernetes-{c}"));
        run.Mocks.Registered.Where(m => (m.Type ?? "").StartsWith("kubernetes:", StringComparison.Ordinal) && m.Type != "kubernetes:yaml/v2:ConfigGroup").ToList()
            .ShouldAllBe(m => (m.Provider ?? "::default").Contains("pulumi:providers:kubernetes::kubernetes-", StringComparison.Ordinal));

        // And the program asks the engine to refuse any default Kubernetes provider (Pulumi.yaml's project config).
        File.ReadAllText(Path.Combine(Repo.Root, "Pulumi.yaml")).ShouldContain("pulumi:disable-default-providers:\n    value:\n      - kubernetes");
    }

    [Fact]
    public async Task OneStackReferencePerRegion_AndEachClusterTakesItsRegionsConfigAndSecrets()
    {
        var run = await RunAsync();
        var references = run.Mocks.OfType("pulumi:pulumi:StackReference");
        references.Select(r => r.Name).ShouldBe(["shared-stack-eu", "shared-stack-us"]);
        run.Shared.RequestedStacks.ShouldBe(["organization/ring-infra-shared/shared-eu", "organization/ring-infra-shared/shared-us"]);

        foreach (var group in run.Mocks.OfType("kubernetes:yaml/v2:ConfigGroup"))
        {
            var cluster = ClusterOf(group.Name!);
            var objects = Yaml.ParseDocuments((string)group.Inputs["yaml"], group.Name!).Select(d => new KubeObject((JsonObject)d!)).ToList();
            objects.ShouldAllBe(o => o.Labels[RingLabels.Cluster] == cluster);
            var sharedConfig = objects.Single(o => o.Kind == "ConfigMap" && o.Name == "ring-shared-config").Body["data"]!.AsObject();
            sharedConfig.ContainsKey("SHARED_REGION").ShouldBe(cluster == "us-1", cluster);
        }

        foreach (var secret in run.Resources.OfType<K8sCore.Secret>())
        {
            var meta = await StackRun.Value(secret.Metadata);
            if (meta.Name != RingSecrets.App)
            {
                continue;
            }

            var cluster = meta.Labels[RingLabels.Cluster];
            var data = await StackRun.Value(secret.StringData);
            // Rendering to a directory writes keys only: the values' source shows in which keys carry no value.
            data.Keys.ShouldBe(run.Shared.Secrets.Keys, ignoreOrder: true, cluster);
        }
    }

    [Fact]
    public async Task WithContexts_EachClustersAppSecretHoldsItsRegionsValues()
    {
        var run = await RunAsync(contexts: true);
        var byCluster = new Dictionary<string, ImmutableDictionary<string, string>>();
        foreach (var secret in run.Resources.OfType<K8sCore.Secret>())
        {
            var meta = await StackRun.Value(secret.Metadata);
            if (meta.Name == RingSecrets.App)
            {
                byCluster[meta.Labels[RingLabels.Cluster]] = await StackRun.Value(secret.StringData);
            }
        }

        byCluster.Keys.ShouldBe(Clusters, ignoreOrder: true);
        byCluster["eu-1"].ShouldBe(run.Shared.Secrets.ToImmutableDictionary(), ignoreOrder: true);
        byCluster["eu-2"].ShouldBe(run.Shared.Secrets.ToImmutableDictionary(), ignoreOrder: true);
        byCluster["us-1"].Values.ShouldAllBe(v => v.StartsWith(UsSecretPrefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Exports_AddClustersAsClusterToRegion_AndEachClustersHostnames()
    {
        var run = await RunAsync();
        var stack = run.Single<RingStack>();
        (await StackRun.Value(stack.Clusters)).ShouldBe(new Dictionary<string, string> { ["eu-1"] = "eu", ["eu-2"] = "eu", ["us-1"] = "us" }, ignoreOrder: true);
        var hosts = await StackRun.Value(stack.ClusterHostnames);
        hosts["eu-1"].ShouldBe(["*.edge.acme.io", "widgets.acme.io"]);
        hosts["us-1"].ShouldBe(["*.edge.acme.io", "bar.acme.io"]);
        (await StackRun.Value(stack.Hostnames)).ShouldBe(["*.edge.acme.io", "bar.acme.io", "widgets.acme.io"]);
        (await StackRun.Value(stack.Tenants)).ShouldBe(["bar", "widgets"]);
    }

    [Fact]
    public async Task TheTargetsRingctlUpdatesOneClusterBy_AreTheURNsTheProgramRegisters()
    {
        var run = await RunAsync();
        var edge = _repo.Load().Find("edge")!.Config;
        var urns = new List<string>();
        foreach (var r in run.Resources)
        {
            // The .NET mock monitor chains the root Stack's type into its children's URNs; the engine does not
            // (pulumi/pulumi Deployment.generateURN skips resource.RootStackType), and the engine's URNs are what --target matches.
            urns.Add((await StackRun.Value(r.Urn)).Replace("::pulumi:pulumi:Stack$", "::", StringComparison.Ordinal));
        }
        foreach (var cluster in edge.Clusters)
        {
            var targets = ClusterResources.Targets("ring-infra", "edge", edge, cluster);
            targets.ShouldAllBe(t => urns.Contains(t), $"every target of {cluster.Name} is a resource the program registers");
            targets.Select(t => t[(t.LastIndexOf("::", StringComparison.Ordinal) + 2)..]).ShouldBe(
                [$"kubernetes-{cluster.Name}", $"{cluster.Name}-namespace", $"{cluster.Name}-secrets", $"{cluster.Name}-manifests"]);
        }
    }
}
