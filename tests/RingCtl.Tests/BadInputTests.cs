using RingCtl.Cli;
using RingCtl.Tests.Support;
using RingInfra.Core.Tests.Support;

namespace RingCtl.Tests;

/// <summary>
/// Bad configuration and lock files: each gives exit code 2, a message naming the ring (or file),
/// the key, the value and what is allowed — and writes nothing and changes nothing.
/// </summary>
public sealed class BadInputTests
{
    private const string Canary = "Pulumi.canary.yaml";
    private const string CanaryLock = "stacks/locks/canary.lock.json";
    private const string Shared = "stacks/shared/Pulumi.shared.yaml";

    public sealed record Case(string Name, string File, string From, string To, string Expected)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Cases() =>
    [
        new("tier not allowed", Canary, "ring-infra:tier: dev", "ring-infra:tier: qa",
            "ring 'canary': tier must be one of dev, staging, production (got qa)"),
        new("replicas below one", Canary, "replicas: 2", "replicas: 0",
            "ring 'canary': workloads.api.replicas must be >= 1 (got 0)"),
        new("replicas not a number", Canary, "replicas: 2", "replicas: two",
            "ring 'canary': workloads.api.replicas must be a whole number from 1 to 100 (got two)"),
        new("unknown workload key", Canary, "replicas: 2", "replicas: 2\n      replica: 3",
            "ring 'canary': workloads.api.replica is not a known key; allowed: cpu, maxReplicas, memory, replicas, timeoutSeconds (got 3)"),
        new("unknown workload", Canary, "    api:\n      replicas: 2", "    queue:\n      replicas: 2",
            "ring 'canary': workloads.queue is not a known key; allowed: api, horizon, nginx (got {\"replicas\":2})"),
        new("maxReplicas below replicas", Canary, "replicas: 2", "replicas: 2\n      maxReplicas: 1",
            "ring 'canary': workloads.api.maxReplicas must be >= replicas (2) (got 1)"),
        new("cpu not a quantity", Canary, "replicas: 2", "replicas: 2\n      cpu: lots",
            "ring 'canary': workloads.api.cpu must be a CPU quantity such as 250m or 1 (got lots)"),
        new("memory below the Octane floor", Canary, "replicas: 2", "replicas: 2\n      memory: 1Gi",
            "ring 'canary': workloads.api.memory must be >= 1536Mi for 23 modules (Octane loads every module at boot) (got 1Gi)"),
        new("namespace not a DNS label", Canary, "ring-infra:namespace: autocom-canary", "ring-infra:namespace: Autocom_Canary",
            "ring 'canary': namespace must be a DNS label (lower-case letters, digits and '-', starting with a letter, at most 63 characters) (got Autocom_Canary)"),
        new("negative promotion order", Canary, "ring-infra:promotionOrder: 20", "ring-infra:promotionOrder: -1",
            "ring 'canary': promotionOrder must be >= 0 (got -1)"),
        new("promotion order taken", Canary, "ring-infra:promotionOrder: 20", "ring-infra:promotionOrder: 10",
            "ring 'edge': promotionOrder must be unique across rings (ring 'canary' uses it too) (got 10)"),
        new("hostname segment taken", Canary, "ring-infra:hostnameSegment: canary", "ring-infra:hostnameSegment: edge",
            "ring 'canary': hostnameSegment must be unique across rings (ring 'edge' uses it too) (got edge)"),
        new("second default ring", Canary, "ring-infra:tier: dev", "ring-infra:tier: dev\n  ring-infra:default: true",
            "fleet: default must be true for exactly one ring (got stable, canary)"),
        new("bake time not a duration", Canary, "ring-infra:bakeTime: 24h", "ring-infra:bakeTime: 1 week",
            "ring 'canary': bakeTime must be a duration such as 30m, 24h or 7d (got 1 week)"),
        new("tenant pinned twice", Canary, "    - test-canary", "    - test-canary\n    - acme",
            "ring 'canary': tenants must not list a tenant already pinned to ring 'stable' (a tenant is in exactly one ring) (got acme)"),
        new("tenant not a DNS label", Canary, "    - test-canary", "    - Test_Canary",
            "ring 'canary': tenants[0] must be a tenant name: a DNS label of lower-case letters, digits and '-' (digits first allowed, no '-' at either end, at most 63 characters) (got Test_Canary)"),
        new("secret in ring env", Canary, "LOG_LEVEL: debug", "LOG_LEVEL: debug\n    DB_PASSWORD: hunter2",
            "ring 'canary': env.DB_PASSWORD looks like a secret; secrets come from the shared stack's secret outputs, never from ring config (got (value hidden))"),
        new("reserved env var", Canary, "LOG_LEVEL: debug", "LOG_LEVEL: debug\n    RING_NAME: stable",
            "ring 'canary': env.RING_NAME is set by RingInfra itself and cannot be configured (got stable)"),
        new("env name not upper snake", Canary, "LOG_LEVEL: debug", "log-level: debug",
            "ring 'canary': env.log-level must be an environment variable name (upper-case letters, digits and '_', not starting with a digit) (got log-level)"),
        new("feature flag not boolean", Canary, "new-vector-index: true", "new-vector-index: maybe",
            "ring 'canary': featureFlags.new-vector-index must be true or false (got maybe)"),
        new("connector over http", Canary, "instanceUrl: https://mycompany--sandbox", "instanceUrl: http://mycompany--sandbox",
            "ring 'canary': connectors.salesforce.instanceUrl must be an https:// URL (got http://mycompany--sandbox.sandbox.my.salesforce.com)"),
        new("stock nginx image", Canary, "ring-infra:tier: dev", "ring-infra:tier: dev\n  ring-infra:nginxImage: nginx:1.27-alpine",
            "ring 'canary': nginxImage must be an nginxinc/nginx-unprivileged image (PSA restricted: the stock nginx image runs as root) (got nginx:1.27-alpine)"),
        new("api image without tag", Canary, "ring-infra:tier: dev", "ring-infra:tier: dev\n  ring-infra:apiImage: registry.gitlab.com/autocommerce/main/backend-octane:latest",
            "ring 'canary': apiImage must be an image reference with an explicit tag or digest (registry/name:tag) (got registry.gitlab.com/autocommerce/main/backend-octane:latest)"),
        new("unknown ring key", Canary, "ring-infra:tier: dev", "ring-infra:tier: dev\n  ring-infra:replicas: 3",
            "ring 'canary': replicas is not a known key; allowed: active, apiImage, approvers, autoscaling, bakeTime, clusters, connectors, default, description, displayName, dns, domain, dualStack, env, featureFlags, freezeWindows, gates, health, hostnameSegment, ingressAnnotations, ingressClass, ingressController, ingressNamespace, namespace, nginxImage, observability, promotionOrder, prometheusUrl, protected, psaVersion, queues, selectorLabels, sharedNamespace, sharedStack, tenantRegions, tenants, tier, tls, upgrade, upgradeDeadline, websockets, workloads (got 3)"),
        new("encrypted value in a ring file", Canary, "ring-infra:tier: dev", "ring-infra:tier: dev\n  ring-infra:apiToken:\n    secure: v1:AAAA",
            "ring 'canary': apiToken must not be a secret here: secrets live in the shared stack and reach rings as secret outputs (got (encrypted value))"),
        new("freeze window ends before it starts", "Pulumi.stable.yaml", $"end: \"{RingInfra.Core.Tests.Support.TempRepo.FreezeEnd}\"", "end: \"2026-12-01T00:00:00Z\"",
            $"ring 'stable': freezeWindows[0].end must be after start {RingInfra.Core.Tests.Support.TempRepo.FreezeStart} (got 2026-12-01T00:00:00Z)"),
        new("inactive ring with tenants", "Pulumi.edge.yaml", "ring-infra:tier: staging", "ring-infra:tier: staging\n  ring-infra:active: false",
            "ring 'edge': tenants must be empty while the ring is inactive (tenants are only served by active rings) (got bar)"),
        new("project domain not a DNS name", "Pulumi.yaml", "default: acme.io", "default: acme io",
            "ring 'canary': domain must be a DNS name such as acme.io (got acme io)"),
        new("ring file not YAML", Canary, "ring-infra:tier: dev", "ring-infra:tier: 'dev",
            "file 'Pulumi.canary.yaml': line 9, column 20 must be valid YAML (got While scanning a quoted scalar, found unexpected end of stream.)"),
        new("ring file with an unclosed list", Canary, "ring-infra:tier: dev", "ring-infra:tier: [dev",
            "file 'Pulumi.canary.yaml': (file) must be valid YAML (got malformed YAML (an unclosed '[' or '{'?))"),
        new("lock version not semver", CanaryLock, "\"version\": \"1.7.0-beta.1\"", "\"version\": \"1.7\"",
            "lock 'stacks/locks/canary.lock.json': modules.orders.version must be a semantic version MAJOR.MINOR.PATCH such as 1.6.0 (got 1.7)"),
        new("lock sha256 upper case", CanaryLock, "\"sha256\": \"e1a4123bfc2c3d1f687d7a8c01556912e82496972d2c4c00940a7ddecf4ee7d3\"", "\"sha256\": \"E1A4123BFC2C3D1F687D7A8C01556912E82496972D2C4C00940A7DDECF4EE7D3\"",
            "lock 'stacks/locks/canary.lock.json': modules.ai.sha256 must be 64 lower-case hex digits (got E1A4123BFC2C3D1F687D7A8C01556912E82496972D2C4C00940A7DDECF4EE7D3)"),
        new("lock artifact not an archive", CanaryLock, "\"artifact\": \"Ai-2.5.0.zip\"", "\"artifact\": \"Ai-2.5.0\"",
            "lock 'stacks/locks/canary.lock.json': modules.ai.artifact must be a release archive name such as Orders-1.6.0.zip (got Ai-2.5.0)"),
        new("lock duplicate module", CanaryLock, "  \"modules\": {\n", "  \"modules\": {\n    \"ai\": { \"version\": \"2.4.0\", \"artifact\": \"Ai-2.4.0.zip\", \"sha256\": \"e1a4123bfc2c3d1f687d7a8c01556912e82496972d2c4c00940a7ddecf4ee7d3\" },\n",
            "lock 'stacks/locks/canary.lock.json': modules.ai must appear once (duplicate key) (got {\n      \"version\": \"2.5.0\",\n      \"artifact\": \"Ai-2.5.0.zip\",\n      \"sha256\": \"e1a4123bfc2c3d1f687d7a8c01556912e82496972d2c4c00940a7ddecf4ee7d3\"\n    })"),
        new("lock unknown module key", CanaryLock, "\"artifact\": \"Ai-2.5.0.zip\",", "\"artifact\": \"Ai-2.5.0.zip\", \"url\": \"https://x\",",
            "lock 'stacks/locks/canary.lock.json': modules.ai.url is not a known key; allowed: artifact, sha256, version (got \"https://x\")"),
        new("lock for another ring", CanaryLock, "\"ring\": \"canary\"", "\"ring\": \"edge\"",
            "lock 'stacks/locks/canary.lock.json': ring must be 'canary' (the ring the file belongs to) (got edge)"),
        new("lock not JSON", CanaryLock, "\"ring\": \"canary\",", "\"ring\": \"canary\",,",
            "lock 'stacks/locks/canary.lock.json': (file) must be valid JSON: ',' is an invalid start of a property name (got line 2)"),
        new("shared service without pod labels", Shared, "    meilisearch:\n      port: 7700\n      managed: true\n      podLabels:\n        app: meilisearch\n", "    meilisearch:\n      port: 7700\n      managed: true\n",
            "shared stack 'stacks/shared/Pulumi.shared.yaml': services.meilisearch.podLabels must name the shared pods' labels (a NetworkPolicy cannot target an ExternalName alias) (got null)"),
        new("unknown shared key that looks secret", Shared, "  ring-infra-shared:namespace: autocom", "  ring-infra-shared:namespace: autocom\n  ring-infra-shared:stripeSecret: sk_live_hunter2",
            "shared stack 'stacks/shared/Pulumi.shared.yaml': stripeSecret is not a known key; allowed: allowIngress, appKey, appSecretKeys, clusterDomain, config, connectorCredentials, connectorSecrets, dbPassword, dbUsername, domain, meilisearchKey, minioAccessKey, minioSecretKey, namespace, namespacePodSecurity, passportPrivateKey, passportPublicKey, postgres, postgresPassword, psaVersion, redisPassword, registry, registryToken, secretsRevision, services, tenants (got (value hidden))"),
        new("shared config holding a secret", Shared, "    REDIS_PORT: \"6379\"", "    REDIS_PORT: \"6379\"\n    REDIS_PASSWORD: hunter2",
            "shared stack 'stacks/shared/Pulumi.shared.yaml': config.REDIS_PASSWORD looks like a secret; list it under appSecretKeys instead (got (value hidden))"),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadInput_ExitsWithUsage_NamesKeyAndValue_AndWritesNothing(Case c)
    {
        using var repo = new TempRepo();
        repo.Replace(c.File, c.From, c.To);
        var before = Snapshot.Of(repo.Root);
        var outDir = repo.PathOf("out");

        var result = await RingCtlRunner.RunAsync(repo.Root, "render", "--all", "--out", outDir);

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.Err);
        result.ErrLines[0].ShouldBe("ringctl: invalid configuration:");
        result.Err.Replace("\r", "", StringComparison.Ordinal).ShouldContain("  " + c.Expected);
        result.Out.ShouldBeEmpty();
        Directory.Exists(outDir).ShouldBeFalse();
        Snapshot.Of(repo.Root).ShouldBe(before);
        result.Err.ShouldNotContain("hunter2");
    }

