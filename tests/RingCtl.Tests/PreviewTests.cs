using System.Text.Json.Nodes;
using RingCtl.Cli;
using RingCtl.Preview;
using RingCtl.Stacks;
using RingCtl.Tests.Support;

namespace RingCtl.Tests;

/// <summary><c>ringctl preview</c> on a real temporary git repository: which rings, which objects, the comment itself.</summary>
public sealed class PreviewTests : IDisposable
{
    private readonly GitRepo _git = new();

    public void Dispose() => _git.Dispose();

    private async Task<JsonObject> OfflineJsonAsync(string baseRev)
    {
        var result = await RingCtlRunner.RunAsync(_git.Root, "preview", "--base", baseRev, "--offline", "--format", "json");
        result.ExitCode.ShouldBe(ExitCodes.Ok, result.Err);
        return (JsonObject)JsonNode.Parse(result.Out)!;
    }

    private static IEnumerable<string> Objects(JsonObject report, string ring) =>
        report["rings"]!.AsArray().Single(r => r!["ring"]!.ToString() == ring)!["objects"]!.AsArray().Select(o => $"{o!["change"]} {o["id"]}");

    [Fact]
    public async Task AHandEditedLock_IsMarked_WithTheGatesAPromotionWouldFail()
    {
        var baseRev = _git.Git("rev-parse", "HEAD").Trim();
        // stable takes edge's orders by hand; canary gets an ai no ring has run.
        _git.Files.Replace("stacks/locks/stable.lock.json", "\"version\": \"1.5.0\",\n      \"artifact\": \"Orders-1.5.0.zip\"", "\"version\": \"1.6.0\",\n      \"artifact\": \"Orders-1.6.0.zip\"");
        _git.Files.Replace("stacks/locks/canary.lock.json", "\"version\": \"2.5.0\",\n      \"artifact\": \"Ai-2.5.0.zip\"", "\"version\": \"9.9.9\",\n      \"artifact\": \"Ai-9.9.9.zip\"");
        _git.Commit("hand edits");

        var report = await OfflineJsonAsync(baseRev);

        JsonNode Edit(string ring) => report["rings"]!.AsArray().Single(r => r!["ring"]!.ToString() == ring)!["lockEdits"]!.AsArray().ShouldHaveSingleItem()!;
        var stable = Edit("stable");
        (stable["module"]!.ToString(), stable["from"]!.ToString(), stable["to"]!.ToString()).ShouldBe(("orders", "1.5.0", "1.6.0"));
        stable["wouldFail"]!.AsArray().Select(f => f!["gate"]!.ToString()).ShouldBe(["bake", "approval"]);
        stable["wouldFail"]![0]!["reason"]!.ToString().ShouldStartWith("orders 1.6.0 landed in edge 0m ago");
        stable["wouldFail"]![1]!["reason"]!.ToString().ShouldBe("stable is protected: name the approver with --approved-by (one of platform-lead, release-manager)");
        Edit("canary")["wouldFail"]!.AsArray().ShouldBeEmpty();

        var markdown = await RingCtlRunner.RunAsync(_git.Root, "preview", "--base", baseRev, "--offline");
        markdown.ExitCode.ShouldBe(ExitCodes.Ok, markdown.Err);
        markdown.Out.ShouldContain("**❌ Lock versions that were never promoted.**");
        markdown.Out.ShouldContain("| ❌ stable | orders | 1.5.0 → 1.6.0 | bake: orders 1.6.0 landed in edge 0m ago");
        markdown.Out.ShouldContain("<br>approval: stable is protected: name the approver with --approved-by (one of platform-lead, release-manager) |");
        markdown.Out.ShouldContain("| ❌ canary | ai | 2.5.0 → 9.9.9 | no gate (still needs `ringctl promote` to record it) |");
    }

    [Fact]
    public async Task AHandEditedTenantList_IsMarked_TenantsAreAssignedWithRingctl()
    {
        var baseRev = _git.Git("rev-parse", "HEAD").Trim();
        _git.Files.Replace("Pulumi.edge.yaml", "    - bar\n", "    - newco\n");
        _git.Commit("edge gets newco by hand");

        var report = await OfflineJsonAsync(baseRev);

        var edit = report["rings"]!.AsArray().Single(r => r!["ring"]!.ToString() == "edge")!["tenantEdit"]!;
        edit["added"]!.AsArray().Select(t => t!.ToString()).ShouldBe(["newco"]);
        edit["removed"]!.AsArray().Select(t => t!.ToString()).ShouldBe(["bar"]);
        var markdown = await RingCtlRunner.RunAsync(_git.Root, "preview", "--base", baseRev, "--offline");
        markdown.Out.ShouldContain("**❌ Tenant lists edited by hand.** Tenants are assigned with `ringctl tenant assign`");
        markdown.Out.ShouldContain("| ❌ edge | +newco −bar | (not reachable from this preview) |");
    }

