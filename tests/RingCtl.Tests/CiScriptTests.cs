using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using RingCtl.Registry;
using RingCtl.Tests.Support;
using RingInfra.Core.Kube;
using Repo = RingInfra.Core.Tests.Support.Repo;

namespace RingCtl.Tests;

/// <summary>
/// The CI pipelines: the workflow files parse, and every script they call runs against a temporary git
/// repository and a real registry, its online steps going through IStackRunner (the local simulation).
/// </summary>
[Collection("postgres")]
public sealed class CiScriptTests : IDisposable
{
    private readonly PostgresFixture _pg;
    private readonly GitRepo _git = new();

    public CiScriptTests(PostgresFixture pg)
    {
        _pg = pg;
    }

    public void Dispose() => _git.Dispose();

    private Task<string> RegistryAsync() => CiScripts.RegistryAsync(_pg, _git);

    private (int Code, string Out, string Err) Script(string script, string registry, IDictionary<string, string>? env = null, params string[] args) =>
        new CiScripts(_git).Run(script, registry, env, args);

    private string SimulatedCalls() => new CiScripts(_git).SimulatedCalls();

    [Theory]
    [InlineData(".github/workflows/preview.yml")]
    [InlineData(".github/workflows/promote.yml")]
    [InlineData(".github/workflows/rollout.yml")]
    [InlineData(".github/workflows/secrets.yml")]
    [InlineData(".gitlab-ci.yml")]
    public void WorkflowFile_ParsesAsYaml_AndCallsOnlyScriptsThatExist(string file)
    {
        var text = File.ReadAllText(Path.Combine(Repo.Root, file));
        var doc = Yaml.ParseDocument(text, file).ShouldBeOfType<JsonObject>();
        doc.Count.ShouldBeGreaterThan(0);
        var scripts = System.Text.RegularExpressions.Regex.Matches(text, @"tools/ci/[a-z_]+\.(sh|py)").Select(m => m.Value).Distinct().ToList();
        scripts.ShouldNotBeEmpty();
        foreach (var script in scripts)
        {
            var path = Path.Combine(Repo.Root, script);
            File.Exists(path).ShouldBeTrue(script);
            File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute).ShouldBeTrue($"{script} is executable");
        }
    }

    [Fact]
    public async Task PreviewScript_PostsOneComment_ThenUpdatesIt()
    {
        var registry = await RegistryAsync();
        var baseRev = _git.Git("rev-parse", "HEAD").Trim();
        _git.Files.Replace("Pulumi.edge.yaml", "LOG_LEVEL: info", "LOG_LEVEL: notice");
        _git.Commit("edge logs less");
        using var github = new FakeGitHub();
        var env = new Dictionary<string, string>
        {
            ["GITHUB_TOKEN"] = "token-123",
            ["GITHUB_REPOSITORY"] = "acme/rings",
            ["PR_NUMBER"] = "42",
            ["GITHUB_API_URL"] = github.Url,
            ["BASE_SHA"] = baseRev,
            ["HEAD_SHA"] = "HEAD",
        };

        var first = Script("preview.sh", registry, env);
        first.Code.ShouldBe(0, first.Err);
        first.Out.Trim().ShouldBe("preview comment posted on pull request #42");
        var second = Script("preview.sh", registry, env);
        second.Code.ShouldBe(0, second.Err);
        second.Out.Trim().ShouldBe("preview comment updated on pull request #42");

        github.Requests.Select(r => r.Split(' ')[0] + " " + r.Split(' ')[1]).ShouldBe(
        [
            "GET /user",
            "GET /repos/acme/rings/issues/42/comments?per_page=100&page=1",
            "POST /repos/acme/rings/issues/42/comments",
            "GET /user",
            "GET /repos/acme/rings/issues/42/comments?per_page=100&page=1",
            "PATCH /repos/acme/rings/issues/comments/1",
        ]);
        var comment = github.Comments.ShouldHaveSingleItem().Body;
        comment.ShouldStartWith("<!-- ringctl-preview -->");
        comment.ShouldContain("· Pulumi preview ·"); // online: the counts are the (simulated) engine's, pods roll from the renders
        comment.ShouldContain("| edge | 0 | 0 | 0 | 0 | yes |");
        github.Authorization.ShouldBe("Bearer token-123");
        SimulatedCalls().ShouldBe("select edge\npreview edge\nselect edge\npreview edge\n");
    }

    [Fact]
    public async Task PreviewScript_WithoutAToken_PrintsTheComment()
    {
        var registry = await RegistryAsync();
        var baseRev = _git.Git("rev-parse", "HEAD").Trim();
        File.AppendAllText(_git.Files.PathOf("README.md"), "docs\n");
        _git.Commit("docs");

        var run = Script("preview.sh", registry, new Dictionary<string, string> { ["BASE_SHA"] = baseRev, ["RINGCTL_OFFLINE"] = "1" });

        run.Code.ShouldBe(0, run.Err);
        run.Out.ShouldStartWith("<!-- ringctl-preview -->");
        run.Out.ShouldContain("No ring stack is affected by this change");
        run.Err.ShouldContain("(no GitHub or GitLab token: the preview was printed, not posted)");
    }

    [Fact]
    public async Task PromoteScript_RunsTheGates_UpdatesTheStack_AndCommitsTheLockWithThePromoteMessage()
    {
        var registry = await RegistryAsync();
        var refused = Script("promote.sh", registry, args: ["ai", "canary", "edge"]);
        refused.Code.ShouldBe(4);
        refused.Err.ShouldContain("bake: ai 2.5.0 landed in canary 0m ago");

        await using (var c = new NpgsqlConnection(registry))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand("update module_landings set landed_at = now() - interval '2 days' where ring = 'canary'", c);
            await cmd.ExecuteNonQueryAsync();
        }

        var run = Script("promote.sh", registry, new Dictionary<string, string> { ["PROMOTE_ALIAS"] = "ai", ["PROMOTE_FROM"] = "canary", ["PROMOTE_TO"] = "edge" });

        run.Code.ShouldBe(0, run.Err);
        run.Out.Trim().ShouldBe("promote(edge): ai 2.4.0 → 2.5.0");
        _git.Git("log", "-1", "--format=%s").Trim().ShouldBe("promote(edge): ai 2.4.0 → 2.5.0");
        _git.Git("show", "--name-only", "--format=", "HEAD").Trim().ShouldBe("stacks/locks/edge.lock.json");
        SimulatedCalls().ShouldBe("select edge\nupdate edge\noutputs edge\n");
    }

    [Fact]
    public async Task RolloutScript_UpdatesEveryRingInRolloutOrder_AndStopsAtAFailedGate()
    {
        var registry = await RegistryAsync();
        var run = Script("rollout.sh", registry);
        run.Code.ShouldBe(0, run.Err);
        run.Out.ShouldContain("rollout.sh: all rings updated: canary edge stable");
        // The shared stack was never deployed in this rehearsal: the first `up` deploys it first, once.
        SimulatedCalls().Split('\n').Where(l => l.StartsWith("update", StringComparison.Ordinal)).ShouldBe(["update shared", "update canary", "update edge", "update stable"]);

        using var health = LoopbackHttp.Health(200, """{"status":"ok","ring":{"name":"stable","lock_path":"modules/manifests/stable.lock.json"}}""");
        var stopped = Script("rollout.sh", registry, new Dictionary<string, string> { ["RINGCTL_VERIFY_URL_CANARY"] = health.Url });
        stopped.Code.ShouldBe(6);
        stopped.Err.ShouldContain("rollout.sh: stopped at canary (verification failed)");
        SimulatedCalls().Split('\n').Where(l => l.StartsWith("update", StringComparison.Ordinal)).ShouldBe(["update shared", "update canary", "update edge", "update stable", "update canary"]);
    }

    [Fact]
    public async Task RolloutScript_Shared_UpdatesTheSharedStackAlone_OnlyWhenItChanged()
    {
        var registry = await RegistryAsync();
        var before = _git.Git("rev-parse", "HEAD").Trim();
        _git.Files.Replace("Pulumi.edge.yaml", "LOG_LEVEL: info", "LOG_LEVEL: notice");
        _git.Commit("edge logs less");

        var unchanged = Script("rollout.sh", registry, new Dictionary<string, string> { ["ROLLOUT_BASE"] = before }, "--shared");
        unchanged.Code.ShouldBe(0, unchanged.Err);
        unchanged.Out.ShouldContain("neither stacks/shared/ nor infra/ changed");
        SimulatedCalls().ShouldBeEmpty();

        _git.Files.Replace("stacks/shared/Pulumi.shared.yaml", "    SCOUT_DRIVER: meilisearch\n", "    SCOUT_DRIVER: meilisearch\n    SCOUT_QUEUE: \"true\"\n");
        _git.Commit("scout queues");
        var changed = Script("rollout.sh", registry, new Dictionary<string, string> { ["ROLLOUT_BASE"] = before }, "--shared");
        changed.Code.ShouldBe(0, changed.Err);
        SimulatedCalls().ShouldBe("select shared\nupdate shared\noutputs shared\n");

        // A base that is not a commit hash counts as changed; it is never executed.
        var odd = Script("rollout.sh", registry, new Dictionary<string, string> { ["ROLLOUT_BASE"] = "$(touch /tmp/ringctl-pwned-rollout)" }, "--shared");
        odd.Code.ShouldBe(0, odd.Err);
        File.Exists("/tmp/ringctl-pwned-rollout").ShouldBeFalse();
        await using var db = new RingCtl.Registry.RegistryDatabase(registry);
        var ops = await new RingCtl.Registry.OperationLog(db).HistoryAsync(null, null, null, 10, default);
        ops.Count.ShouldBe(2);
        ops.ShouldAllBe(o => o.Kind == "up" && o.Module == "(shared stack)" && o.Status == "succeeded" && o.Rings.Length == 3);
    }

    [Fact]
    public async Task SecretsScript_RotatesGeneratedKeys_ThenEveryRing_AndRefusesAnythingElse()
    {
        var registry = await RegistryAsync();

        var run = Script("secrets.sh", registry, new Dictionary<string, string> { ["SECRETS_ACTION"] = "rotate", ["SECRETS_KEYS"] = "REDIS_PASSWORD,MEILISEARCH_KEY", ["SECRETS_REASON"] = "quarterly" });

        run.Code.ShouldBe(0, run.Err);
        var calls = SimulatedCalls().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        calls.ShouldContain(c => c.StartsWith("replace shared urn:pulumi:shared::ring-infra-shared::", StringComparison.Ordinal) && c.Contains("app-secrets-redis-password", StringComparison.Ordinal) && c.Contains("app-secrets-meilisearch-key", StringComparison.Ordinal));
        calls.Where(c => c.StartsWith("update", StringComparison.Ordinal)).ShouldBe(["update shared", "update canary", "update edge", "update stable"]);

        var appKey = Script("secrets.sh", registry, new Dictionary<string, string> { ["SECRETS_ACTION"] = "rotate", ["SECRETS_KEYS"] = "APP_KEY", ["SECRETS_REASON"] = "r" });
        appKey.Code.ShouldBe(2);
        appKey.Err.ShouldContain("APP_KEY: rotating it makes everything encrypted under the old key unreadable");
    }
}
