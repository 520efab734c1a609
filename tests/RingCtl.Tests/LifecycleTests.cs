using System.Text.Json.Nodes;
using RingCtl.Cli;
using RingCtl.Registry;
using RingCtl.Tests.Support;
using RingInfra.Core.Tests.Support;

namespace RingCtl.Tests;

/// <summary>
/// One source of truth and the whole lifecycle (issue 13), on the real registry: the registry's tenants, default and
/// active flags reach every stack update whatever the files say; onboarding, offboarding, a new default ring and a
/// retired ring, with their stack calls; read-only commands that survive an invalid file; the command line's rules;
/// and <c>--commit</c> on a real temporary git repository.
/// </summary>
[Collection("postgres")]
public sealed class LifecycleTests
{
    private readonly PostgresFixture _pg;

    public LifecycleTests(PostgresFixture pg)
    {
        _pg = pg;
    }

    private static IReadOnlyList<string> Tenants(TempRepo repo, string ring) => repo.Load().Find(ring)!.Config.Tenants;

    [Fact]
    public async Task AMoveWhoseStackFilesWereNeverCommitted_SurvivesUpAll_StackConfigExportsAndIngressAgree()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var stacks = new FakeStacks(h.Repo.Root);
        (await h.RunAsync(stacks, "tenant", "assign", "acme", "canary", "--yes")).ExitCode.ShouldBe(0);
        // The stack-file change was never committed: a fresh checkout has the old files.
        foreach (var file in new[] { "Pulumi.canary.yaml", "Pulumi.stable.yaml" })
        {
            h.Repo.Write(file, File.ReadAllText(Path.Combine(Repo.Root, file)));
        }

        Tenants(h.Repo, "stable").ShouldContain("acme");

        var up = await h.RunAsync(stacks, "up", "--all", "--yes");