    [Fact]
    public async Task BumpingAModuleInTheEdgeLock_ChangesOnlyEdge_ItsLockAndNginxConfigMapsAndPodTemplates()
    {
        var baseRev = _git.Git("rev-parse", "HEAD").Trim();
        _git.Files.Replace("stacks/locks/edge.lock.json", "\"version\": \"1.6.0\",\n      \"artifact\": \"Orders-1.6.0.zip\"", "\"version\": \"1.6.1\",\n      \"artifact\": \"Orders-1.6.1.zip\"");
        _git.Commit("bump orders in edge");

        var report = await OfflineJsonAsync(baseRev);

        report["rings"]!.AsArray().Select(r => r!["ring"]!.ToString()).ShouldBe(["edge"]);
        Objects(report, "edge").ShouldBe(["changed ConfigMap autocom-edge/ring-module-lock", "changed ConfigMap autocom-edge/ring-nginx-conf", "changed Deployment autocom-edge/api", "changed Deployment autocom-edge/horizon", "changed Deployment autocom-edge/nginx"]);
        report["rings"]![0]!["podsRoll"]!.GetValue<bool>().ShouldBeTrue();
        _git.Git("status", "--porcelain").ShouldBeEmpty("the working tree is never touched");
    }

    [Fact]
    public async Task MovingATenantFromStableToCanary_ChangesOnlyCanarysIngress()
    {
        var baseRev = _git.Git("rev-parse", "HEAD").Trim();
        _git.Files.Replace("Pulumi.stable.yaml", "    - acme\n", "");
        _git.Files.Replace("Pulumi.canary.yaml", "    - test-canary\n", "    - acme\n    - test-canary\n");
        _git.Commit("move acme to canary");

        var report = await OfflineJsonAsync(baseRev);

        report["rings"]!.AsArray().Select(r => r!["ring"]!.ToString()).ShouldBe(["canary", "stable"]);
        Objects(report, "canary").ShouldBe(["changed Ingress autocom-canary/ring"]);
        Objects(report, "stable").ShouldBeEmpty();
    }

    [Fact]
    public async Task ChangingARingsEnvVar_ChangesOnlyThatRing()
    {
        var baseRev = _git.Git("rev-parse", "HEAD").Trim();
        _git.Files.Replace("Pulumi.edge.yaml", "LOG_LEVEL: info", "LOG_LEVEL: notice");
        _git.Commit("edge logs less");

        var report = await OfflineJsonAsync(baseRev);

        report["rings"]!.AsArray().Select(r => r!["ring"]!.ToString()).ShouldBe(["edge"]);
        Objects(report, "edge").ShouldBe(["changed ConfigMap autocom-edge/ring-env", "changed Deployment autocom-edge/api", "changed Deployment autocom-edge/horizon"]);
    }

    [Fact]
    public async Task ChangingInfra_AffectsEveryRing()
    {
        var baseRev = _git.Git("rev-parse", "HEAD").Trim();
        File.AppendAllText(_git.Files.PathOf("infra/RingInfra/Program.cs"), "// changed\n");
        _git.Commit("change the program");

        var report = await OfflineJsonAsync(baseRev);

        report["rings"]!.AsArray().Select(r => r!["ring"]!.ToString()).ShouldBe(["shared stack", "canary", "edge", "stable"]);
        report["rings"]![0]!["shared"]!.GetValue<bool>().ShouldBeTrue();
        report["notes"]!.AsArray().Single()!.ToString().ShouldStartWith("infra/, Pulumi.yaml or the shared stack changed: every ring is affected.");
    }

