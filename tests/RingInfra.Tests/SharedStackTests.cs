using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Pulumi;
using RingInfra.Core.Shared;
using RingInfra.SharedProgram;
using RingInfra.Tests.Support;

namespace RingInfra.Tests;

[Collection("pulumi")]
public sealed class SharedStackTests
{
    /// <summary>The shipped shared stack (a new platform: managed services, postgres, appKey: generate) with its secret config.</summary>
    private static Dictionary<string, string> WithPostgres() => PulumiConfig.ForShared(new Dictionary<string, string>
    {
        ["ring-infra-shared:postgresPassword"] = "CANARY-admin-password-9d1",
        ["ring-infra-shared:registryToken"] = "CANARY-registry-token-5e2",
    });

    private static readonly string[] SecretConfig = ["ring-infra-shared:postgresPassword", "ring-infra-shared:registryToken"];

    /// <summary><paramref name="config"/> with <c>services.&lt;name&gt;.managed</c> set.</summary>
    private static Dictionary<string, string> Managed(Dictionary<string, string> config, string service, bool managed)
    {
        var services = JsonNode.Parse(config["ring-infra-shared:services"])!.AsObject();
        services[service]!["managed"] = managed;
        config["ring-infra-shared:services"] = services.ToJsonString();
        return config;
    }

    [Fact]
    public async Task CreatesOneDatabaseAndOneRolePerTenant_AndTheAppRoleWithTheGeneratedDbPassword()
    {
        var run = await StackRun.SharedAsync(WithPostgres(), SecretConfig);
        var tenants = new[] { "acme", "bar", "foo", "test-canary", "widgets" };
        run.Mocks.OfType("postgresql:index/database:Database").Select(d => (string)d.Inputs["name"]).ShouldBe(tenants.Select(t => TenantDatabase.For(t).Database), ignoreOrder: true);
        run.Mocks.OfType("postgresql:index/role:Role").Select(r => (string)r.Inputs["name"]).ShouldBe(tenants.Select(t => TenantDatabase.For(t).Role).Append("autocom_app"), ignoreOrder: true);
        run.Mocks.OfType("postgresql:index/role:Role").ShouldAllBe(r => (bool)r.Inputs["login"]);
        var stack = run.Single<SharedStack>();
        (await StackRun.Value(stack.TenantDatabases))["test-canary"].ShouldBe("tenant_test_canary");
        (await Output.IsSecretAsync(stack.TenantPasswords)).ShouldBeTrue();
        (await StackRun.Value(stack.TenantPasswords)).Keys.ShouldBe(tenants, ignoreOrder: true);

        // The app logs in with DB_PASSWORD: the role the stack manages gets exactly that value, as a secret input.
        var dbPassword = (await StackRun.Value(stack.Secrets))["DB_PASSWORD"];
        run.Mocks.OfType("postgresql:index/role:Role").Single(r => (string)r.Inputs["name"] == "autocom_app").Inputs["password"].ShouldBe(dbPassword);
        var appRole = run.Seen.OfType("postgresql:index/role:Role").Single(r => r.Name.EndsWith("-app-role", StringComparison.Ordinal));
        (await Output.IsSecretAsync(((Input<string>)((Pulumi.PostgreSql.RoleArgs)appRole.Args).Password!).ToOutput())).ShouldBeTrue();
    }

    [Fact]
    public async Task WithoutPostgres_ManagesNoDatabases_AndTakesTheImportedDbPassword()
    {
        var config = PulumiConfig.ForShared(new Dictionary<string, string> { ["ring-infra-shared:dbPassword"] = "CANARY-imported-db-password" });
        config.Remove("ring-infra-shared:postgres");
        var run = await StackRun.SharedAsync(config, ["ring-infra-shared:dbPassword"]);
        run.Mocks.OfType("postgresql:index/database:Database").ShouldBeEmpty();
        run.Mocks.OfType("postgresql:index/role:Role").ShouldBeEmpty();
        (await StackRun.Value(run.Single<SharedStack>().TenantDatabases)).ShouldBeEmpty();
        (await StackRun.Value(run.Single<SharedStack>().Secrets))["DB_PASSWORD"].ShouldBe("CANARY-imported-db-password");
        run.Mocks.OfType("random:index/randomPassword:RandomPassword").Select(r => r.Name).ShouldNotContain("app-secrets-db-password");
    }

