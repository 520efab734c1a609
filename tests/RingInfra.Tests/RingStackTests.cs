using System.Collections.Immutable;
using Pulumi;
using Pulumi.Utilities;
using RingInfra.Core.Rendering;
using RingInfra.RingProgram;
using RingInfra.Tests.Support;
using K8sCore = Pulumi.Kubernetes.Core.V1;
using K8sInputs = Pulumi.Kubernetes.Types.Inputs.Core.V1;

using RingInfra.Core.Tests.Support;

namespace RingInfra.Tests;

[Collection("pulumi")]
public sealed class RingStackTests
{
    [Fact]
    public async Task SharedSecrets_ReachTheRingsSecretObjects_AsSecretInputs()
    {
        var run = await StackRun.RingAsync("canary", PulumiConfig.ForRing("canary", extra: new Dictionary<string, string> { ["kubernetes:context"] = "prod" }));
        var secrets = run.Resources.OfType<K8sCore.Secret>().ToList();
        secrets.Count.ShouldBe(3);
        // What the SDK guarantees: the program hands the values over as secret Outputs and asks the engine to
        // keep the resulting outputs secret. (The engine applies AdditionalSecretOutputs; the mock monitor does not.)
        var registered = run.Seen.OfType("kubernetes:core/v1:Secret");
        registered.Count.ShouldBe(3);
        foreach (var secret in registered)
        {
            var stringData = ((K8sInputs.SecretArgs)secret.Args).StringData;
            (await Output.IsSecretAsync(((Input<ImmutableDictionary<string, string>>)stringData).ToOutput())).ShouldBeTrue(secret.Name);
            ((CustomResourceOptions)secret.Options).AdditionalSecretOutputs.ShouldContain("data");
            ((CustomResourceOptions)secret.Options).AdditionalSecretOutputs.ShouldContain("stringData");
        }

        var byName = new Dictionary<string, ImmutableDictionary<string, string>>();
        foreach (var s in secrets)
        {
            byName[(await StackRun.Value(s.Metadata)).Name] = await StackRun.Value(s.StringData);
        }

        byName[RingSecrets.App].ShouldBe(run.Shared.Secrets.ToImmutableDictionary(), ignoreOrder: true);
        byName[RingSecrets.ImagePull][RingSecrets.DockerConfigKey].ShouldBe(run.Shared.ImagePull);
        byName[RingSecrets.Connectors].Keys.ShouldBe(["salesforce-sandbox-cred"]);
        byName[RingSecrets.Connectors]["salesforce-sandbox-cred"].ShouldBe(run.Shared.Connectors["salesforce-sandbox-cred"]);
    }

    [Theory]
    [InlineData("stable")]
    [InlineData("edge")]
    [InlineData("canary")]
    public async Task NoSecretValue_LandsInAConfigMap_TheManifests_OrAnExport(string ring)
    {
        var run = await StackRun.RingAsync(ring, PulumiConfig.ForRing(ring, extra: new Dictionary<string, string> { ["kubernetes:context"] = "prod" }));
        var manifestsYaml = (string)run.Mocks.OfType("kubernetes:yaml/v2:ConfigGroup").Single().Inputs["yaml"];
        foreach (var value in run.Shared.AllSecretValues)
        {
            manifestsYaml.ShouldNotContain(value);
        }

        run.ManifestObjects().ShouldNotContain(o => o.Kind == "Secret");
        var stack = run.Single<RingStack>();
        var exports = string.Join("\n", [await StackRun.Value(stack.Ring), await StackRun.Value(stack.Namespace), await StackRun.Value(stack.LockHash),
            await StackRun.Value(stack.SecretsRevision), .. await StackRun.Value(stack.Hostnames), .. await StackRun.Value(stack.Tenants)]);
        foreach (var value in run.Shared.AllSecretValues)
        {
            exports.ShouldNotContain(value);
        }
    }

