using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RingCtl.Tests.Support;
using RingInfra.Core.Kube;
using Repo = RingInfra.Core.Tests.Support.Repo;

namespace RingCtl.Tests;

/// <summary>
/// The pipelines as an attacker with write access or "run workflow" rights would try them: no input reaches
/// a shell unquoted, changing jobs run only on the default branch in a production environment, pull requests
/// never see production secrets, and the scripts refuse what they must refuse before running anything.
/// </summary>
[Collection("postgres")]
public sealed partial class PipelineSecurityTests : IDisposable
{
    private const string Injected = "orders\"; touch /tmp/ringctl-pwned-7f3; \"";
    private const string Pwned = "/tmp/ringctl-pwned-7f3";

    private static readonly string[] GitHubWorkflows = [".github/workflows/preview.yml", ".github/workflows/promote.yml", ".github/workflows/rollback.yml", ".github/workflows/rollout.yml", ".github/workflows/secrets.yml"];

    private readonly PostgresFixture _pg;
    private readonly GitRepo _git = new();
    private readonly CiScripts _scripts;

    public PipelineSecurityTests(PostgresFixture pg)
    {
        _pg = pg;
        _scripts = new CiScripts(_git);
        File.Delete(Pwned);
    }

    public void Dispose()
    {
        _git.Dispose();
        File.Delete(Pwned);
    }

    private static JsonObject Workflow(string file) => Yaml.ParseDocument(File.ReadAllText(Path.Combine(Repo.Root, file)), file).ShouldBeOfType<JsonObject>();

    private static IEnumerable<(string Job, JsonObject Body)> Jobs(JsonObject workflow) =>
        workflow["jobs"]!.AsObject().Select(j => (j.Key, j.Value!.AsObject()));

    private static IEnumerable<JsonObject> Steps(JsonObject job) => job["steps"]?.AsArray().Select(s => s!.AsObject()) ?? [];

    [Fact]
    public void NoRunBlock_InterpolatesAnExpression()
    {
        foreach (var file in GitHubWorkflows)
        {
            foreach (var (job, body) in Jobs(Workflow(file)))
            {
                foreach (var step in Steps(body).Where(s => s.ContainsKey("run")))
                {
                    step["run"]!.ToString().ShouldNotContain("${{", customMessage: $"{file} {job}: inputs reach scripts through env:, never inside run:");
                }
            }
        }

        var gitlab = File.ReadAllText(Path.Combine(Repo.Root, ".gitlab-ci.yml"));
        ScriptLines().Matches(gitlab).Select(m => m.Value).ShouldAllBe(l => !l.Contains('$'), "GitLab scripts take no variable on their command line");
    }

    [Theory]
    [InlineData(".github/workflows/promote.yml")]
    [InlineData(".github/workflows/rollback.yml")]
    [InlineData(".github/workflows/rollout.yml")]
    [InlineData(".github/workflows/secrets.yml")]
    public void ChangingJobs_RunOnlyOnTheDefaultBranch_InAProductionEnvironment_OneRunPerRing(string file)
    {
        var workflow = Workflow(file);
        workflow["on"]!.AsObject().ContainsKey("pull_request_target").ShouldBeFalse();
        foreach (var (job, body) in Jobs(workflow))
        {
            body["if"]!.ToString().ShouldBe("github.ref == format('refs/heads/{0}', github.event.repository.default_branch)", customMessage: job);
            body["environment"]!.ToString().ShouldContain("production");
            var group = (body["concurrency"] ?? workflow["concurrency"])!["group"]!.ToString();
            group.ShouldStartWith("ringctl-ring-");
        }
    }