        up.ExitCode.ShouldBe(0, up.Err);
        Tenants(h.Repo, "canary").ShouldContain("acme");
        Tenants(h.Repo, "stable").ShouldNotContain("acme");
        stacks.Deployed("canary")!.Value.Tenants.ShouldContain("acme");
        stacks.Deployed("stable")!.Value.Tenants.ShouldNotContain("acme");
        var render = await RingCtlRunner.RunAsync(h.Repo.Root, "render", "canary");
        render.Out.ShouldContain("- host: acme.acme.io\n");
    }

    [Fact]
    public async Task AHandEditedTenantList_IsOverwrittenByTheNextUpdate_AndReconcileSaysSoFirst()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var stacks = new FakeStacks(h.Repo.Root);
        h.Repo.Replace("Pulumi.edge.yaml", "    - bar\n", "");

        var report = await h.RunAsync(stacks, "reconcile");
        report.ExitCode.ShouldBe(0, report.Err);
        report.OutLines.ShouldContain("drift edge: Pulumi.edge.yaml tenants [widgets], the registry [bar, widgets]; missing: bar -> write the registry's assignment into Pulumi.edge.yaml (the registry wins) and update edge");
        var up = await h.RunAsync(stacks, "up", "edge", "--yes");

        up.ExitCode.ShouldBe(0, up.Err);
        Tenants(h.Repo, "edge").Order().ShouldBe(["bar", "widgets"]);
        stacks.Deployed("edge")!.Value.Tenants.ShouldBe(["bar", "widgets"]);
        stacks.Calls.ShouldContain("config edge ring-infra:tenants=[\"bar\",\"widgets\"]");
        (await h.RunAsync(stacks, "reconcile")).ErrLines.Last().ShouldBe("reconcile: 0 unfinished operation(s), 0 drift finding(s) (report only; --apply to act)");
    }

    [Fact]
    public async Task TenantAddThenRemove_WritesTheSharedListAndTheRing_KeepsTheDatabase_AndLogsBoth()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var stacks = new FakeStacks(h.Repo.Root);

        var add = await h.RunAsync(stacks, "tenant", "add", "newco", "--reason", "signed", "--yes");

        add.ExitCode.ShouldBe(0, add.Err);
        add.Out.Trim().ShouldStartWith("tenant newco added to stable (operation #");
        stacks.Calls.ShouldBe([
            "select shared", "config shared ring-infra-shared:tenants=[\"acme\",\"foo\",\"widgets\",\"bar\",\"test-canary\",\"newco\"]", "update shared",
            "select stable", "config stable ring-infra:tenants=[\"acme\",\"foo\",\"newco\"]", "update stable", "outputs stable",
        ]);
        h.Repo.Read("stacks/shared/Pulumi.shared.yaml").ShouldContain("    - test-canary\n    - newco\n");
        (await h.Registry.RingOfTenantAsync("newco", default)).ShouldBe("stable");
        while (stacks.Calls.TryDequeue(out _))
        {
        }

        var noReason = await h.RunAsync(stacks, "tenant", "remove", "newco", "--yes");
        noReason.ExitCode.ShouldBe(ExitCodes.Usage);
        noReason.ErrLines.ShouldBe(["ringctl: --reason: offboarding newco needs a reason, for the operations log"]);
        var remove = await h.RunAsync(stacks, "tenant", "remove", "newco", "--reason", "contract ended", "--yes");

        remove.ExitCode.ShouldBe(0, remove.Err);
        remove.Out.ShouldContain("its database and role 'newco' are kept");
        remove.Out.ShouldContain("pg_dump");
        stacks.Calls.ShouldBe(["select stable", "config stable ring-infra:tenants=[\"acme\",\"foo\"]", "update stable", "outputs stable"]);
        h.Repo.Read("stacks/shared/Pulumi.shared.yaml").ShouldContain("    - newco\n", customMessage: "the database stays");
        (await h.Registry.RingOfTenantAsync("newco", default)).ShouldBeNull();
        var log = await h.Log.HistoryAsync(null, "newco", null, 10, default);
        log.Select(o => $"{o.Kind} {o.Status} {o.Reason}").ShouldBe(["tenant-remove succeeded contract ended", "tenant-add succeeded signed"]);
    }

    [Fact]
    public async Task SetDefaultEdge_ThenRetireStable_DestroysRemovesAndDeletesItsFiles()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var stacks = new FakeStacks(h.Repo.Root);

        var refused = await h.RunAsync(stacks, "ring", "retire", "stable", "--yes");
        refused.ExitCode.ShouldBe(ExitCodes.Conflict);
        refused.ErrLines.Last().ShouldBe("ringctl: ring retire stable: it is the default ring; make another ring the default first (ringctl ring set-default <ring>)");
        var set = await h.RunAsync(stacks, "ring", "set-default", "edge", "--yes");

        set.ExitCode.ShouldBe(0, set.Err);
        stacks.Calls.ShouldBe(["select edge", "config edge ring-infra:default=true", "update edge", "select stable", "config stable ring-infra:default=false", "update stable"]);
        h.Repo.Load().Default.Name.ShouldBe("edge");
        (await h.Registry.FindRingAsync("edge", default))!.IsDefault.ShouldBeTrue();
        (await RingCtlRunner.RunAsync(h.Repo.Root, "render", "edge")).Out.ShouldContain("\"*.acme.io\"");

        foreach (var tenant in new[] { "acme", "foo" })
        {
            (await h.RunAsync(stacks, "tenant", "assign", tenant, "edge", "--yes")).ExitCode.ShouldBe(0);
        }

        while (stacks.Calls.TryDequeue(out _))
        {
        }

        var dry = await h.RunAsync(stacks, "ring", "retire", "stable", "--dry-run");
        dry.ExitCode.ShouldBe(0, dry.Err);
        stacks.Calls.ShouldBeEmpty();
        var retire = await h.RunAsync(stacks, "ring", "retire", "stable", "--reason", "consolidated onto edge", "--yes");

        retire.ExitCode.ShouldBe(0, retire.Err);
        stacks.Calls.ShouldBe(["select stable", "destroy stable", "remove stable"]);
        File.Exists(h.Repo.PathOf("Pulumi.stable.yaml")).ShouldBeFalse();
        File.Exists(h.Repo.PathOf("stacks/locks/stable.lock.json")).ShouldBeFalse();
        (await h.Registry.FindRingAsync("stable", default))!.IsActive.ShouldBeFalse();
        var list = await h.RunAsync(stacks, "ring", "list", "--json");
        JsonNode.Parse(list.Out)!.AsArray().Single(r => r!["name"]!.ToString() == "stable")!["active"]!.GetValue<bool>().ShouldBeFalse();
        (await h.Log.HistoryAsync("stable", null, null, 1, default))[0].Reason.ShouldBe("consolidated onto edge");
    }

    [Fact]
    public async Task ARetiredRing_IsGoneFromPlanAll_AndNoPromotionTarget()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var stacks = new FakeStacks(h.Repo.Root);
        (await h.RunAsync(stacks, "ring", "add", "qa", "--order", "30", "--segment", "qa", "--yes")).ExitCode.ShouldBe(0);
        (await RingCtlRunner.RunAsync(h.Repo.Root, "plan", "--all")).Out.ShouldContain("qa");

        (await h.RunAsync(stacks, "ring", "retire", "qa", "--yes")).ExitCode.ShouldBe(0);

        (await RingCtlRunner.RunAsync(h.Repo.Root, "plan", "--all")).Out.ShouldNotContain("qa");
        var promote = await h.RunAsync(stacks, "promote", "ai", "--version", "2.5.0", "--to", "qa", "--yes");
        promote.ExitCode.ShouldBe(ExitCodes.Usage);
        promote.ErrLines.Last().ShouldStartWith("ringctl: --to: 'qa' is not a ring of this repository");
        var up = await h.RunAsync(stacks, "up", "--all", "--dry-run");
        up.Out.ShouldBe("would update canary, edge, stable (all gates pass)\n");
    }

    [Fact]
    public async Task AnInactiveRingWhoseFilesRemain_IsRefusedAsATarget_AndSkippedByUpAll()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var stacks = new FakeStacks(h.Repo.Root);
        (await h.RunAsync(stacks, "ring", "add", "qa", "--order", "30", "--segment", "qa", "--yes")).ExitCode.ShouldBe(0);
        await h.Registry.SetActiveAsync("qa", false, default);

        var promote = await h.RunAsync(stacks, "promote", "ai", "--from", "canary", "--to", "qa", "--yes");
        promote.ExitCode.ShouldBe(ExitCodes.Usage);
        promote.ErrLines.Last().ShouldBe("ringctl: --to: 'qa' is retired (inactive); a retired ring takes no promotion or rollback");
        var up = await h.RunAsync(stacks, "up", "qa", "--yes");
        up.ExitCode.ShouldBe(ExitCodes.Usage);
        up.ErrLines.Last().ShouldBe("ringctl: ring: 'qa' is retired (inactive); a retired ring is not updated");
        (await h.RunAsync(stacks, "up", "--all", "--dry-run")).Out.ShouldBe("would update canary, edge, stable (all gates pass)\n");
    }

    [Fact]
    public async Task ReadOnlyCommands_Warn_ButWork_WithAnInvalidStackFile()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var stacks = new FakeStacks(h.Repo.Root);
        // A tenant in two rings: the files no longer validate.
        h.Repo.Replace("Pulumi.edge.yaml", "    - bar\n", "    - bar\n    - acme\n");

        foreach (var args in new[] { new[] { "ring", "list" }, ["ring", "show", "stable", "--modules"], ["tenant", "show", "acme"], ["history"] })
        {
            var r = await h.RunAsync(stacks, args);
            r.ExitCode.ShouldBe(0, $"{string.Join(' ', args)}: {r.Err}");
        }

        var show = await h.RunAsync(stacks, "tenant", "show", "acme");
        show.Out.Trim().ShouldBe("acme: ring stable;");
        show.ErrLines.ShouldBe(["ringctl: warning: the stack files do not validate (ring 'edge': tenants must not list a tenant already pinned to ring 'stable' (a tenant is in exactly one ring) (got acme)); showing what the registry holds"]);
        (await h.RunAsync(stacks, "ring", "show", "stable", "--modules")).Out.ShouldContain("module orders 1.5.0 (landed ");
        var up = await h.RunAsync(stacks, "up", "edge", "--yes");
        up.ExitCode.ShouldBe(0, up.Err);
        Tenants(h.Repo, "edge").ShouldNotContain("acme", "the registry wins, and the files validate again");
    }

    public static TheoryData<string[], int, string> Options() => new()
    {
        { ["--actor", "", "ring", "list"], ExitCodes.Usage, "ringctl: --actor: must name who acts, for the operations log (got '')" },
        { ["--actor", "   ", "tenant", "assign", "acme", "canary", "--yes"], ExitCodes.Usage, "ringctl: --actor: must name who acts, for the operations log (got '')" },
        { ["history", "--limit", "0"], ExitCodes.Usage, "ringctl: --limit: must be between 1 and 10000 (got 0)" },
        { ["history", "--ring", "nosuch"], ExitCodes.Usage, "ringctl: --ring: 'nosuch' is no ring the registry or its log has ever known" },
        { ["history", "--tenant", "ghost"], ExitCodes.Usage, "ringctl: --tenant: 'ghost' is no tenant the registry or its log has ever known" },
        { ["history", "--module", "nosuch"], ExitCodes.Usage, "ringctl: --module: 'nosuch' is no module the registry or its log has ever known" },
        { ["reconcile", "--apply", "--yes", "--reason", "after the outage"], ExitCodes.Ok, "reconcile: 0 unfinished operation(s), 0 drift finding(s)" },
        { ["reconcile", "--dry-run"], ExitCodes.Ok, "reconcile: 0 unfinished operation(s), 0 drift finding(s) (report only; --apply to act)" },
        { ["reconcile", "--dry-run", "--apply"], ExitCodes.Usage, "ringctl: reconcile: --apply acts and --dry-run only reports; give one of them" },
        { ["ring", "retire", "canary", "--dry-run", "--reason", "x"], ExitCodes.Conflict, "ringctl: ring retire canary: it still has 1 tenant(s) (test-canary); move them first with ringctl tenant assign" },
        { ["secrets", "sync", "--dry-run"], ExitCodes.Ok, "" },
        { ["ring", "add", "qa", "--order", "30", "--segment", "qa", "--reason", "QA team", "--dry-run"], ExitCodes.Ok, "" },
        { ["ring", "set-default", "stable", "--yes"], ExitCodes.Usage, "ringctl: ring: 'stable' is already the default ring" },
        { ["tenant", "add", "Bad_Name", "--yes"], ExitCodes.Usage, "ringctl: tenant: must be a tenant name" },
        { ["tenant", "add", "acme", "--yes"], ExitCodes.Usage, "ringctl: tenant: 'acme' is already in the registry (ring stable); ringctl tenant assign moves it" },
    };

    [Theory]
    [MemberData(nameof(Options))]
    public async Task EveryOption_IsAcceptedOrRefused_AsDocumented(string[] args, int exit, string message)
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var stacks = new FakeStacks(h.Repo.Root);

        var r = await h.RunAsync(stacks, args);

        r.ExitCode.ShouldBe(exit, r.Err);
        r.Err.ShouldNotContain("Unrecognized");
        if (message.Length > 0)
        {
            r.ErrLines.ShouldContain(l => l.StartsWith(message, StringComparison.Ordinal));
        }

        stacks.Calls.ShouldBeEmpty();
    }

    [Fact]
    public void TheWrapper_RebuildsOnEverySourceKind_ThatRingctlCompilesOrEmbeds()
    {
        var wrapper = File.ReadAllText(Path.Combine(Repo.Root, "ringctl"));
        var kinds = new HashSet<string>(StringComparer.Ordinal) { ".cs", ".csproj", ".props" };
        foreach (var project in new[] { "tools/RingCtl/RingCtl.csproj", "tools/RingCtl.Stacks/RingCtl.Stacks.csproj", "tools/RingCtl.Pulumi/RingCtl.Pulumi.csproj", "infra/RingInfra.Core/RingInfra.Core.csproj" })
        {
            foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(Path.Combine(Repo.Root, project)), "<(EmbeddedResource|Content|None) Include=\"[^\"]*(\\.[a-z]+)\""))
            {
                kinds.Add(m.Groups[2].Value);
            }
        }

        kinds.ShouldContain(".sql", "the migrations are embedded");
        foreach (var kind in kinds)
        {
            wrapper.ShouldContain($"-name '*{kind}'", customMessage: $"./ringctl must rebuild when a {kind} file changes");
        }
    }

    [Fact]
    public async Task WithJson_AnErrorIsAJsonDocumentOnStdout()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        h.Repo.Replace("Pulumi.canary.yaml", "ring-infra:tier: dev", "ring-infra:tier: qa");

        var config = await h.RunAsync(new FakeStacks(h.Repo.Root), "up", "canary", "--yes", "--json");
        var gate = await h.RunAsync(new FakeStacks(h.Repo.Root), "history", "--limit", "0", "--json");
        var parse = await h.RunAsync(new FakeStacks(h.Repo.Root), "promote", "--json");

        var error = JsonNode.Parse(config.Out)!["error"]!;
        (error["code"]!.GetValue<int>(), error["message"]!.ToString()).ShouldBe((2, "invalid configuration"));
        error["problems"]!.AsArray().Select(p => p!.ToString()).ShouldBe(["ring 'canary': tier must be one of dev, staging, production (got qa)"]);
        JsonNode.Parse(gate.Out)!["error"]!["message"]!.ToString().ShouldBe("--limit: must be between 1 and 10000 (got 0)");
        JsonNode.Parse(parse.Out)!["error"]!["code"]!.GetValue<int>().ShouldBe(2);
    }
}