    [Fact]
    public async Task Aliases_FollowTheSharedStacksCatalog()
    {
        var run = await StackRun.RingAsync("edge", PulumiConfig.ForRing("edge"));
        var aliases = run.ManifestObjects().Where(o => o.Kind == "Service" && o.Body["spec"]!["type"]!.ToString() == "ExternalName").ToList();
        aliases.Select(a => a.Name).ShouldBe(run.Shared.Facts.Services.Select(s => s.Name), ignoreOrder: true);
        foreach (var alias in aliases)
        {
            alias.Body["spec"]!["externalName"]!.ToString().ShouldBe(run.Shared.Facts.FindService(alias.Name)!.Host);
        }

        run.Shared.RequestedStacks.ShouldBe([SharedStackFake.StackName]);
    }

    [Fact]
    public async Task Stable_InTheSharedNamespace_CreatesNoNamespace_AndNoAliases()
    {
        var run = await StackRun.RingAsync("stable", PulumiConfig.ForRing("stable"));
        run.Mocks.OfType("kubernetes:core/v1:Namespace").ShouldBeEmpty();
        run.ManifestObjects().ShouldNotContain(o => o.Kind == "Namespace");
        run.ManifestObjects().ShouldNotContain(o => o.Kind == "Service" && o.Body["spec"]!["type"]!.ToString() == "ExternalName");
        foreach (var secret in run.Resources.OfType<K8sCore.Secret>())
        {
            (await StackRun.Value(secret.Metadata)).Namespace.ShouldBe("autocom");
        }
    }

    [Fact]
    public async Task Canary_CreatesItsNamespace_WithRestrictedPsaLabels()
    {
        var run = await StackRun.RingAsync("canary", PulumiConfig.ForRing("canary"));
        var ns = run.Single<K8sCore.Namespace>();
        var meta = await StackRun.Value(ns.Metadata);
        meta.Name.ShouldBe("autocom-canary");
        meta.Labels["pod-security.kubernetes.io/enforce"].ShouldBe("restricted");
        meta.Labels[RingLabels.Ring].ShouldBe("canary");
    }

    [Theory]
    [InlineData("stable")]
    [InlineData("edge")]
    [InlineData("canary")]
    public async Task EveryObject_CarriesTheRingLabel(string ring)
    {
        var run = await StackRun.RingAsync(ring, PulumiConfig.ForRing(ring));
        var objects = run.ManifestObjects();
        objects.Count.ShouldBeGreaterThan(20);
        objects.ShouldAllBe(o => o.Labels[RingLabels.Ring] == ring);
        foreach (var secret in run.Resources.OfType<K8sCore.Secret>())
        {
            (await StackRun.Value(secret.Metadata)).Labels[RingLabels.Ring].ShouldBe(ring);
        }
    }

    [Fact]
    public async Task WithNoContext_TheProviderRendersToOutRing_AndSecretsCarryKeysOnly()
    {
        var run = await StackRun.RingAsync("canary", PulumiConfig.ForRing("canary"));
        var provider = run.Mocks.OfType("pulumi:providers:kubernetes").ShouldHaveSingleItem();
        provider.Inputs["renderYamlToDirectory"].ShouldBe("../../out/canary");
        provider.Inputs.ContainsKey("context").ShouldBeFalse();
        foreach (var secret in run.Resources.OfType<K8sCore.Secret>())
        {
            var data = await StackRun.Value(secret.StringData);
            data.Values.ShouldAllBe(v => v == "" || v == "{\"auths\":{}}");
        }
    }

    [Fact]
    public async Task WithAContext_TheProviderApplies_AndRendersNothing()
    {
        var run = await StackRun.RingAsync("canary", PulumiConfig.ForRing("canary", extra: new Dictionary<string, string> { ["kubernetes:context"] = "prod-cluster" }));
        var provider = run.Mocks.OfType("pulumi:providers:kubernetes").ShouldHaveSingleItem();
        provider.Inputs["context"].ShouldBe("prod-cluster");
        provider.Inputs.ContainsKey("renderYamlToDirectory").ShouldBeFalse();
    }