    [Fact]
    public void ProtectedRings_AreDeployedOnlyInTheEnvironmentWithReviewers()
    {
        var protectedRings = Repo.LoadFleet().Rings.Where(r => r.Config.Protected).Select(r => r.Name).ToList();
        protectedRings.ShouldBe(["stable"]);
        Workflow(".github/workflows/promote.yml")["jobs"]!["promote"]!["environment"]!.ToString().ShouldBe("${{ inputs.to == 'stable' && 'production-protected' || 'production' }}");
        Workflow(".github/workflows/rollback.yml")["jobs"]!["rollback"]!["environment"]!.ToString().ShouldBe("${{ inputs.ring == 'stable' && 'production-protected' || 'production' }}");
        Workflow(".github/workflows/rollout.yml")["jobs"]!["stable"]!["environment"]!.ToString().ShouldBe("production-protected");
        // secrets sync and rotate reach every ring, the protected one included.
        Workflow(".github/workflows/secrets.yml")["jobs"]!["secrets"]!["environment"]!.ToString().ShouldBe("production-protected");
        // The shared stack goes first, and the rings wait for it.
        Workflow(".github/workflows/rollout.yml")["jobs"]!["canary"]!["needs"]!.ToString().ShouldBe("shared");
    }

    [Fact]
    public void PromoteAndRollout_AttachTheReleaseReport_EvenWhenTheyFail()
    {
        foreach (var (file, jobs) in new[] { (".github/workflows/promote.yml", new[] { "promote" }), (".github/workflows/rollout.yml", new[] { "canary", "edge", "stable" }) })
        {
            foreach (var job in jobs)
            {
                var steps = Steps(Workflow(file)["jobs"]![job]!.AsObject()).ToList();
                var report = steps.Single(s => s["run"]?.ToString() == "./ringctl report --out ringctl-report.html");
                report["if"]!.ToString().ShouldBe("always()", $"{file} {job}");
                var upload = steps.Single(s => s["uses"]?.ToString().StartsWith("actions/upload-artifact@", StringComparison.Ordinal) == true);
                (upload["if"]!.ToString(), upload["with"]!["path"]!.ToString()).ShouldBe(("always()", "ringctl-report.html"), $"{file} {job}");
            }
        }

        var gitlab = Workflow(".gitlab-ci.yml");
        foreach (var template in new[] { ".ring-change", ".rollout" })
        {
            gitlab[template]!["after_script"]![0]!.ToString().ShouldBe("./ringctl report --out ringctl-report.html");
            gitlab[template]!["artifacts"]!["when"]!.ToString().ShouldBe("always");
        }
    }

    [Fact]
    public void PullRequests_NeverReceiveProductionSecrets()
    {
        var preview = Workflow(".github/workflows/preview.yml");
        preview["on"]!.AsObject().Select(t => t.Key).ShouldBe(["pull_request"]);
        var offline = preview["jobs"]!["preview"]!.AsObject();
        var text = offline.ToJsonString();
        SecretRefs().Matches(text).Select(m => m.Groups[1].Value).Distinct().ShouldBe(["GITHUB_TOKEN"]);
        Steps(offline).Single(s => s.ContainsKey("run") && s["run"]!.ToString() == "tools/ci/preview.sh")["env"]!["RINGCTL_OFFLINE"]!.ToString().ShouldBe("1");
        var online = preview["jobs"]!["preview-online"]!.AsObject();
        online["environment"]!.ToString().ShouldBe("preview-online");
        SecretRefs().Matches(online.ToJsonString()).Select(m => m.Groups[1].Value).Distinct().Order().ShouldBe(["GITHUB_TOKEN", "PULUMI_PREVIEW_READ_TOKEN"]);
    }

    [Fact]
    public void ThirdPartyActions_ArePinnedToCommits_AndCredentialsAreKeptOnlyWherePushed()
    {
        foreach (var file in GitHubWorkflows)
        {
            foreach (var (job, body) in Jobs(Workflow(file)))
            {
                foreach (var step in Steps(body).Where(s => s.ContainsKey("uses")))
                {
                    step["uses"]!.ToString().ShouldMatch("^[a-z-]+/[a-z-]+@[0-9a-f]{40}$", $"{file} {job}");
                }

                var checkout = Steps(body).Single(s => s["uses"]?.ToString().StartsWith("actions/checkout@", StringComparison.Ordinal) == true);
                var pushes = file.Contains("promote", StringComparison.Ordinal) || file.Contains("rollback", StringComparison.Ordinal) || file.Contains("secrets", StringComparison.Ordinal);
                (checkout["with"]?["persist-credentials"]?.ToString() == "false").ShouldBe(!pushes, $"{file} {job}");
            }
        }
    }

