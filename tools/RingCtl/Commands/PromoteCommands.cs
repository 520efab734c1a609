using System.CommandLine;
using System.Text.Json.Nodes;
using RingCtl.Cli;
using RingCtl.Operations;
using RingInfra.Core.Promotion;

namespace RingCtl.Commands;

/// <summary>
/// <c>promote &lt;module&gt; --from A --to B | --version V --to B</c> and <c>rollback &lt;module&gt; --ring R [--to-version V]</c>.
/// Both print the commit message of the lock change, e.g. <c>promote(edge): orders 1.5.0 → 1.6.0</c>.
/// </summary>
public static class PromoteCommands
{
    public static Command Promote(CliContext context, GlobalOptions globals)
    {
        var module = new Argument<string>("module") { Description = "Module alias, e.g. orders" };
        module.HelpName = "module";
        module.CompletionSources.Add(CompletionCommand.Modules);
        var from = new Option<string?>("--from") { Description = "Ring whose version is promoted" };
        var to = new Option<string>("--to") { Description = "Ring that receives it", Required = true };
        (from.HelpName, to.HelpName) = ("ring", "ring");
        from.CompletionSources.Add(CompletionCommand.Rings);
        to.CompletionSources.Add(CompletionCommand.Rings);
        var version = new Option<string?>("--version", "--with-version") { Description = "Pin this version directly (no source ring)" };
        var sha = new Option<string?>("--sha256") { Description = "Artifact checksum, for a version no ring runs yet" };
        var approvedBy = CommonOptions.ApprovedBy();
        var overrides = CommonOptions.Override();
        var url = new Option<string?>("--url") { Description = "Also verify the target's /api/health at this base URL after the update (a ring with clusters: after each cluster, $cluster and $region substituted)" };
        var (yes, reason, dryRun, commit) = (CommonOptions.Yes(), CommonOptions.Reason(), CommonOptions.DryRun(), CommonOptions.Commit());
        var command = new Command("promote", "Promote a module version into a ring: gates, lock rewrite, stack update, verification") { module, from, to, version, sha, approvedBy, overrides, url, yes, reason, dryRun, commit };
        command.SetAction(async (parse, ct) =>
        {
            if ((parse.GetValue(from) is null) == (parse.GetValue(version) is null))
            {
                throw new CommandException(ExitCodes.Usage, "promote: give exactly one of --from RING or --version VERSION");
            }

            var consent = ChangeGuard.Consent.Parse(parse.GetValue(overrides), parse.GetValue(approvedBy), parse.GetValue(reason));
            var request = new Promotion.Request(parse.GetValue(module)!, parse.GetValue(from), parse.GetValue(to)!, parse.GetValue(version), parse.GetValue(sha),
                consent, IsRollback: false, parse.GetValue(reason)!);
            return await RunAsync(context, globals, parse, request, parse.GetValue(url), parse.GetValue(yes), parse.GetValue(dryRun), parse.GetValue(commit), ct).ConfigureAwait(false);
        });
        return command;
    }

