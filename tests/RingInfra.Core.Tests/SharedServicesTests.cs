using System.Diagnostics;
using System.Text.Json.Nodes;
using RingInfra.Core.Config;
using RingInfra.Core.Kube;
using RingInfra.Core.Policies;
using RingInfra.Core.Rendering;
using RingInfra.Core.Shared;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Core.Tests;

/// <summary>
/// Issue 15 in Core: which catalog services the shared stack manages and how they render, and where every credential
/// comes from — imported (always wins), generated only for what the stack owns, never for anything external.
/// </summary>
public sealed class SharedServicesTests
{
    private static StackFiles.StackConfig SharedFile(TempRepo repo)
    {
        var problems = new List<ConfigProblem>();
        var config = StackFiles.ReadStackConfig(repo.Read("stacks/shared/Pulumi.shared.yaml"), "s", SharedFactsReader.Project, "s", problems, secretsAllowed: true);
        problems.ShouldBeEmpty();
        return config;
    }

    private static SharedStackSettings Bind(TempRepo repo)
    {
        var file = SharedFile(repo);
        return SharedStackSettings.Bind(file.Own, "shared", file.SecretKeys);
    }

    private static IReadOnlyList<string> Problems(TempRepo repo) =>
        Should.Throw<RingConfigException>(() => Bind(repo)).Problems.Select(p => p.Message).ToList();

