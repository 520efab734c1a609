using System.Collections.Immutable;
using Pulumi;
using RingInfra.Core.Shared;
using RingInfra.SharedProgram;
using RingInfra.Tests.Support;

namespace RingInfra.Tests;

[Collection("pulumi")]
public sealed class SharedStackTests
{
    private static Dictionary<string, string> WithPostgres() => PulumiConfig.ForShared(new Dictionary<string, string>
    {
        ["ring-infra-shared:postgres"] = "{\"host\":\"autocom-db-rw.autocom.svc.cluster.local\",\"port\":5432,\"username\":\"postgres\",\"sslmode\":\"require\"}",
        ["ring-infra-shared:postgresPassword"] = "CANARY-admin-password-9d1",
        ["ring-infra-shared:registryToken"] = "CANARY-registry-token-5e2",
    });

    private static readonly string[] SecretConfig = ["ring-infra-shared:postgresPassword", "ring-infra-shared:registryToken"];

    [Fact]
    public async Task CreatesOneDatabaseAndOneRolePerTenant()
    {
        var run = await StackRun.SharedAsync(WithPostgres(), SecretConfig);
        var tenants = new[] { "acme", "bar", "foo", "test-canary", "widgets" };
        run.Mocks.OfType("postgresql:index/database:Database").Select(d => (string)d.Inputs["name"]).ShouldBe(tenants.Select(t => TenantDatabase.For(t).Database), ignoreOrder: true);
        run.Mocks.OfType("postgresql:index/role:Role").Select(r => (string)r.Inputs["name"]).ShouldBe(tenants.Select(t => TenantDatabase.For(t).Role), ignoreOrder: true);
        run.Mocks.OfType("postgresql:index/role:Role").ShouldAllBe(r => (bool)r.Inputs["login"]);
        var stack = run.Single<SharedStack>();
        (await StackRun.Value(stack.TenantDatabases))["test-canary"].ShouldBe("tenant_test_canary");
        (await Output.IsSecretAsync(stack.TenantPasswords)).ShouldBeTrue();
        (await StackRun.Value(stack.TenantPasswords)).Keys.ShouldBe(tenants, ignoreOrder: true);
    }

    [Fact]
    public async Task WithoutPostgres_ManagesNoTenantDatabases()
    {
        var run = await StackRun.SharedAsync(PulumiConfig.ForShared());
        run.Mocks.OfType("postgresql:index/database:Database").ShouldBeEmpty();
        (await StackRun.Value(run.Single<SharedStack>().TenantDatabases)).ShouldBeEmpty();
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
        var run = await StackRun.SharedAsync(PulumiConfig.ForShared());
        var group = run.Mocks.OfType("kubernetes:yaml/v2:ConfigGroup").ShouldHaveSingleItem();
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