    [Fact]
    public async Task ChangingTheSharedStack_GivesItsOwnRowAndDiffFirst_WithKeysOnlySecrets()
    {
        var baseRev = _git.Git("rev-parse", "HEAD").Trim();
        // Redis becomes external: its password is imported (an encrypted value), its workload goes away.
        _git.Files.Replace("stacks/shared/Pulumi.shared.yaml", "      port: 6379\n      managed: true\n", "      port: 6379\n      podSecurity: restricted\n");
        _git.Files.Replace("stacks/shared/Pulumi.shared.yaml", "  ring-infra-shared:appKey: generate\n", "  ring-infra-shared:appKey: generate\n  ring-infra-shared:redisPassword:\n    secure: v1:CANARY-ciphertext-77\n");
        _git.Commit("redis is external");

        var report = await OfflineJsonAsync(baseRev);

        var shared = report["rings"]!.AsArray()[0]!;
        (shared["ring"]!.ToString(), shared["shared"]!.GetValue<bool>()).ShouldBe(("shared stack", true));
        Objects(report, "shared stack").ShouldBe(
        [
            "changed Secret autocom/shared-service-credentials",
            "removed PersistentVolumeClaim autocom/redis-data",
            "removed Service autocom/redis",
            "removed Deployment autocom/redis",
            "removed PodDisruptionBudget autocom/redis",
        ], ignoreOrder: true);
        report["rings"]!.AsArray().Skip(1).Select(r => r!["ring"]!.ToString()).ShouldBe(["canary", "edge", "stable"]);

        var markdown = await RingCtlRunner.RunAsync(_git.Root, "preview", "--base", baseRev, "--offline");
        markdown.ExitCode.ShouldBe(0, markdown.Err);
        markdown.Out.ShouldContain("| shared stack |");
        markdown.Out.ShouldContain("<details><summary><b>shared stack</b>");
        markdown.Out.ShouldNotContain("CANARY-ciphertext-77");
        markdown.Out.IndexOf("| shared stack |", StringComparison.Ordinal).ShouldBeLessThan(markdown.Out.IndexOf("| canary |", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ChangingOnlyDocs_AffectsNoRing()
    {
        var baseRev = _git.Git("rev-parse", "HEAD").Trim();
        File.AppendAllText(_git.Files.PathOf("README.md"), "more words\n");
        _git.Commit("docs");

        var report = await OfflineJsonAsync(baseRev);
        report["rings"]!.AsArray().ShouldBeEmpty();
        var markdown = await RingCtlRunner.RunAsync(_git.Root, "preview", "--base", baseRev, "--offline");
        markdown.Out.ShouldContain("No ring stack is affected by this change (docs, tooling or tests only).");
    }

    [Fact]
    public async Task Markdown_ForASmallChange_IsExactly()
    {
        var baseRev = _git.Git("rev-parse", "HEAD").Trim();
        _git.Files.Replace("Pulumi.canary.yaml", "LOG_LEVEL: debug", "LOG_LEVEL: trace");
        var head = _git.Commit("canary traces");

        var result = await RingCtlRunner.RunAsync(_git.Root, "preview", "--base", baseRev, "--offline");

        result.ExitCode.ShouldBe(0, result.Err);
        var api = "~ Deployment autocom-canary/api  (rolls pods)\n-     spec.template.metadata.annotations.ringinfra.io/config-hash: ";
        result.Out.ShouldStartWith($"""
            <!-- ringctl-preview -->
            ### RingInfra preview: 1 of 1 affected ring(s) change

            `{baseRev[..12]}` → `{head[..12]}` · offline preview (Core renders of both revisions) · 1 changed path(s)

            | ring | creates | updates | replaces | deletes | pods roll |
            |---|---:|---:|---:|---:|:---:|
            | canary | 0 | 3 | 0 | 0 | yes |

            <details><summary><b>canary</b> — 3 to update · pods roll</summary>

            ```diff
            ~ ConfigMap autocom-canary/ring-env
            -     data.LOG_LEVEL: debug
            +     data.LOG_LEVEL: trace
            {api}
            """.Replace("\r", "", StringComparison.Ordinal));
        result.Out.ShouldEndWith("""
            ```

            </details>

            <sub>Affected: Pulumi.canary.yaml: canary</sub>

            """.Replace("\r", "", StringComparison.Ordinal));
    }

    [Fact]
    public void OversizedDiff_IsTruncatedUnderTheLimit_WithANoteSayingWhatWasCut()
    {
        var lines = Enumerable.Range(0, 5000).Select(i => $"-     spec.field{i}: {new string('x', 40)}").ToList();
        var report = new PreviewReport
        {
            Base = "aaaaaaaaaaaaaaaa",
            Head = "bbbbbbbbbbbbbbbb",
            Offline = true,
            ChangedPaths = ["Pulumi.edge.yaml", "Pulumi.canary.yaml"],
            Reasons = ["Pulumi.edge.yaml: edge", "Pulumi.canary.yaml: canary"],
            Rings =
            [
                new RingPreview { Ring = "canary", Updates = 1, Lines = ["~ ConfigMap autocom-canary/ring-env", "-     data.A: 1", "+     data.A: 2"] },
                new RingPreview { Ring = "edge", Updates = 5000, Lines = lines },
            ],
        };

        var text = PreviewMarkdown.Render(report);

        text.Length.ShouldBeLessThanOrEqualTo(PreviewMarkdown.Limit);
        text.ShouldContain("+     data.A: 2", customMessage: "the small ring keeps its whole diff");
        text.ShouldMatch(@"… \d+ more line\(s\) of edge cut to keep this comment under 60,000 characters \(`ringctl preview --ring edge --format text` shows all\)\.");
        text.ShouldEndWith("<sub>Affected: Pulumi.edge.yaml: edge; Pulumi.canary.yaml: canary</sub>\n");
    }

    [Fact]
    public async Task Online_TheSharedStackIsPreviewedFirst_ThenTheRings()
    {
        var baseRev = _git.Git("rev-parse", "HEAD").Trim();
        _git.Files.Replace("stacks/shared/Pulumi.shared.yaml", "    SCOUT_DRIVER: meilisearch\n", "    SCOUT_DRIVER: meilisearch\n    SCOUT_QUEUE: \"true\"\n");
        _git.Commit("scout queues");
        var stacks = new FakeStacks(_git.Root);

        var online = await RingCtlRunner.RunAsync(_git.Root, new CliContextOptions("Host=127.0.0.1;Port=1", _ => stacks), "preview", "--base", baseRev, "--format", "json");

        online.ExitCode.ShouldBe(0, online.Err);
        stacks.Calls.Where(c => c.StartsWith("preview", StringComparison.Ordinal)).ShouldBe(["preview shared", "preview canary", "preview edge", "preview stable"]);
        JsonNode.Parse(online.Out)!["rings"]![0]!["ring"]!.ToString().ShouldBe("shared stack");
    }

    [Fact]
    public async Task AKnownSecretValue_NeverAppears_OfflineOrOnline()
    {
        const string secret = "CANARY-s3cr3t-value-9f2e";
        var baseRev = _git.Git("rev-parse", "HEAD").Trim();
        _git.Files.Replace("Pulumi.canary.yaml", "LOG_LEVEL: debug", $"LOG_LEVEL: debug\n    GREETING: hello {secret}");
        _git.Commit("a secret slipped into an env var");
        var redact = new[] { secret };
        var offline = await RingCtlRunner.RunAsync(_git.Root, new CliContextOptions("Host=127.0.0.1;Port=1", Redact: redact), "preview", "--base", baseRev, "--offline", "--format", "text");
        offline.ExitCode.ShouldBe(0, offline.Err);
        offline.Out.ShouldContain("data.GREETING: (redacted)");
        var engine = new EngineDiff($"~ kubernetes:core/v1:ConfigMap ring-env\n    data.GREETING: \"hello {secret}\"");
        foreach (var format in new[] { "markdown", "text", "json" })
        {
            var online = await RingCtlRunner.RunAsync(_git.Root, new CliContextOptions("Host=127.0.0.1;Port=1", _ => engine, Redact: redact), "preview", "--base", baseRev, "--format", format);
            online.ExitCode.ShouldBe(0, online.Err);
            (online.Out + online.Err).ShouldNotContain(secret);
            online.Out.ShouldContain(DiffLines.Redacted);
        }

        (offline.Out + offline.Err).ShouldNotContain(secret);
    }

    /// <summary>An engine whose preview diff carries a secret value in clear (as a careless provider might print it).</summary>
    private sealed class EngineDiff(string diff) : IStackRunner
    {
        public Task SelectOrCreateAsync(StackId stack, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task SetConfigAsync(StackId stack, string key, string value, CancellationToken cancellationToken) => throw new InvalidOperationException("a preview sets no config");

        public Task SetSecretConfigAsync(StackId stack, string key, string value, CancellationToken cancellationToken) => throw new InvalidOperationException("a preview sets no config");

        public Task<StackChanges> PreviewAsync(StackId stack, IProgress<string> progress, CancellationToken cancellationToken) =>
            Task.FromResult(new StackChanges(0, 1, 0, 0, 30, diff));

        public Task<StackChanges> UpdateAsync(StackId stack, IProgress<string> progress, CancellationToken cancellationToken) => throw new InvalidOperationException("a preview updates nothing");

        public Task<StackChanges> UpdateReplacingAsync(StackId stack, IReadOnlyList<string> replace, IProgress<string> progress, CancellationToken cancellationToken) => throw new InvalidOperationException("a preview updates nothing");

        public Task<StackChanges> UpdateTargetsAsync(StackId stack, IReadOnlyList<string> targets, IProgress<string> progress, CancellationToken cancellationToken) => throw new InvalidOperationException("a preview updates nothing");

        public Task<IReadOnlyDictionary<string, object?>> GetOutputsAsync(StackId stack, CancellationToken cancellationToken) => throw new InvalidOperationException();

        public Task CancelAsync(StackId stack, CancellationToken cancellationToken) => throw new InvalidOperationException();

        public Task<StackChanges> DestroyAsync(StackId stack, IProgress<string> progress, CancellationToken cancellationToken) => throw new InvalidOperationException("a preview destroys nothing");

        public Task RemoveAsync(StackId stack, CancellationToken cancellationToken) => throw new InvalidOperationException("a preview removes nothing");
    }
}