/// <summary><c>--commit</c> on a real temporary git repository: one commit per operation, exactly the files it wrote.</summary>
[Collection("postgres")]
public sealed class CommitTests : IDisposable
{
    private readonly PostgresFixture _pg;
    private readonly GitRepo _git = new();

    public CommitTests(PostgresFixture pg)
    {
        _pg = pg;
    }

    public void Dispose() => _git.Dispose();

    private (string Message, string[] Files) Head() =>
        (_git.Git("log", "-1", "--format=%s").Trim(), _git.Git("show", "--name-only", "--format=", "HEAD").Split('\n', StringSplitOptions.RemoveEmptyEntries));

    private int Commits() => int.Parse(_git.Git("rev-list", "--count", "HEAD").Trim(), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task EveryOperation_CommitsExactlyWhatItWrote_WithItsMessage()
    {
        var registry = await CiScripts.RegistryAsync(_pg, _git);
        await using (var c = new Npgsql.NpgsqlConnection(registry))
        {
            await c.OpenAsync();
            await using var age = new Npgsql.NpgsqlCommand("update module_landings set landed_at = now() - interval '30 days'", c);
            await age.ExecuteNonQueryAsync();
        }

        var stacks = new FakeStacks(_git.Root);
        Task<RingCtlRunner.Result> Run(params string[] args) => RingCtlRunner.RunAsync(_git.Root, new CliContextOptions(registry, _ => stacks), args);
        var steps = new (string[] Args, string Message, string[] Files)[]
        {
            (["tenant", "assign", "acme", "canary", "--yes", "--commit"], "move(acme): stable → canary", ["Pulumi.canary.yaml", "Pulumi.stable.yaml"]),
            (["promote", "ai", "--from", "canary", "--to", "edge", "--yes", "--commit"], "promote(edge): ai 2.4.0 → 2.5.0", ["stacks/locks/edge.lock.json"]),
            (["rollback", "ai", "--ring", "edge", "--yes", "--commit"], "rollback(edge): ai 2.5.0 → 2.4.0", ["stacks/locks/edge.lock.json"]),
            (["ring", "add", "qa", "--order", "30", "--segment", "qa", "--yes", "--commit"], "ring(add): qa", ["Pulumi.qa.yaml", "stacks/locks/qa.lock.json"]),
            (["ring", "retire", "qa", "--yes", "--commit"], "ring(retire): qa", ["Pulumi.qa.yaml", "stacks/locks/qa.lock.json"]),
            (["tenant", "add", "newco", "--yes", "--commit"], "tenant(add): newco", ["Pulumi.stable.yaml", "stacks/shared/Pulumi.shared.yaml"]),
            (["tenant", "remove", "newco", "--reason", "trial ended", "--yes", "--commit"], "tenant(remove): newco", ["Pulumi.stable.yaml"]),
            (["ring", "set-default", "edge", "--yes", "--commit"], "ring(default): edge", ["Pulumi.edge.yaml", "Pulumi.stable.yaml"]),
        };
        foreach (var (args, message, files) in steps)
        {
            var before = Commits();
            var r = await Run(args);
            r.ExitCode.ShouldBe(0, $"{string.Join(' ', args)}: {r.Err}");
            Commits().ShouldBe(before + 1, string.Join(' ', args));
            var (subject, committed) = Head();
            subject.ShouldBe(message);
            committed.ShouldBe(files, string.Join(' ', args));
            _git.Git("status", "--porcelain").ShouldBeEmpty();
        }
    }

    [Fact]
    public async Task APreviewThatReachesTheRegistry_SaysWhatItHolds_ForAHandEditedTenantList()
    {
        var registry = await CiScripts.RegistryAsync(_pg, _git);
        var baseRev = _git.Git("rev-parse", "HEAD").Trim();
        _git.Files.Replace("Pulumi.edge.yaml", "    - bar\n", "    - newco\n");
        _git.Commit("edge gets newco by hand");

        var preview = await RingCtlRunner.RunAsync(_git.Root, new CliContextOptions(registry), "preview", "--base", baseRev, "--offline");

        preview.ExitCode.ShouldBe(0, preview.Err);
        preview.Out.ShouldContain("| ❌ edge | +newco −bar | bar, widgets |");
    }

    [Fact]
    public async Task WithoutCommit_TheGitCommandIsPrinted_AndADirtyFileRefusesCommit()
    {
        var registry = await CiScripts.RegistryAsync(_pg, _git);
        var stacks = new FakeStacks(_git.Root);
        Task<RingCtlRunner.Result> Run(params string[] args) => RingCtlRunner.RunAsync(_git.Root, new CliContextOptions(registry, _ => stacks), args);
        var before = Commits();

        var move = await Run("tenant", "assign", "acme", "canary", "--yes");

        move.ExitCode.ShouldBe(0, move.Err);
        Commits().ShouldBe(before);
        move.ErrLines.Last().ShouldBe("wrote Pulumi.canary.yaml, Pulumi.stable.yaml; to commit them: git add -A -- Pulumi.canary.yaml Pulumi.stable.yaml && git commit -m 'move(acme): stable → canary' -- Pulumi.canary.yaml Pulumi.stable.yaml");
        var json = await Run("tenant", "assign", "foo", "edge", "--yes", "--json");
        JsonNode.Parse(json.Out)!["commit"]!["committed"]!.GetValue<bool>().ShouldBeFalse();

        var dirty = await Run("tenant", "assign", "acme", "stable", "--yes", "--commit");
        dirty.ExitCode.ShouldBe(ExitCodes.Usage);
        dirty.ErrLines.Last().ShouldBe("ringctl: --commit: Pulumi.canary.yaml, Pulumi.edge.yaml, Pulumi.stable.yaml have uncommitted changes; commit or stash them first, so that the commit holds only what ringctl writes");
        (await new RingRegistry(new RegistryDatabase(registry)).RingOfTenantAsync("acme", default)).ShouldBe("canary", "nothing moved");
    }
}