    [Fact]
    public void TheTable_HasAtLeastTwentyCases() => Cases().Count.ShouldBeGreaterThanOrEqualTo(20);

    [Theory]
    [InlineData(new[] { "render", "nosuch", "--out", "o" }, "ringctl: ring: 'nosuch' is not a ring of this repository (known: stable, edge, canary)")]
    [InlineData(new[] { "render", "--out", "o" }, "ringctl: ring: name at least one ring or pass --all (known: stable, edge, canary)")]
    [InlineData(new[] { "render", "canary", "--all", "--out", "o" }, "ringctl: --all: cannot be combined with ring names (got canary)")]
    [InlineData(new[] { "lint", "canary", "--manifests", "x.yaml" }, "ringctl: --manifests: cannot be combined with ring names or --all")]
    public async Task BadArguments_AreUsageErrors_AndWriteNothing(string[] args, string expected)
    {
        using var repo = new TempRepo();
        var before = Snapshot.Of(repo.Root);
        var result = await RingCtlRunner.RunAsync(repo.Root, args);
        result.ExitCode.ShouldBe(ExitCodes.Usage);
        result.ErrLines.ShouldBe([expected]);
        Snapshot.Of(repo.Root).ShouldBe(before);
    }

    [Fact]
    public async Task UnknownOption_IsReportedByTheParser_AsUsage()
    {
        var result = await RingCtlRunner.RunAsync(Repo.Root, "render", "--frobnicate");
        result.ExitCode.ShouldBe(ExitCodes.Usage);
        result.ErrLines.ShouldContain("ringctl: Unrecognized option '--frobnicate'.");
    }

    [Fact]
    public async Task OutsideTheRepository_SaysWhereItLooked()
    {
        var dir = Directory.CreateTempSubdirectory("ringctl-nowhere").FullName;
        try
        {
            Environment.GetEnvironmentVariable("RINGCTL_ROOT").ShouldBeNull("tests must not inherit RINGCTL_ROOT");
            var result = await RingCtlRunner.RunAsync(dir, "lint");
            result.ExitCode.ShouldBe(ExitCodes.Usage);
            result.ErrLines.ShouldBe([$"ringctl: no ring-infra Pulumi.yaml in '{dir}' or above: run ringctl inside the repository or pass --root"]);
        }
        finally
        {
            Directory.Delete(dir);
        }
    }
}
