using System.Text;
using Moq;
using RingCtl.Cli;
using RingCtl.Stacks;
using RingCtl.Tests.Support;
using RingInfra.Core.Tests.Support;

namespace RingCtl.Tests;

/// <summary>
/// <c>ringctl secrets import</c> (issue 15): a real <c>kubectl get secret -o yaml</c> manifest sets exactly the keys the
/// shared stack knows as its secret config — through a strict mock of <see cref="IStackRunner"/>, so any other call
/// fails — and no value is ever printed. Bad input changes nothing and needs no stack backend.
/// </summary>
public sealed class SecretsImportTests : IDisposable
{
    private const string AppKey = "base64:q1x3lJ6cF4mY1eYy5hP0o9l8t7u6v5w4x3y2z1A0B9c=";
    private const string RedisPassword = "CANARY-redis-7d1";
    private const string DbPassword = "CANARY-db-3e9";

    private readonly TempRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    /// <summary>What kubectl prints for doc 000's autocom-secrets, managedFields and all.</summary>
    private string Manifest()
    {
        var path = _repo.PathOf("autocom-secrets.yaml");
        File.WriteAllText(path, $"""
        apiVersion: v1
        data:
          APP_KEY: {B64(AppKey)}
          DB_PASSWORD: {B64(DbPassword)}
          DB_USERNAME: {B64("autocom")}
          MAIL_PASSWORD: {B64("CANARY-mail-1a2")}
          REDIS_PASSWORD: {B64(RedisPassword)}
        kind: Secret
        metadata:
          creationTimestamp: "2025-03-02T10:11:12Z"
          managedFields:
          - apiVersion: v1
            fieldsType: FieldsV1
            manager: kubectl-client-side-apply
            operation: Update
          name: autocom-secrets
          namespace: autocom
          resourceVersion: "48213"
          uid: 7d0e5f4c-3a1b-4f0e-9b7a-2c6d8e9f0a1b
        type: Opaque

        """.Replace("\r", "", StringComparison.Ordinal));
        return path;
    }

