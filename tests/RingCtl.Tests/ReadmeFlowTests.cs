using System.Text.Json.Nodes;
using RingCtl.Cli;
using RingCtl.Registry;
using RingCtl.Stacks;
using RingCtl.Tests.Support;
using RingInfra.Core.Tests.Support;

namespace RingCtl.Tests;

/// <summary>
/// The README's flow on ringctl's own private registry (no RINGCTL_DATABASE_URL: it starts PostgreSQL
/// under .ringctl/, migrates and seeds it — bake clocks from the locks' git history), without Pulumi: every
/// step that touches no stack works, and the ones that would touch a stack stop with a clear message.
/// </summary>
public sealed class ReadmeFlowTests : IDisposable
{
    // A checkout whose locks were committed 8 days ago, as this repository's were.
    private readonly GitRepo _git = new(TimeSpan.FromDays(8));

    private TempRepo Repo => _git.Files;

    public void Dispose()
    {
        if (Directory.Exists(Path.Combine(Repo.Root, ".ringctl", "postgres", "data")))
        {
            new LocalPostgres(Path.Combine(Repo.Root, ".ringctl", "postgres")).Stop();
        }

        _git.Dispose();
    }

    private Task<RingCtlRunner.Result> Run(params string[] args) =>
        RingCtlRunner.RunAsync(Repo.Root, new CliContextOptions(DatabaseUrl: null), args);

    [Fact]
    public async Task TheReadmeFlow_WorksOnThePrivateRegistry_WithoutPulumi()
    {
        // Without Pulumi (no packages, or no CLI) the stack step stops with the reason; where a CLI exists it would run for real.
        if (StackRunners.Create(Repo.Root) is UnavailableStackRunner unavailable)
        {
            var up = await Run("up", "canary", "--yes");
            up.ExitCode.ShouldBe(ExitCodes.Infrastructure);
            up.ErrLines.Last().ShouldBe($"ringctl: cannot update stacks here: {unavailable.Reason}. `./ringctl plan` shows what would be deployed; --dry-run previews an operation offline");
            unavailable.Reason.ShouldStartWith(StackRunners.BuiltWithPulumi ? "the Pulumi CLI is not installed" : "this ringctl was built without the Pulumi packages");
            if (StackRunners.BuiltWithPulumi)
            {
                unavailable.Reason.ShouldContain("`ringctl up --install-pulumi` installs Pulumi ");
            }
        }

        var list = await Run("ring", "list", "--json");
        list.ExitCode.ShouldBe(0, list.Err);
        list.ErrLines.ShouldContain("registry seeded from the stack files: 3 rings, 5 tenants; all 69 module landings dated from git history");

        JsonNode.Parse(list.Out)!.AsArray().Select(r => r!["name"]!.ToString()).ShouldBe(["stable", "edge", "canary"]);

        var add = await Run("ring", "add", "qa", "--order", "30", "--segment", "qa", "--from", "canary", "--yes");
        add.ExitCode.ShouldBe(0, add.Err);
        add.Out.ShouldContain("ring qa added (operation #1)");
        add.Out.ShouldContain("run `ringctl up qa` where Pulumi is installed");
        File.Exists(Repo.PathOf("Pulumi.qa.yaml")).ShouldBeTrue();
        (await Run("lint", "--all")).ExitCode.ShouldBe(0);

        var assign = await Run("tenant", "assign", "acme", "qa", "--dry-run");
        assign.ExitCode.ShouldBe(0, assign.Err);
        assign.Out.ShouldStartWith("would move acme: stable → qa (stacks qa, then stable); objects that change:");
        assign.Out.ShouldContain("changed Ingress autocom-qa/ring spec.rules[acme.acme.io]");

        var promote = await Run("promote", "ai", "--version", "2.5.0", "--to", "edge", "--dry-run");
        promote.ExitCode.ShouldBe(0, promote.Err);
        promote.Out.Trim().ShouldBe("would promote(edge): ai 2.4.0 → 2.5.0 (all gates pass); objects that change in edge: ConfigMap autocom-edge/ring-module-lock, ConfigMap autocom-edge/ring-nginx-conf, Deployment autocom-edge/api, Deployment autocom-edge/horizon, Deployment autocom-edge/nginx");

        var history = await Run("history", "--json");
        history.ExitCode.ShouldBe(0);
        JsonNode.Parse(history.Out)!.AsArray().Select(o => $"{o!["kind"]} {o["status"]}").ShouldBe(["ring-add succeeded"]);

        var reconcile = await Run("reconcile");
        reconcile.ExitCode.ShouldBe(0, reconcile.Err);
        reconcile.ErrLines.Last().ShouldBe("reconcile: 0 unfinished operation(s), 0 drift finding(s) (report only; --apply to act)");

        var show = await Run("tenant", "show", "acme", "--json");
        JsonNode.Parse(show.Out)!["ring"]!.ToString().ShouldBe("stable");
    }
}