    [Fact]
    public async Task TheGeneratedCredentials_AreTheResourcesCoreNamesForARotation()
    {
        var run = await StackRun.SharedAsync(WithPostgres(), SecretConfig);
        var component = run.Seen.All.Single(r => r.Type == SharedSecretCatalog.ComponentType);
        component.Name.ShouldBe(SharedSecretCatalog.ComponentName);
        component.Options.Parent.ShouldBeNull("a child of the stack: its type is the first of its children's qualified types");
        var generated = run.Seen.All.Where(r => r.Type.StartsWith("random:", StringComparison.Ordinal) && r.Name.StartsWith(SharedSecretCatalog.ComponentName + "-", StringComparison.Ordinal)).ToList();
        generated.Select(r => r.Name).ShouldBe(SharedSecretCatalog.Credentials.Select(c => SharedSecretCatalog.GeneratedName(c.Key)), ignoreOrder: true);
        foreach (var r in generated)
        {
            var credential = SharedSecretCatalog.Credentials.Single(c => SharedSecretCatalog.GeneratedName(c.Key) == r.Name);
            SharedSecretCatalog.GeneratedUrn("shared", credential).ShouldEndWith($"::{SharedSecretCatalog.ComponentType}${r.Type}::{r.Name}");
            ((CustomResourceOptions)r.Options).Parent!.GetResourceName().ShouldBe(SharedSecretCatalog.ComponentName);
        }
    }

    [Fact]
    public async Task WithAppKeyImported_NoRandomBytesIsCreated_AndTheImportedKeyReachesTheRings()
    {
        var config = WithPostgres();
        config["ring-infra-shared:appKey"] = "base64:CANARY-imported-app-key";
        var run = await StackRun.SharedAsync(config, [.. SecretConfig, "ring-infra-shared:appKey"]);

        run.Mocks.OfType("random:index/randomBytes:RandomBytes").ShouldBeEmpty();
        (await StackRun.Value(run.Single<SharedStack>().Secrets))["APP_KEY"].ShouldBe("base64:CANARY-imported-app-key");
    }

    [Fact]
    public async Task AManagedRedis_GetsThePasswordTheRingsReceive_AndBothStaySecret()
    {
        var run = await StackRun.SharedAsync(WithPostgres(), SecretConfig);
        var stack = run.Single<SharedStack>();
        var secrets = await StackRun.Value(stack.Secrets);
        (await Output.IsSecretAsync(stack.Secrets)).ShouldBeTrue();

        var credentials = run.Seen.OfType("kubernetes:core/v1:Secret").ShouldHaveSingleItem();
        var stringData = ((Input<ImmutableDictionary<string, string>>)((Pulumi.Kubernetes.Types.Inputs.Core.V1.SecretArgs)credentials.Args).StringData).ToOutput();
        (await Output.IsSecretAsync(stringData)).ShouldBeTrue();
        ((CustomResourceOptions)credentials.Options).AdditionalSecretOutputs.ShouldContain("stringData");
        var data = await StackRun.Value(stringData);
        data["REDIS_PASSWORD"].ShouldBe(secrets["REDIS_PASSWORD"]);
        data["AWS_ACCESS_KEY_ID"].ShouldBe(secrets["AWS_ACCESS_KEY_ID"]);
        data.Keys.ShouldBe(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "MEILISEARCH_KEY", "REDIS_PASSWORD"], ignoreOrder: true);