    [Fact]
    public void GitLab_ChangingJobs_RunOnTheDefaultBranch_InRingEnvironments_OneAtATimePerRing()
    {
        var gitlab = Workflow(".gitlab-ci.yml");
        foreach (var job in new[] { "ring-promote", "ring-rollback", "ring-secrets", ".rollout" })
        {
            gitlab[job]!["rules"]![0]!["if"]!.ToString().ShouldStartWith("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && ");
        }

        foreach (var job in new[] { "ring-promote", "ring-rollback", "ring-secrets", "rollout-shared", "rollout-canary", "rollout-edge", "rollout-stable" })
        {
            gitlab[job]!["environment"]!["name"]!.ToString().ShouldStartWith("ring/");
            gitlab[job]!["resource_group"]!.ToString().ShouldStartWith("ringctl-ring-");
        }

        gitlab["preview"]!["variables"]!["RINGCTL_OFFLINE"]!.ToString().ShouldBe("1");
        gitlab["preview"]!["variables"]!["GITLAB_TOKEN"]!.ToString().ShouldBe("$PREVIEW_NOTE_TOKEN");
    }

    public static TheoryData<string, string[], Dictionary<string, string>> Injections() => new()
    {
        { "promote.sh", [Injected, "canary", "edge"], [] },
        { "promote.sh", ["ai", Injected, "edge"], [] },
        { "promote.sh", [], new() { ["PROMOTE_ALIAS"] = "ai", ["PROMOTE_FROM"] = "canary", ["PROMOTE_TO"] = Injected } },
        { "rollback.sh", [Injected, "edge"], [] },
        { "rollback.sh", ["ai", "edge", "1.0.0$(touch /tmp/ringctl-pwned-7f3)"], [] },
        { "rollout.sh", [Injected], [] },
        { "secrets.sh", [], new() { ["SECRETS_ACTION"] = Injected } },
        { "secrets.sh", [], new() { ["SECRETS_ACTION"] = "rotate", ["SECRETS_KEYS"] = "REDIS_PASSWORD," + Injected } },
    };