    [Fact]
    public async Task ARealSecretManifest_SetsExactlyTheKnownKeys_AsSecretConfig_AndPrintsNoValue()
    {
        var shared = StackId.SharedStack();
        var stacks = new Mock<IStackRunner>(MockBehavior.Strict);
        var seq = new MockSequence();
        stacks.InSequence(seq).Setup(s => s.SelectOrCreateAsync(shared, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        stacks.InSequence(seq).Setup(s => s.SetSecretConfigAsync(shared, "ring-infra-shared:appKey", AppKey, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        stacks.InSequence(seq).Setup(s => s.SetSecretConfigAsync(shared, "ring-infra-shared:dbPassword", DbPassword, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        stacks.InSequence(seq).Setup(s => s.SetConfigAsync(shared, "ring-infra-shared:dbUsername", "\"autocom\"", It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        stacks.InSequence(seq).Setup(s => s.SetSecretConfigAsync(shared, "ring-infra-shared:redisPassword", RedisPassword, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        var options = new CliContextOptions(null, _ => stacks.Object);

        var result = await RingCtlRunner.RunAsync(_repo.Root, options, "secrets", "import", Manifest());

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.Err);
        stacks.VerifyAll();
        stacks.Invocations.Count.ShouldBe(5);
        result.Out.ShouldContain("set redisPassword (secret) from REDIS_PASSWORD (");
        result.Out.ShouldContain("autocom-secrets.yaml: Secret autocom-secrets)");
        result.Out.ShouldContain("set dbUsername from DB_USERNAME");
        result.Out.ShouldContain("skipped (the shared stack does not know them): MAIL_PASSWORD");
        foreach (var value in new[] { AppKey, RedisPassword, DbPassword, "CANARY-mail-1a2", B64(RedisPassword) })
        {
            (result.Out + result.Err).ShouldNotContain(value);
        }
    }

    [Fact]
    public async Task TheJsonReport_NamesKeysOnly()
    {
        var stacks = new FakeStacks(_repo.Root);
        var result = await RingCtlRunner.RunAsync(_repo.Root, new CliContextOptions(null, _ => stacks), "secrets", "import", Manifest(), "--json");

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.Err);
        var doc = System.Text.Json.Nodes.JsonNode.Parse(result.Out)!;
        doc["imported"]!.AsArray().Select(k => k!["configKey"]!.ToString()).ShouldBe(["appKey", "dbPassword", "dbUsername", "redisPassword"]);
        doc["skipped"]!.AsArray().Select(k => k!.ToString()).ShouldBe(["MAIL_PASSWORD"]);
        result.Out.ShouldNotContain(RedisPassword);
        stacks.SecretConfig[("shared", "ring-infra-shared:redisPassword")].ShouldBe(RedisPassword);
        stacks.Calls.ShouldAllBe(c => !c.Contains(RedisPassword, StringComparison.Ordinal));

        // The stack file now says the credentials are set (encrypted), so the shared stack no longer generates them.
        var fleet = RingInfra.Core.Fleet.FleetLoader.Load(new RingInfra.Core.Fleet.DirectoryFiles(_repo.Root));
        File.ReadAllText(_repo.PathOf("stacks/shared/Pulumi.shared.yaml")).ShouldContain("ring-infra-shared:redisPassword:\n    secure: v1:fake");
        fleet.Shared.Services.Single(s => s.Name == "redis").Managed.ShouldBeTrue();
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: autocom-config\ndata:\n  REDIS_HOST: redis\n", "kind must be a Secret (kubectl get secret NAME -o yaml) (got ConfigMap)")]
    [InlineData("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  REDIS_PASSWORD: '%%%not-base64'\n", "Secret s: data.REDIS_PASSWORD must be base64 (data) — or put the plain value under stringData (got (value hidden))")]
    [InlineData("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  APP_KEY: CANARY-too-short\n", "Secret s: APP_KEY must be a Laravel key: base64: and 32 bytes, or 32 characters (got (value hidden))")]
    [InlineData("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  MAIL_PASSWORD: CANARY-x\n", "secrets import: keys must include a key the shared stack knows")]
    public async Task BadInput_ExitsWithUsage_NamesTheKey_NeverTheValue_AndTouchesNoStack(string manifest, string message)
    {
        File.WriteAllText(_repo.PathOf("bad.yaml"), manifest);
        var before = Snapshot.Of(_repo.Root);
        var stacks = new Mock<IStackRunner>(MockBehavior.Strict);

        var result = await RingCtlRunner.RunAsync(_repo.Root, new CliContextOptions(null, _ => stacks.Object), "secrets", "import", "bad.yaml");

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.Err);
        result.Err.ShouldContain(message);
        result.Err.ShouldNotContain("CANARY");
        stacks.Invocations.ShouldBeEmpty();
        Snapshot.Of(_repo.Root).ShouldBe(before);
    }

    [Fact]
    public async Task WithoutAStackBackend_TheInputIsStillCheckedFirst_AndADryRunNeedsNone()
    {
        var unavailable = new UnavailableStackRunner("no pulumi CLI here");
        var options = new CliContextOptions(null, _ => unavailable);

        var dry = await RingCtlRunner.RunAsync(_repo.Root, options, "secrets", "import", Manifest(), "--dry-run");
        dry.ExitCode.ShouldBe(ExitCodes.Ok, dry.Err);
        dry.Out.ShouldContain("would set appKey (secret) from APP_KEY");

        File.WriteAllText(_repo.PathOf("typo.yaml"), "kind: Secrt\n");
        (await RingCtlRunner.RunAsync(_repo.Root, options, "secrets", "import", "typo.yaml")).ExitCode.ShouldBe(ExitCodes.Usage);
        var real = await RingCtlRunner.RunAsync(_repo.Root, options, "secrets", "import", Manifest());
        real.ExitCode.ShouldBe(ExitCodes.Infrastructure);
        real.Err.ShouldContain("no pulumi CLI here");
    }
}
