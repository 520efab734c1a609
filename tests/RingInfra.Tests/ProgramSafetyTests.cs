using System.Text.Json.Nodes;
using Pulumi;
using RingInfra.Core.Config;
using RingInfra.Core.Shared;
using RingInfra.RingProgram;
using RingInfra.Tests.Support;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Tests;

/// <summary>
/// What keeps the programs from doing damage: every Kubernetes resource names its provider, a policy
/// violation registers nothing, the provider config is the same in every checkout, tenant names stay
/// strings, and bad shared facts are one clear error.
/// </summary>
[Collection("pulumi")]
public sealed class ProgramSafetyTests
{
    private const string KubernetesProviderUrnPart = "pulumi:providers:kubernetes::kubernetes";

    public static TheoryData<string, bool> RingsWithAndWithoutContext() => new()
    {
        { "stable", true }, { "stable", false }, { "edge", true }, { "edge", false }, { "canary", true }, { "canary", false },
    };

    [Theory]
    [MemberData(nameof(RingsWithAndWithoutContext))]
    public async Task EveryKubernetesResourceAndComponent_OfARing_NamesTheProviderExplicitly(string ring, bool withContext)
    {
        var extra = withContext ? new Dictionary<string, string> { ["kubernetes:context"] = "prod" } : null;
        var run = await StackRun.RingAsync(ring, PulumiConfig.ForRing(ring, extra: extra));
        AssertExplicitProviders(run);
    }

    [Fact]
    public async Task EveryKubernetesResourceAndComponent_OfTheSharedStack_NamesTheProviderExplicitly()
    {
        var run = await StackRun.SharedAsync(PulumiConfig.ForShared(new Dictionary<string, string> { ["ring-infra-shared:postgresPassword"] = "pw" }), ["ring-infra-shared:postgresPassword"]);
        run.Mocks.OfType("kubernetes:yaml/v2:ConfigGroup").Select(g => g.Name).ShouldContain("shared-services");
        AssertExplicitProviders(run);
    }

    /// <summary>
    /// Custom resources: the program's own options name the provider, and the SDK sent a reference to it
    /// (MockResourceArgs.Provider). Remote components (ConfigGroup): the mock monitor does not show the
    /// providers map it sends, so the options the program passed are read through the stack transformation;
    /// the SDK sends exactly those (Deployment.PrepareResourceAsync: remote components take only their own
    /// Provider/Providers, never the parent's — pulumi-dotnet#599).
    /// </summary>
    private static void AssertExplicitProviders(StackRun run)
    {
        var kube = run.Seen.All.Where(r => r.Type.StartsWith("kubernetes:", StringComparison.Ordinal)).ToList();
        kube.ShouldNotBeEmpty();
        kube.ShouldContain(r => r.Type == "kubernetes:yaml/v2:ConfigGroup");
        foreach (var r in kube)
        {
            switch (r.Options)
            {
                case CustomResourceOptions custom:
                    custom.Provider.ShouldBeOfType<Pulumi.Kubernetes.Provider>($"{r.Type} '{r.Name}' has no explicit provider");
                    var sent = run.Mocks.Registered.Single(m => m.Type == r.Type && m.Name == r.Name);
                    (sent.Provider ?? "").ShouldContain(KubernetesProviderUrnPart, Case.Sensitive, $"{r.Type} '{r.Name}' was registered without the provider");
                    break;
                case ComponentResourceOptions component:
                    component.Providers.OfType<Pulumi.Kubernetes.Provider>().ShouldHaveSingleItem($"remote component {r.Type} '{r.Name}' has no explicit provider");
                    break;
                default:
                    throw new ShouldAssertException($"{r.Type} '{r.Name}': unexpected options {r.Options.GetType().Name}");
            }
        }
    }

    [Fact]
    public async Task APolicyViolation_RegistersNoKubernetesResourceAtAll()
    {
        // canary (order 20) using the credential bound to stable: credential isolation refuses it.
        var config = PulumiConfig.ForRing("canary", c => c["connectors"] = new JsonObject
        {
            ["salesforce"] = new JsonObject { ["instanceUrl"] = "https://mycompany.my.salesforce.com", ["credential"] = "salesforce-prod-cred" },
        }, extra: new Dictionary<string, string> { ["kubernetes:context"] = "prod" });

        var (run, error) = await StackRun.TryRingAsync("canary", config);

        error.ShouldNotBeNull();
        error!.ToString().ShouldContain("ring 'canary' violates policy");
        error.ToString().ShouldContain("[credential-isolation]");
        run.Mocks.Registered.Where(m => (m.Type ?? "").StartsWith("kubernetes:", StringComparison.Ordinal)).Select(m => $"{m.Type} {m.Name}").ShouldBeEmpty();
    }

    [Fact]
    public async Task TheProviderConfig_IsTheSameInEveryCheckout()
    {
        using var other = new TempRepo();
        var here = await StackRun.RingAsync("edge", PulumiConfig.ForRing("edge"));
        var there = await StackRun.RingAsync("edge", PulumiConfig.ForRing("edge", root: other.Root), rootDirectory: other.Root);

        var a = here.Mocks.OfType("pulumi:providers:kubernetes").ShouldHaveSingleItem().Inputs;
        var b = there.Mocks.OfType("pulumi:providers:kubernetes").ShouldHaveSingleItem().Inputs;
        a.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}").ShouldBe(b.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}"));
        a["renderYamlToDirectory"].ShouldBe("../../out/edge");
    }

    [Fact]
    public async Task ATenantNamed007_StaysAString_FromTheStackFileToTheExports()
    {
        using var repo = new TempRepo();
        // ringctl writes the list (StackFileEditor); the engine reads the YAML and passes it as JSON text.
        repo.Write("Pulumi.canary.yaml", StackFileEditor.SetConfig(repo.Read("Pulumi.canary.yaml"), "ring-infra:tenants", new JsonArray("007", "test-canary")));
        var config = PulumiConfig.ForRing("canary", root: repo.Root);
        config["ring-infra:tenants"].ShouldBe("[\"007\",\"test-canary\"]");

        var run = await StackRun.RingAsync("canary", config, rootDirectory: repo.Root);

        var stack = run.Single<RingStack>();
        (await StackRun.Value(stack.Tenants)).ShouldBe(["007", "test-canary"]);
        (await StackRun.Value(stack.Hostnames)).ShouldContain("007.acme.io");
        var ingress = run.ManifestObjects().Single(o => o.Kind == "Ingress");
        ingress.Body["spec"]!["rules"]!.AsArray().Select(r => r!["host"]!.ToString()).ShouldContain("007.acme.io");
    }

    [Fact]
    public async Task InvalidSharedFacts_StopTheRun_WithOneMessageNamingTheStackAndKey()
    {
        var (_, error) = await StackRun.TryRingAsync("edge", PulumiConfig.ForRing("edge"),
            arrange: f => f.ChangeOutputs = o => o[SharedStackExports.Namespace] = "Not_A_Label");

        error.ShouldNotBeNull();
        var runError = FindRunException(error).ShouldNotBeNull(error.ToString());
        runError.Message.ShouldStartWith("the shared stack 'organization/ring-infra-shared/shared' exports invalid facts:");
        runError.Message.ShouldContain("namespace");
        runError.Message.ShouldContain("Not_A_Label");
    }

    private static RunException? FindRunException(Exception? e) => e switch
    {
        null => null,
        RunException r => r,
        AggregateException a => a.InnerExceptions.Select(FindRunException).FirstOrDefault(x => x is not null),
        _ => FindRunException(e.InnerException),
    };
}