        var yaml = (string)run.Mocks.OfType("kubernetes:yaml/v2:ConfigGroup").Single(g => g.Name == "shared-services").Inputs["yaml"];
        yaml.ShouldContain("name: redis");
        yaml.ShouldContain("name: shared-service-credentials");
        yaml.ShouldNotContain(secrets["REDIS_PASSWORD"]);
        yaml.ShouldContain("ringinfra.io/secrets-revision: " + await StackRun.Value(stack.SecretsRevision));
    }

    [Fact]
    public async Task AnExternalRedis_CreatesNoWorkload_AndKeepsItsImportedPassword()
    {
        var config = Managed(WithPostgres(), "redis", false);
        config["ring-infra-shared:redisPassword"] = "CANARY-imported-redis-password";
        var run = await StackRun.SharedAsync(config, [.. SecretConfig, "ring-infra-shared:redisPassword"]);

        var yaml = (string)run.Mocks.OfType("kubernetes:yaml/v2:ConfigGroup").Single(g => g.Name == "shared-services").Inputs["yaml"];
        yaml.ShouldNotContain("app: redis");
        yaml.ShouldContain("app: minio");
        run.Mocks.OfType("random:index/randomPassword:RandomPassword").Select(r => r.Name).ShouldNotContain("app-secrets-redis-password");
        (await StackRun.Value(run.Single<SharedStack>().Secrets))["REDIS_PASSWORD"].ShouldBe("CANARY-imported-redis-password");
        var data = await StackRun.Value(((Input<ImmutableDictionary<string, string>>)((Pulumi.Kubernetes.Types.Inputs.Core.V1.SecretArgs)run.Seen.OfType("kubernetes:core/v1:Secret").Single().Args).StringData).ToOutput());
        data.Keys.ShouldNotContain("REDIS_PASSWORD");
    }

    [Fact]
    public async Task AnExternalRedisWithoutItsPassword_StopsTheProgram_NamingTheKey()
    {
        var e = await Should.ThrowAsync<Exception>(() => StackRun.SharedAsync(Managed(WithPostgres(), "redis", false), SecretConfig));
        e.ToString().ShouldContain("redisPassword must be imported for REDIS_PASSWORD");
    }

    [Fact]
    public async Task Exports_TheCatalogConfigSecretsAndRevision_SecretsSecretTheRestPlain()
    {
        var run = await StackRun.SharedAsync(WithPostgres(), SecretConfig);
        var stack = run.Single<SharedStack>();
        var catalog = await StackRun.Value(stack.ServiceCatalog);
        catalog.Keys.ShouldBe(run.Shared.Facts.Services.Select(s => s.Name), ignoreOrder: true);
        var redis = (IDictionary<string, object>)catalog["redis"];
        redis["host"].ShouldBe("redis.autocom.svc.cluster.local");
        redis["port"].ShouldBe(6379);
        (await StackRun.Value(stack.Config))["DB_HOST"].ShouldBe("autocom-db-rw");
        (await StackRun.Value(stack.Namespace)).ShouldBe("autocom");

        var secrets = await StackRun.Value(stack.Secrets);
        secrets["APP_KEY"].ShouldStartWith("base64:");
        secrets["REGISTRY_TOKEN"].ShouldBe("CANARY-registry-token-5e2");
        (await StackRun.Value(stack.AppSecretKeys)).ShouldBe(secrets.Keys.Order(StringComparer.Ordinal));
        (await StackRun.Value(stack.ImagePullConfig)).ShouldContain("registry.gitlab.com");

        foreach (var secret in new object[] { stack.Secrets, stack.ImagePullConfig, stack.ConnectorCredentials, stack.TenantPasswords })
        {
            (await IsSecret(secret)).ShouldBeTrue();
        }

        foreach (var plain in new object[] { stack.Namespace, stack.ServiceCatalog, stack.Config, stack.AppSecretKeys, stack.ConnectorCredentialBindings, stack.SecretsRevision, stack.TenantDatabases })
        {
            (await IsSecret(plain)).ShouldBeFalse();
        }

        (await StackRun.Value(stack.SecretsRevision)).ShouldStartWith("rev-");
        (await StackRun.Value(stack.SecretsRevision)).ShouldNotContain("CANARY");
    }

    [Fact]
    public async Task RotatingASecret_ChangesTheRevision()
    {
        var first = await StackRun.Value((await StackRun.SharedAsync(WithPostgres(), SecretConfig)).Single<SharedStack>().SecretsRevision);
        var rotated = WithPostgres();
        rotated["ring-infra-shared:registryToken"] = "CANARY-registry-token-rotated";
        var second = await StackRun.Value((await StackRun.SharedAsync(rotated, SecretConfig)).Single<SharedStack>().SecretsRevision);
        second.ShouldNotBe(first);
    }

    [Fact]
    public async Task SharedNamespace_AdmitsEveryNamespaceLabelledAsARing()
    {
        var run = await StackRun.SharedAsync(WithPostgres(), SecretConfig);
        var group = run.Mocks.OfType("kubernetes:yaml/v2:ConfigGroup").Single(g => g.Name == "ring-ingress");
        var yaml = (string)group.Inputs["yaml"];
        yaml.ShouldContain("key: ringinfra.io/ring");
        yaml.ShouldContain("operator: Exists");
        var ns = run.Mocks.OfType("kubernetes:core/v1:Namespace").ShouldHaveSingleItem();
        ((IDictionary<string, object>)((IDictionary<string, object>)ns.Inputs["metadata"])["labels"])["pod-security.kubernetes.io/enforce"].ShouldBe("restricted");
    }

    private static Task<bool> IsSecret(object output) => output switch
    {
        Output<string> s => Output.IsSecretAsync(s),
        Output<ImmutableDictionary<string, string>> m => Output.IsSecretAsync(m),
        Output<ImmutableDictionary<string, object>> o => Output.IsSecretAsync(o),
        Output<ImmutableArray<string>> a => Output.IsSecretAsync(a),
        _ => throw new InvalidOperationException(output.GetType().Name),
    };
}
