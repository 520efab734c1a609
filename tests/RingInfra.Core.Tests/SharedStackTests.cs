using System.Text.Json.Nodes;
using RingInfra.Core.Config;
using RingInfra.Core.Kube;
using RingInfra.Core.Policies;
using RingInfra.Core.Rendering;
using RingInfra.Core.Shared;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Core.Tests;

/// <summary>The shared stack's decisions: settings, tenant databases, secret sources, revision, its own objects.</summary>
public sealed class SharedStackTests
{
    private static JsonObject SharedConfig()
    {
        var problems = new List<ConfigProblem>();
        return StackFiles.ReadStackConfig(File.ReadAllText(Path.Combine(Repo.Root, "stacks/shared/Pulumi.shared.yaml")), "s", SharedFactsReader.Project, "s", problems, secretsAllowed: true).Own;
    }

    [Fact]
    public void ShippedSharedConfig_Binds_WithOneDatabasePerTenant()
    {
        var settings = SharedStackSettings.Bind(SharedConfig(), "shared", []);
        settings.Tenants.Select(t => t.Database).ShouldBe(["tenant_acme", "tenant_bar", "tenant_foo", "tenant_test_canary", "tenant_widgets"]);
        settings.Postgres!.Host.ShouldBe("autocom-db-rw.autocom.svc.cluster.local");
        settings.Facts.Services.Count.ShouldBe(8);
        settings.PsaVersion.ShouldBe("v1.32");
    }

    [Fact]
    public void PlainTextSecretsAndUnknownSecretKeys_AreRefused()
    {
        var config = SharedConfig();
        config["registryToken"] = "glpat-plain";
        config["appSecretKeys"]!.AsArray().Add("STRIPE_SECRET");
        config["postgres"] = new JsonObject { ["host"] = "db.internal", ["sslmode"] = "sometimes" };
        var e = Should.Throw<RingConfigException>(() => SharedStackSettings.Bind(config, "shared", []));
        e.Problems.Select(p => p.Message).ShouldBe(
        [
            "shared stack 'shared': registryToken must be set as a secret: pulumi config set --secret registryToken (got (value hidden))",
            "shared stack 'shared': postgres.sslmode must be one of disable, require, verify-ca, verify-full (got sometimes)",
            "shared stack 'shared': appSecretKeys must be a secret the shared stack generates or is given: " + string.Join(", ", SharedSecretCatalog.AllKeys) + " (got STRIPE_SECRET)",
        ], ignoreOrder: true);
        e.Message.ShouldNotContain("glpat-plain");
    }

    [Fact]
    public void EveryShippedAppSecretKey_HasASource()
    {
        var declared = SharedStackSettings.Bind(SharedConfig(), "shared", []).Facts.AppSecretKeys;
        declared.ShouldBe(SharedSecretCatalog.AllKeys.ToList());
    }

    [Fact]
    public void Revision_ChangesWhenAnyValueChanges_AndRevealsNoValue()
    {
        var a = SharedSecretCatalog.Revision([new("APP_KEY", "base64:abc"), new("DB_PASSWORD", "p1")]);
        var b = SharedSecretCatalog.Revision([new("DB_PASSWORD", "p1"), new("APP_KEY", "base64:abc")]);
        var c = SharedSecretCatalog.Revision([new("APP_KEY", "base64:abc"), new("DB_PASSWORD", "p2")]);
        a.ShouldBe(b);
        a.ShouldNotBe(c);
        a.ShouldMatch("^rev-[0-9a-f]{16}$");
    }

    [Fact]
    public void DockerConfig_IsAValidDockerConfigJson()
    {
        var doc = JsonNode.Parse(DockerConfig.Json("registry.gitlab.com", "deploy", "tok"))!;
        doc["auths"]!["registry.gitlab.com"]!["auth"]!.ToString().ShouldBe(Convert.ToBase64String("deploy:tok"u8.ToArray()));
        DockerConfig.Json("registry.gitlab.com", "deploy", null).ShouldBe("{\"auths\":{}}");
    }

    [Fact]
    public void SharedNamespace_IsRestricted()
    {
        var ns = SharedRenderer.Namespace(Repo.LoadFleet().Shared, "v1.32");
        ns.Labels["pod-security.kubernetes.io/enforce"].ShouldBe("restricted");
    }

    [Theory]
    [InlineData("acme", "tenant_acme")]
    [InlineData("test-canary", "tenant_test_canary")]
    public void TenantDatabase_NamesFollowTheTenant(string tenant, string name)
    {
        var db = TenantDatabase.For(tenant);
        db.Database.ShouldBe(name);
        db.Role.ShouldBe(name);
    }
}