    [Theory]
    [MemberData(nameof(Injections))]
    public async Task EveryScript_RefusesAnInjectedName_BeforeRunningAnything(string script, string[] args, Dictionary<string, string> env)
    {
        var registry = await CiScripts.RegistryAsync(_pg, _git);
        var head = _git.Git("rev-parse", "HEAD");

        var run = _scripts.Run(script, registry, env, args);

        run.Code.ShouldBe(2, run.Err);
        run.Err.ShouldContain("nothing was run");
        run.Err.ShouldNotContain("\n/tmp"); // shown escaped (%q), never as a line of its own
        File.Exists(Pwned).ShouldBeFalse();
        _scripts.SimulatedCalls().ShouldBeEmpty();
        _git.Git("rev-parse", "HEAD").ShouldBe(head);
        await using var db = new RingCtl.Registry.RegistryDatabase(registry);
        (await new RingCtl.Registry.OperationLog(db).HistoryAsync(null, null, null, 10, default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Promote_FromAnotherBranch_IsRefused()
    {
        var registry = await CiScripts.RegistryAsync(_pg, _git);
        _git.Git("checkout", "-q", "-b", "feature");
        _git.Files.Replace("Pulumi.stable.yaml", "ring-infra:protected: true", "ring-infra:protected: false");
        var feature = _git.Commit("unprotect stable");

        var run = _scripts.Run("promote.sh", registry, null, "ai", "canary", "edge");

        run.Code.ShouldBe(2);
        run.Err.Trim().ShouldBe($"promote.sh: HEAD ({feature}) is not origin/main ({_git.Git("rev-parse", "origin/main").Trim()}): changes to rings run only from the default branch as it is on the remote; nothing was run");
        _scripts.SimulatedCalls().ShouldBeEmpty();
    }

    [Fact]
    public async Task InCi_NothingInTheEnvironmentRedirectsRingctl()
    {
        var registry = await CiScripts.RegistryAsync(_pg, _git);

        var run = _scripts.Run("rollout.sh", registry, new Dictionary<string, string> { ["CI"] = "true", ["RINGCTL"] = $"touch {Pwned}" }, "canary");

        File.Exists(Pwned).ShouldBeFalse("RINGCTL is ignored in CI");
        run.Code.ShouldNotBe(0); // the temporary repository has no ./ringctl of its own to run instead
    }

    [Fact]
    public async Task Promote_RebasesAndRetries_WhenMainMovedDuringTheUpdate()
    {
        var registry = await AgedRegistryAsync();
        // Someone merges while the stack updates: a ringctl that pushes a commit to origin after it ran.
        var other = _git.Root + "-other";
        ProcessRunner.Run("git", ["clone", "-q", _git.Origin, other]).Code.ShouldBe(0);
        var wrapper = Path.Combine(_git.Root + "-bin", "ringctl-then-merge");
        Directory.CreateDirectory(Path.GetDirectoryName(wrapper)!);
        await File.WriteAllTextAsync(wrapper, $"""
            #!/usr/bin/env bash
            dotnet {Path.Combine(AppContext.BaseDirectory, "ringctl.dll")} "$@"; code=$?
            cd {other} && echo docs >> README.md && git -c user.name=o -c user.email=o@x commit -qam "docs meanwhile" && git push -q origin main
            exit $code
            """.Replace("\r\n", "\n", StringComparison.Ordinal));
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            var run = _scripts.Run("promote.sh", registry, new Dictionary<string, string> { ["RINGCTL"] = wrapper, ["RINGCTL_PUSH"] = "1" }, "ai", "canary", "edge");

            run.Code.ShouldBe(0, run.Err);
            run.Err.ShouldContain("promote.sh: push 1 to origin/main refused; rebasing onto it");
            var log = ProcessRunner.Run("git", ["--git-dir", _git.Origin, "log", "--format=%s", "main"]).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            log.Take(2).ShouldBe(["promote(edge): ai 2.4.0 → 2.5.0", "docs meanwhile"]);
        }
        finally
        {
            Directory.Delete(other, recursive: true);
            Directory.Delete(Path.GetDirectoryName(wrapper)!, recursive: true);
        }
    }

    [Fact]
    public async Task Promote_WhenThePushFinallyFails_SaysWhatRunsWhere_AndHowToReconcile()
    {
        var registry = await AgedRegistryAsync();
        var hook = Path.Combine(_git.Origin, "hooks", "pre-receive");
        await File.WriteAllTextAsync(hook, "#!/usr/bin/env bash\necho 'main is protected' >&2\nexit 1\n");
        File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var run = _scripts.Run("promote.sh", registry, new Dictionary<string, string> { ["RINGCTL_PUSH"] = "1" }, "ai", "canary", "edge");

        run.Code.ShouldBe(6);
        run.Err.ShouldContain($"promote.sh: edge now runs ai 2.5.0 (its stack was updated and the registry records it), but origin/main does not: pushing {_git.Git("rev-parse", "--short", "HEAD").Trim()} failed.");
        run.Err.ShouldContain("Reconcile: git fetch origin main && git rebase origin/main && git push origin HEAD:main — or return the ring to what main records with: ringctl rollback ai --ring edge");
    }

    [Fact]
    public async Task Rollout_OfOneRing_UpdatesOnlyThatRing()
    {
        var registry = await CiScripts.RegistryAsync(_pg, _git);
        var run = _scripts.Run("rollout.sh", registry, null, "edge");
        run.Code.ShouldBe(0, run.Err);
        run.Out.ShouldContain("rollout.sh: all rings updated: edge");
        _scripts.SimulatedCalls().Split('\n').Where(l => l.StartsWith("update", StringComparison.Ordinal)).ShouldBe(["update shared", "update edge"]);
    }

    [Fact]
    public void PostComment_IgnoresAMarkerPlantedByAnotherUser_AndReadsEveryPage()
    {
        using var github = new FakeGitHub(login: "github-actions[bot]", userEndpoint: false);
        github.Seed("mallory", "<!-- ringctl-preview --> all rings look fine, merge it");
        for (var i = 0; i < 120; i++)
        {
            github.Seed("someone", $"comment {i}");
        }

        github.Seed("github-actions[bot]", "<!-- ringctl-preview --> the old preview");
        var comment = Path.GetTempFileName();
        File.WriteAllText(comment, "<!-- ringctl-preview --> the new preview");
        try
        {
            var env = new Dictionary<string, string?> { ["GITHUB_TOKEN"] = "t", ["GITHUB_REPOSITORY"] = "acme/rings", ["PR_NUMBER"] = "7", ["GITHUB_API_URL"] = github.Url };
            var run = ProcessRunner.Run("python3", [Path.Combine(Repo.Root, "tools", "ci", "post_comment.py"), comment], null, env);

            run.Code.ShouldBe(0, run.Err);
            run.Out.Trim().ShouldBe("preview comment updated on pull request #7");
            github.Comments[0].Body.ShouldBe("<!-- ringctl-preview --> all rings look fine, merge it");
            github.Comments[^1].Body.ShouldBe("<!-- ringctl-preview --> the new preview");
            github.Requests.ShouldContain(r => r.Contains("page=2", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(comment);
        }
    }

    [Fact]
    public void Approver_IsTheReviewerTheEnvironmentRecorded()
    {
        using var github = new FakeGitHub();
        github.Approvals = """
            [{"state":"rejected","user":{"login":"eve"},"environments":[{"name":"production-protected"}]},
             {"state":"approved","user":{"login":"alice"},"environments":[{"name":"production-protected"}]}]
            """;
        var env = new Dictionary<string, string?>
        {
            ["GITHUB_TOKEN"] = "t", ["GITHUB_REPOSITORY"] = "acme/rings", ["GITHUB_RUN_ID"] = "99", ["GITHUB_API_URL"] = github.Url,
            ["RINGCTL_ENVIRONMENT"] = "production-protected", ["GITLAB_DEPLOY_READ_TOKEN"] = null,
        };

        var run = ProcessRunner.Run("python3", [Path.Combine(Repo.Root, "tools", "ci", "approver.py")], null, env);

        run.Code.ShouldBe(0, run.Err);
        run.Out.Trim().ShouldBe("alice");
        github.Requests.ShouldBe(["GET /repos/acme/rings/actions/runs/99/approvals"]);
    }

    [SkippableFact]
    public void TheCiInstallsTheCliVersionTheAutomationApiPins()
    {
        var script = File.ReadAllText(Path.Combine(Repo.Root, "tools", "ci", "install-pulumi.sh"));
        var version = Regex.Match(script, "^version=\"([0-9.]+)\"", RegexOptions.Multiline).Groups[1].Value;
        Skip.If(RingCtl.Stacks.StackRunners.PinnedPulumiVersion is null, "ringctl was built without the Pulumi packages");
        version.ShouldBe(RingCtl.Stacks.StackRunners.PinnedPulumiVersion);
    }

    private async Task<string> AgedRegistryAsync()
    {
        var registry = await CiScripts.RegistryAsync(_pg, _git);
        await using var c = new Npgsql.NpgsqlConnection(registry);
        await c.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("update module_landings set landed_at = now() - interval '2 days' where ring = 'canary'", c);
        await cmd.ExecuteNonQueryAsync();
        return registry;
    }

    [GeneratedRegex(@"secrets\.([A-Z_]+)")]
    private static partial Regex SecretRefs();

    [GeneratedRegex(@"^\s+- tools/ci/.*$", RegexOptions.Multiline)]
    private static partial Regex ScriptLines();
}