    [Fact]
    public async Task Exports_AreRingNamespaceHostnamesLockHashTenantsAndSecretsRevision()
    {
        var run = await StackRun.RingAsync("edge", PulumiConfig.ForRing("edge"));
        var stack = run.Single<RingStack>();
        (await StackRun.Value(stack.Ring)).ShouldBe("edge");
        (await StackRun.Value(stack.Namespace)).ShouldBe("autocom-edge");
        (await StackRun.Value(stack.Hostnames)).ShouldBe(["*.edge.acme.io", "bar.acme.io", "widgets.acme.io"]);
        (await StackRun.Value(stack.LockHash)).ShouldBe(Repo.LoadFleet().Find("edge")!.Lock.Hash);
        (await StackRun.Value(stack.Tenants)).ShouldBe(["bar", "widgets"]);
        (await StackRun.Value(stack.SecretsRevision)).ShouldBe(SharedStackFake.Revision);
        (await Output.IsSecretAsync(stack.SecretsRevision)).ShouldBeFalse();
        (await Output.IsSecretAsync(stack.Hostnames)).ShouldBeFalse();
    }

    [Fact]
    public async Task PodTemplates_CarryTheSharedSecretsRevision()
    {
        var run = await StackRun.RingAsync("canary", PulumiConfig.ForRing("canary"));
        var api = run.ManifestObjects().Single(o => o.Kind == "Deployment" && o.Name == "api");
        api.Body["spec"]!["template"]!["metadata"]!["annotations"]![RingLabels.SecretsRevision]!.ToString().ShouldBe(SharedStackFake.Revision);
    }

    [Fact]
    public async Task InvalidRingConfig_StopsTheRun_NamingKeyAndValue()
    {
        var config = PulumiConfig.ForRing("canary", c => c["tier"] = "qa");
        var e = await Should.ThrowAsync<Exception>(() => StackRun.RingAsync("canary", config));
        e.ToString().ShouldContain("ring 'canary': tier must be one of dev, staging, production (got qa)");
    }

    /// <summary>
    /// A lock that upgrades modules: the Job is a resource of its own, retained on delete (its logs outlive a
    /// re-converge), and the ConfigGroup holding the Deployments depends on it — what the SDK sends; that the provider
    /// waits for the Job to complete is the provider's (README "Module upgrades").
    /// </summary>
    [Fact]
    public async Task AnUpgradingLock_CreatesTheJobFirst_AndEverythingElseDependsOnIt()
    {
        var hash = Repo.LoadFleet().Find("edge")!.Lock.Hash;
        var run = await StackRun.RingAsync("edge", PulumiConfig.ForRing("edge", change: layer =>
            layer["upgrade"] = new System.Text.Json.Nodes.JsonObject { ["lockHash"] = hash, ["modules"] = new System.Text.Json.Nodes.JsonArray("ai") }));

        var job = run.Mocks.OfType("kubernetes:batch/v1:Job").ShouldHaveSingleItem();
        var metadata = (IDictionary<string, object>)job.Inputs["metadata"];
        metadata["name"].ShouldBe(RingInfra.Core.Rendering.UpgradeObjects.JobName(hash));
        metadata["namespace"].ShouldBe("autocom-edge");
        var registered = run.Seen.OfType("kubernetes:batch/v1:Job").ShouldHaveSingleItem();
        ((CustomResourceOptions)registered.Options).RetainOnDelete.ShouldBe(true);
        ((CustomResourceOptions)registered.Options).Provider.ShouldNotBeNull();
        var group = run.Seen.OfType("kubernetes:yaml/v2:ConfigGroup").ShouldHaveSingleItem();
        var dependsOn = await StackRun.Value(((ComponentResourceOptions)group.Options).DependsOn.ToOutput());
        dependsOn.ShouldContain(d => d.GetResourceName() == registered.Name);
        ((string)run.Mocks.OfType("kubernetes:yaml/v2:ConfigGroup").Single().Inputs["yaml"]).ShouldNotContain("kind: Job");
    }

    [Fact]
    public async Task WithoutAnUpgrade_NoJobIsCreated()
    {
        var run = await StackRun.RingAsync("edge", PulumiConfig.ForRing("edge"));
        run.Mocks.OfType("kubernetes:batch/v1:Job").ShouldBeEmpty();
        var group = run.Seen.OfType("kubernetes:yaml/v2:ConfigGroup").ShouldHaveSingleItem();
        (await StackRun.Value(((ComponentResourceOptions)group.Options).DependsOn.ToOutput())).ShouldBeEmpty();
    }
}