    public static Command Rollback(CliContext context, GlobalOptions globals)
    {
        var module = new Argument<string>("module") { Description = "Module alias, e.g. orders" };
        module.HelpName = "module";
        module.CompletionSources.Add(CompletionCommand.Modules);
        var ring = new Option<string>("--ring") { Description = "Ring to roll back", Required = true };
        ring.HelpName = "ring";
        ring.CompletionSources.Add(CompletionCommand.Rings);
        var toVersion = new Option<string?>("--to-version") { Description = "Version to return to (default: the one before the last promotion)" };
        var approvedBy = CommonOptions.ApprovedBy();
        var url = new Option<string?>("--url") { Description = "Also verify the ring's /api/health at this base URL after the update (a ring with clusters: after each cluster, $cluster and $region substituted)" };
        var (yes, reason, dryRun, commit) = (CommonOptions.Yes(), CommonOptions.Reason(), CommonOptions.DryRun(), CommonOptions.Commit());
        var command = new Command("rollback", "Return a module in a ring to a version it ran before and that is older (allowed in a freeze window; the log notes it)") { module, ring, toVersion, approvedBy, url, yes, reason, dryRun, commit };
        command.SetAction(async (parse, ct) =>
        {
            var consent = ChangeGuard.Consent.Parse(null, parse.GetValue(approvedBy), parse.GetValue(reason));
            var request = new Promotion.Request(parse.GetValue(module)!, null, parse.GetValue(ring)!, parse.GetValue(toVersion), null,
                consent, IsRollback: true, parse.GetValue(reason)!);
            return await RunAsync(context, globals, parse, request, parse.GetValue(url), parse.GetValue(yes), parse.GetValue(dryRun), parse.GetValue(commit), ct).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, GlobalOptions globals, ParseResult parse, Promotion.Request request, string? url, bool yes, bool dryRun, bool commit, CancellationToken ct)
    {
        // The input first, from the files alone: a typo is named before a registry or a stack backend is needed.
        var fleet = FleetSession.Open(parse, globals, context, tenantsFromRegistry: true).Fleet;
        Promotion.Validate(request, fleet);
        if (fleet.Find(request.To) is { } target)
        {
            ClusterVerification.CheckTemplate(url, target);
        }

        await using var session = await RegistrySession.OpenAsync(parse, globals, context, ct).ConfigureAwait(false);
        Func<string, CancellationToken, Task>? verify = url is null ? null : async (ring, token) =>
            await RingHealth.CheckAsync(context.Http, url, ring, $"modules/manifests/{ring}.lock.json", fleet.Find(ring)?.Config.Health.Custom ?? [], token).ConfigureAwait(false);
        var promotion = new Promotion(session.Operations, verify, url);
        var json = parse.GetValue(globals.Json);
        if (dryRun)
        {
            var preview = await promotion.PlanAsync(request, ct).ConfigureAwait(false);
            if (!preview.Decision.Allowed)
            {
                // With --json the refusal is the error document: {"error": {"code": 4, "problems": ["bake: …", …]}}.
                throw Promotion.Refused(preview);
            }

            var changes = Promotion.ChangedObjects(preview, await session.Operations.LoadFleetAsync(ct).ConfigureAwait(false));
            TenantCommands.Report(context, json, Summary(preview, true, null, changes),
                $"would {preview.CommitMessage} (all gates pass); objects that change in {preview.Target.Name}: {string.Join(", ", changes)}{MetricLines(preview.Metrics)}");
            UpgradeNote(context, json, preview);
            return ExitCodes.Ok;
        }

        var written = RepositoryChanges.Begin(session.Root, commit);
        var (plan, id) = await promotion.LeaseAndRunAsync(request, p => Confirmation.Require(context, $"{p.CommitMessage}?", yes), ct).ConfigureAwait(false);
        TenantCommands.Done(context, json, Summary(plan, false, id, []), plan.CommitMessage, written, plan.CommitMessage, session.Operations.Actor);
        UpgradeNote(context, json, plan);
        return ExitCodes.Ok;
    }

    /// <summary>What the promotion does about module upgrades, on stderr (stdout's first line stays the commit message scripts read; JSON has it under <c>upgrade</c>).</summary>
    private static void UpgradeNote(CliContext context, bool json, Promotion.Plan plan)
    {
        if (!json && plan.UpgradeNote is { } note)
        {
            context.Err.WriteLine(note);
        }
    }

    private static JsonObject Summary(Promotion.Plan plan, bool dryRun, long? operation, IReadOnlyList<string> changes) => new()
    {
        ["module"] = plan.Module.Alias,
        ["ring"] = plan.Target.Name,
        ["from"] = plan.Current?.Version.ToString(),
        ["to"] = plan.Module.Version.ToString(),
        ["allowed"] = plan.Decision.Allowed,
        ["refusals"] = JsonOutput.Gates(plan.Decision.Refusals),
        ["overridden"] = JsonOutput.Gates(plan.Decision.Overridden),
        ["notes"] = JsonOutput.Strings(plan.Decision.Notes),
        ["approvedBy"] = plan.Request.Consent.ApprovedBy,
        ["commitMessage"] = plan.CommitMessage,
        ["dryRun"] = dryRun,
        ["operation"] = operation,
        ["changes"] = JsonOutput.Strings(changes),
        ["metrics"] = JsonOutput.Metrics(plan.Metrics),
        ["upgrade"] = new JsonObject
        {
            ["modules"] = JsonOutput.Strings(plan.Upgrade),
            ["job"] = plan.Upgrade.Count > 0 ? plan.JobName : null,
            ["upgradedIn"] = plan.UpgradedIn,
            ["note"] = plan.UpgradeNote,
        },
    };

    /// <summary>Each metric gate's steps, one line each: what a reviewer reads before a promotion.</summary>
    public static string MetricLines(IReadOnlyList<RingInfra.Core.Metrics.MetricVerdict> verdicts) => string.Concat(verdicts.Select(v =>
        $"\nmetric {v.Gate.Name} of {v.Ring} ({v.Gate.Bound}, per {RingInfra.Core.Config.RingConfigBinder.FormatDuration(v.Gate.Step)}): {(v.Passed ? "passes" : v.Failure)}"
        + string.Concat(v.Steps.Select(s => $"\n  {RingInfra.Core.Metrics.MetricJudge.When(s.At)}  {(s.Value is { } x ? RingInfra.Core.Metrics.MetricJudge.Format(x) : "no data"),-10} {(s.Ok ? "ok" : "FAILS")}"))));
}