    [Fact]
    public void TheManagedServices_RenderAVolumeADeploymentAServiceAndABudgetEach_AndPassRestricted()
    {
        var facts = Repo.LoadFleet().Shared;
        var objects = SharedServiceObjects.Render(facts, "rev-1");

        objects.Where(o => o.Kind == "Deployment").Select(o => o.Name).ShouldBe(["redis", "minio", "frontend", "docs", "indian-post", "meilisearch"], ignoreOrder: true);
        objects.Where(o => o.Kind == "PersistentVolumeClaim").Select(o => o.Name).ShouldBe(["redis-data", "minio-data", "meilisearch-data"], ignoreOrder: true);
        objects.Count(o => o.Kind == "Service").ShouldBe(6);
        objects.Count(o => o.Kind == "PodDisruptionBudget").ShouldBe(6);
        objects.SelectMany(o => PodSecurity.CheckRestricted(o.Body)).ShouldBeEmpty();
        objects.ShouldAllBe(o => o.Namespace == "autocom");

        var redisVolume = objects.Single(o => o.Name == "redis-data");
        redisVolume.Body["spec"]!["resources"]!["requests"]!["storage"]!.ToString().ShouldBe("5Gi");
        var redis = objects.Single(o => o.Kind == "Deployment" && o.Name == "redis").Body;
        redis["spec"]!["strategy"]!["type"]!.ToString().ShouldBe("Recreate");
        redis["spec"]!["replicas"]!.GetValue<int>().ShouldBe(1);
        var frontend = objects.Single(o => o.Kind == "Deployment" && o.Name == "frontend").Body;
        frontend["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.ToString().ShouldBe("registry.gitlab.com/autocommerce/main/frontend:2026.11.2");
        objects.Single(o => o.Kind == "PodDisruptionBudget" && o.Name == "frontend").Body["spec"]!["minAvailable"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public void EachManagedServicesPods_AreWhatItsCatalogEntry_AndItsIngressPolicy_Select()
    {
        var facts = Repo.LoadFleet().Shared;
        var objects = SharedServiceObjects.Render(facts, "rev-1");
        var policies = SharedRenderer.IngressPolicies(facts);
        foreach (var service in facts.Services.Where(s => s.Managed))
        {
            var deployment = objects.Single(o => o.Kind == "Deployment" && o.Name == service.Name).Body;
            var podLabels = deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
            foreach (var (k, v) in service.PodLabels)
            {
                podLabels[k]!.ToString().ShouldBe(v, $"{service.Name}: {k}");
            }

            podLabels.ContainsKey(RingLabels.Ring).ShouldBeFalse("shared policies select pods without a ring label");
            var policy = policies.Single(p => p.Name == SharedRenderer.PolicyPrefix + service.Name);
            LabelSelector.Matches(policy.Body["spec"]!["podSelector"]!.AsObject(), podLabels.ToDictionary(kv => kv.Key, kv => kv.Value!.ToString())).ShouldBeTrue(service.Name);
            var port = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["ports"]![0]!["containerPort"]!.GetValue<int>();
            port.ShouldBe(service.TargetPort);
            var svc = objects.Single(o => o.Kind == "Service" && o.Name == service.Name).Body["spec"]!;
            svc["ports"]![0]!["port"]!.GetValue<int>().ShouldBe(service.Port);
        }

        PolicySuite.Check(Repo.RenderAll(), facts).ShouldBeEmpty();
    }

    [Fact]
    public void TheManagedServicesCredentials_AreTheKeysTheRingsReceive_ByReference()
    {
        var facts = Repo.LoadFleet().Shared;
        var objects = SharedServiceObjects.Render(facts, "rev-7");
        var secret = objects.Single(o => o.Kind == "Secret");
        secret.Name.ShouldBe(SharedServiceObjects.CredentialsSecret);
        secret.Body["data"]!.AsObject().Select(kv => kv.Key).ShouldBe(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "MEILISEARCH_KEY", "REDIS_PASSWORD"]);
        secret.Body["data"]!.AsObject().ShouldAllBe(kv => kv.Value!.ToString() == "", "keys only: values are filled at deploy time");

        var refs = objects.Where(o => o.Kind == "Deployment").SelectMany(o => Env(o).Select(e => (Service: o.Name, Env: e["name"]!.ToString(), Key: e["valueFrom"]?["secretKeyRef"]?["key"]?.ToString())))
            .Where(r => r.Key is not null).ToList();
        refs.ShouldBe(
        [
            ("redis", "REDIS_PASSWORD", "REDIS_PASSWORD"),
            ("minio", "MINIO_ROOT_USER", "AWS_ACCESS_KEY_ID"),
            ("minio", "MINIO_ROOT_PASSWORD", "AWS_SECRET_ACCESS_KEY"),
            ("meilisearch", "MEILI_MASTER_KEY", "MEILISEARCH_KEY"),
        ], ignoreOrder: true);
        refs.Select(r => r.Key!).ShouldAllBe(k => facts.AppSecretKeys.Contains(k), "every credential a managed service reads is one the rings receive");
        objects.Where(o => o.Kind == "Deployment" && Env(o).Any(e => e["valueFrom"] is not null))
            .ShouldAllBe(o => o.Body["spec"]!["template"]!["metadata"]!["annotations"]![RingLabels.SecretsRevision]!.ToString() == "rev-7");
    }

    private static IEnumerable<JsonObject> Env(KubeObject deployment) =>
        deployment.Body["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray().Select(e => e!.AsObject());

    [Fact]
    public void TheShippedPlatform_GeneratesWhatItOwns()
    {
        using var repo = new TempRepo();
        var sources = Bind(repo).SecretSources;

        sources.ShouldBe(new Dictionary<string, CredentialSource>
        {
            ["APP_KEY"] = CredentialSource.Generated,
            ["AWS_ACCESS_KEY_ID"] = CredentialSource.Generated,
            ["AWS_SECRET_ACCESS_KEY"] = CredentialSource.Generated,
            ["DB_PASSWORD"] = CredentialSource.Generated,
            ["MEILISEARCH_KEY"] = CredentialSource.Generated,
            ["REDIS_PASSWORD"] = CredentialSource.Generated,
        }, ignoreOrder: true);
    }

    [Fact]
    public void AnExternalServiceWithoutItsImportedCredential_IsRefused_NamingTheKey()
    {
        using var repo = new TempRepo();
        repo.Replace("stacks/shared/Pulumi.shared.yaml", "      port: 6379\n      managed: true\n", "      port: 6379\n");

        Problems(repo).ShouldBe(["shared stack 'shared': redisPassword must be imported for REDIS_PASSWORD (ringctl secrets import FILE): redis is external and keeps its own credential (set services.redis.managed: true to deploy it here) (got (not set))"]);
    }

    [Fact]
    public void AnImportedCredential_AlwaysWins_OverGeneration()
    {
        using var repo = new TempRepo();
        repo.Replace("stacks/shared/Pulumi.shared.yaml", "  ring-infra-shared:appKey: generate\n",
            "  ring-infra-shared:appKey:\n    secure: v1:AAAA\n  ring-infra-shared:redisPassword:\n    secure: v1:BBBB\n");

        var sources = Bind(repo).SecretSources;

        sources["APP_KEY"].ShouldBe(CredentialSource.Imported);
        sources["REDIS_PASSWORD"].ShouldBe(CredentialSource.Imported, "even for the managed Redis: it keeps the platform's password");
        sources["MEILISEARCH_KEY"].ShouldBe(CredentialSource.Generated);
    }

    [Theory]
    [InlineData("", "appKey must be imported for APP_KEY (ringctl secrets import FILE): data encrypted under the platform's key would become unreadable under a new one; set appKey: generate only when creating a new platform (got (not set))")]
    [InlineData("  ring-infra-shared:appKey: base64:plain-text-key\n", "appKey must be set as a secret: pulumi config set --secret appKey (got (value hidden))")]
    public void AppKey_IsNeverGeneratedByAccident_NorPlainText(string replacement, string problem)
    {
        using var repo = new TempRepo();
        repo.Replace("stacks/shared/Pulumi.shared.yaml", "  ring-infra-shared:appKey: generate\n", replacement);

        var problems = Problems(repo);

        problems.ShouldContain("shared stack 'shared': " + problem);
        string.Join('\n', problems).ShouldNotContain("plain-text-key");
    }

    [Fact]
    public void WithoutPostgres_TheDbPasswordMustBeImported()
    {
        using var repo = new TempRepo();
        var text = repo.Read("stacks/shared/Pulumi.shared.yaml");
        var start = text.IndexOf("  ring-infra-shared:postgres:\n", StringComparison.Ordinal);
        var end = text.IndexOf("  # Names of the app secrets", StringComparison.Ordinal);
        repo.Write("stacks/shared/Pulumi.shared.yaml", text[..start] + text[end..]);

        Problems(repo).ShouldBe(["shared stack 'shared': dbPassword must be imported for DB_PASSWORD (ringctl secrets import FILE): PostgreSQL is external; or configure postgres so the stack manages the app role and its password (got (not set))"]);
    }

    [Fact]
    public void WhatCannotBeManaged_OrIsIncomplete_IsRefused_EveryProblemAtOnce()
    {
        using var repo = new TempRepo();
        repo.Replace("stacks/shared/Pulumi.shared.yaml", "    autocom-db-rw:\n      port: 5432\n", "    autocom-db-rw:\n      port: 5432\n      managed: true\n");
        repo.Replace("stacks/shared/Pulumi.shared.yaml", "      image: registry.gitlab.com/autocommerce/main/docs:2026.11.2\n", "");
        repo.Replace("stacks/shared/Pulumi.shared.yaml", "      storage:\n        size: 5Gi\n", "      replicas: 3\n      storage:\n        size: lots\n");

        var problems = Problems(repo);

        problems.ShouldContain(p => p.Contains("services.autocom-db-rw.managed is only possible for redis, minio, meilisearch, frontend, docs, indian-post", StringComparison.Ordinal));
        problems.ShouldContain(p => p.Contains("services.docs.image is required to deploy docs", StringComparison.Ordinal));
        problems.ShouldContain(p => p.Contains("services.redis.replicas cannot be set for redis: it runs one pod on its volume", StringComparison.Ordinal));
        problems.ShouldContain(p => p.Contains("services.redis.storage.size must be a size such as 10Gi (got lots)", StringComparison.Ordinal));
    }

    /// <summary>
    /// The managed Redis's rendered command, run by Debian's redis-server with the pod's environment (its port from
    /// PORT, its password from REDIS_PASSWORD as the Secret would give it): it refuses a client without the password
    /// and answers one with it, and keeps its append-only file in its data directory (here a temporary one).
    /// </summary>
    [SkippableFact]
    public void TheManagedRedisCommand_RequiresThePasswordFromItsEnvironment_PerRealRedis()
    {
        Skip.IfNot(File.Exists("/usr/bin/redis-server") && File.Exists("/usr/bin/redis-cli"), "Debian's redis-server is not installed (.ci/run installs it)");
        var redis = SharedServiceObjects.Render(Repo.LoadFleet().Shared, "rev-1").Single(o => o.Kind == "Deployment" && o.Name == "redis");
        var container = redis.Body["spec"]!["template"]!["spec"]!["containers"]![0]!;
        var command = container["command"]!.AsArray().Select(c => c!.ToString()).ToArray();
        var env = container["env"]!.AsArray().ToDictionary(e => e!["name"]!.ToString(), e => e!["value"]?.ToString());
        var dir = Directory.CreateTempSubdirectory("ringinfra-redis").FullName;
        var port = FreePort();
        const string password = "CANARY-redis-pw-81c";
        command[0].ShouldBe("sh");
        var psi = new ProcessStartInfo(command[0], [command[1], command[2].Replace("--dir /data", $"--dir {dir}", StringComparison.Ordinal)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["PORT"] = env["PORT"] == "6379" ? port.ToString(System.Globalization.CultureInfo.InvariantCulture) : throw new InvalidOperationException("PORT is the catalog's port");
        env.ContainsKey("REDIS_PASSWORD").ShouldBeTrue();
        env["REDIS_PASSWORD"].ShouldBeNull("it comes from the Secret, never a rendered value");
        psi.Environment["REDIS_PASSWORD"] = password;
        using var server = Process.Start(psi)!;
        try
        {
            string Cli(params string[] args)
            {
                var cli = new ProcessStartInfo("/usr/bin/redis-cli", ["-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
                using var p = Process.Start(cli)!;
                var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
                p.WaitForExit();
                return output;
            }

            var up = false;
            for (var i = 0; i < 100 && !up; i++)
            {
                up = !Cli("PING").Contains("Connection refused", StringComparison.Ordinal);
                if (!up)
                {
                    Thread.Sleep(50);
                }
            }

            Cli("PING").ShouldContain("NOAUTH");
            Cli("--no-auth-warning", "-a", password, "PING").Trim().ShouldBe("PONG");
            Cli("--no-auth-warning", "-a", password, "CONFIG", "GET", "appendonly").ShouldContain("yes");
        }
        finally
        {
            server.Kill();
            server.WaitForExit();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }
}
