using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using RingCtl.Cli;
using RingCtl.Operations;
using RingInfra.Core.Config;
using RingInfra.Core.Promotion;
using RingInfra.Core.Tenants;

namespace RingCtl.Commands;

/// <summary>
/// <c>tenant move --to RING (--tenants … | --from-file FILE | --from-ring RING [--limit N]) [--wave-size N] [--pause D] [--verify]</c>,
/// <c>--resume OP_ID</c> and <c>--revert OP_ID</c>: many tenants in gated waves (<see cref="WaveMove"/>).
/// </summary>
public static class TenantMoveCommand
{
    /// <summary>The longest pause between waves (a run holds its rings' leases throughout).</summary>
    public static readonly TimeSpan MaxPause = TimeSpan.FromHours(6);

    public static Command Build(CliContext context, GlobalOptions globals)
    {
        var to = new Option<string?>("--to") { Description = "The ring the tenants move to" };
        var tenants = new Option<string?>("--tenants") { Description = "The tenants, comma-separated" };
        var fromFile = new Option<string?>("--from-file") { Description = "A file of tenants, one per line ('#' starts a comment)" };
        var fromRing = new Option<string?>("--from-ring") { Description = "Every tenant of this ring, by name (with --limit, the first N)" };
        var limit = new Option<int?>("--limit") { Description = "With --from-ring: move only the first N tenants (by name)" };
        var waveSize = new Option<int?>("--wave-size") { Description = "Tenants per wave (default: all in one wave); each wave costs one update of each ring it touches" };
        var pause = new Option<string?>("--pause") { Description = "Between waves: wait this long (30s, 10m; up to 6h); with --verify the target's metric gates are watched over it" };
        var verify = new Option<bool>("--verify") { Description = "Between waves: watch the target ring's metric gates (ring-infra:gates) over --pause, besides its /api/health" };
        var url = new Option<string?>("--url") { Description = "Base URL of the target ring's /api/health between waves (default: http://nginx.<namespace>.svc.cluster.local)" };
        var resume = new Option<long?>("--resume") { Description = "Continue a stopped run (its operation id) with its next wave" };
        var revert = new Option<long?>("--revert") { Description = "Move every tenant a run (its operation id) moved back to the ring it came from, in waves" };
        var (yes, reason, dryRun, commit) = (CommonOptions.Yes(), CommonOptions.Reason(), CommonOptions.DryRun(), CommonOptions.Commit());
        dryRun.Description = "Print the waves and the objects each wave changes, and the gates' decision; change nothing";
        var command = new Command("move", "Move many tenants in waves: per wave one registry transaction, one update of the target and of each source ring, a check; the target verifies between waves")
            { to, tenants, fromFile, fromRing, limit, waveSize, pause, verify, url, resume, revert, yes, reason, dryRun, commit };
        command.SetAction(async (parse, ct) =>
        {
            // Every input problem before the registry is opened, all at once: a typo is named even without a backend.
            var input = Validate(parse, to, tenants, fromFile, fromRing, limit, waveSize, pause, url, resume, revert);
            await using var session = await RegistrySession.OpenAsync(parse, globals, context, ct).ConfigureAwait(false);
            var move = new WaveMove(session.Operations);
            var plan = input.Resume is { } r ? await move.ResumePlanAsync(r, ct).ConfigureAwait(false)
                : input.Revert is { } v ? await move.RevertPlanAsync(v, parse.GetValue(waveSize), ct).ConfigureAwait(false)
                : await move.PlanAsync(input.To!, input.Tenants, parse.GetValue(fromRing), parse.GetValue(limit), parse.GetValue(waveSize), ct).ConfigureAwait(false);
            var options = new WaveMove.Options(input.Pause, parse.GetValue(verify), parse.GetValue(url), parse.GetValue(reason)!);
            var json = parse.GetValue(globals.Json);
            if (plan.Moves.Count == 0)
            {
                var nothing = input.Resume is { } id ? $"operation #{id} has no wave left to run: nothing to do"
                    : $"every tenant named is in {input.To} already: nothing to do";
                TenantCommands.Report(context, json, new JsonObject { ["changed"] = false, ["alreadyThere"] = JsonOutput.Strings(plan.AlreadyThere) }, nothing);
                return ExitCodes.Ok;
            }

            if (plan.AlreadyThere.Count > 0 && !json)
            {
                context.Err.WriteLine($"already in {input.To}, left out: {WaveMove.Sample(plan.AlreadyThere)}");
            }

            if (parse.GetValue(dryRun))
            {
                return await DryRunAsync(context, json, session.Operations, move, plan, options, ct).ConfigureAwait(false);
            }

            var written = RepositoryChanges.Begin(session.Root, parse.GetValue(commit));
            Confirmation.Require(context, $"move {plan.Describe} in {plan.Waves.Count} wave(s)?", parse.GetValue(yes));
            string Message(int moved) => $"move({moved} tenant{(moved == 1 ? "" : "s")}): {string.Join(",", plan.Sources)} → {string.Join(",", plan.Targets)}";
            WaveMove.Outcome outcome;
            try
            {
                outcome = await move.RunAsync(plan, options, ct).ConfigureAwait(false);
            }
            catch (CommandException)
            {
                // A stopped run keeps the waves it completed: their stack files are committed (or named) as on success.
                var stopped = move.LastRun is { } last ? $"{Message(last.MovedCount)}, stopped after wave {last.LastCompleted} (operation #{last.Id})" : Message(0);
                if (written.Finish(stopped, session.Operations.Actor).Text is { } note)
                {
                    context.Err.WriteLine(note);
                }

                throw;
            }

            TenantCommands.Done(context, json, Summary(plan, outcome), Text(plan, outcome), written, Message(outcome.Moved.Count), session.Operations.Actor);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The command line, checked whole: which tenants, which target, the wave options.</summary>
    public sealed record Input(string? To, IReadOnlyList<string>? Tenants, TimeSpan Pause, long? Resume, long? Revert);

    private static Input Validate(ParseResult parse, Option<string?> to, Option<string?> tenants, Option<string?> fromFile, Option<string?> fromRing,
        Option<int?> limit, Option<int?> waveSize, Option<string?> pause, Option<string?> url, Option<long?> resume, Option<long?> revert)
    {
        var problems = new List<string>();
        var (resumeId, revertId) = (parse.GetValue(resume), parse.GetValue(revert));
        var sources = new[] { ("--tenants", parse.GetValue(tenants)), ("--from-file", parse.GetValue(fromFile)), ("--from-ring", parse.GetValue(fromRing)) }
            .Where(s => s.Item2 is not null).Select(s => s.Item1).ToList();
        IReadOnlyList<string>? list = null;
        if (resumeId is not null || revertId is not null)
        {
            var given = sources.Concat(parse.GetValue(to) is null ? [] : new[] { "--to" }).Concat(parse.GetValue(limit) is null ? [] : new[] { "--limit" }).ToList();
            if (resumeId is not null && revertId is not null)
            {
                problems.Add("--resume and --revert: give one (--resume continues a run, --revert moves its tenants back)");
            }

            if (given.Count > 0)
            {
                problems.Add($"{(resumeId is not null ? "--resume" : "--revert")}: the run's own plan is used; drop {string.Join(", ", given)}");
            }

            if (resumeId is not null && parse.GetValue(waveSize) is not null)
            {
                problems.Add("--wave-size: --resume keeps the run's waves; drop --wave-size");
            }

            if ((resumeId ?? revertId) is <= 0)
            {
                problems.Add($"{(resumeId is not null ? "--resume" : "--revert")}: must be an operation id (a positive number; got {resumeId ?? revertId})");
            }
        }
        else
        {
            if (parse.GetValue(to) is not { } target)
            {
                problems.Add("--to: required: the ring the tenants move to");
            }
            else if (!Names.IsDnsLabel(target))
            {
                problems.Add($"--to: '{target}' {Names.DnsLabelRule}");
            }

            if (sources.Count != 1)
            {
                problems.Add(sources.Count == 0
                    ? "tenants: name them with one of --tenants a,b,c, --from-file FILE or --from-ring RING"
                    : $"tenants: give one of --tenants, --from-file, --from-ring (got {string.Join(", ", sources)})");
            }

            if (parse.GetValue(fromRing) is { } ring && !Names.IsDnsLabel(ring))
            {
                problems.Add($"--from-ring: '{ring}' {Names.DnsLabelRule}");
            }

            if (parse.GetValue(limit) is { } n && (parse.GetValue(fromRing) is null || n <= 0))
            {
                problems.Add(n <= 0 ? $"--limit: must be a positive number of tenants (got {n})" : "--limit: only with --from-ring (it takes that ring's first N tenants)");
            }

            list = TenantList(parse.GetValue(tenants), parse.GetValue(fromFile), problems);
        }

        if (parse.GetValue(waveSize) is <= 0)
        {
            problems.Add($"--wave-size: must be a positive number of tenants per wave (got {parse.GetValue(waveSize)})");
        }

        var pauseFor = TimeSpan.Zero;
        if (parse.GetValue(pause) is { } p)
        {
            if (RingConfigBinder.ParseDuration(p) is { } d && d <= MaxPause)
            {
                pauseFor = d;
            }
            else
            {
                problems.Add($"--pause: must be a duration up to 6h such as 30s, 10m or 1h (got '{p}')");
            }
        }

        if (parse.GetValue(url) is { } u && !(Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            problems.Add($"--url: must be an absolute http(s) URL (got '{u}')");
        }

        if (problems.Count > 0)
        {
            throw new CommandException(ExitCodes.Usage, string.Join(Environment.NewLine, problems) + Environment.NewLine + "nothing was changed");
        }

        return new Input(parse.GetValue(to), list, pauseFor, resumeId, revertId);
    }

    private static IReadOnlyList<string>? TenantList(string? option, string? file, List<string> problems)
    {
        IEnumerable<(string Where, string Text)> entries;
        if (option is not null)
        {
            entries = TenantWaves.OptionEntries(option);
        }
        else if (file is not null)
        {
            if (!File.Exists(file))
            {
                problems.Add($"--from-file: '{file}' does not exist");
                return null;
            }

            entries = TenantWaves.FileEntries(file, File.ReadAllText(file));
        }
        else
        {
            return null;
        }

        var (tenants, bad) = TenantWaves.ParseList(entries);
        problems.AddRange(bad.Take(20));
        if (bad.Count > 20)
        {
            problems.Add($"… and {bad.Count - 20} more problems in the tenant list");
        }

        if (bad.Count == 0 && tenants.Count == 0)
        {
            problems.Add($"{(file is null ? "--tenants" : $"--from-file: {file}")}: names no tenant");
        }

        return tenants;
    }

    private static async Task<int> DryRunAsync(CliContext context, bool json, OperationContext ops, WaveMove move, WaveMove.Plan plan, WaveMove.Options options, CancellationToken ct)
    {
        var fleet = await ops.LoadFleetAsync(ct).ConfigureAwait(false);
        WaveMove.Check(plan, options, fleet);
        var decision = await move.DecideAsync(fleet, plan.Moves, ct).ConfigureAwait(false);
        if (!decision.Allowed)
        {
            // The refusal a real run would meet, before anything changes (a dry run writes no log row).
            throw ChangeGuard.Refusal($"move {plan.Describe}", decision);
        }

        var changes = WaveMove.Preview(fleet, plan);
        var waves = new JsonArray();
        var text = new System.Text.StringBuilder(
            $"would move {plan.Describe} in {plan.Waves.Count} wave(s){(plan.WaveSize is { } size ? $" of up to {size}" : "")} (all gates pass); per wave: the registry, then {string.Join(", ", plan.Targets)}, then the rings they leave");
        for (var i = 0; i < plan.Waves.Count; i++)
        {
            var wave = plan.Waves[i];
            var (targets, sources) = TenantWaves.Rings(wave);
            var ids = changes[i].Select(c => c.Summary).ToList();
            waves.Add(new JsonObject
            {
                ["wave"] = plan.FirstWave + i,
                ["tenants"] = JsonOutput.Strings(wave.Select(m => m.Tenant)),
                ["from"] = JsonOutput.Strings(sources),
                ["to"] = JsonOutput.Strings(targets),
                ["stackUpdates"] = JsonOutput.Strings(TenantWaves.UpdateOrder(wave)),
                ["changes"] = JsonOutput.Strings(ids),
            });
            text.Append(CultureInfo.InvariantCulture, $"\n  wave {plan.FirstWave + i}/{plan.TotalWaves}: {wave.Count} tenant(s) ({WaveMove.Sample([.. wave.Select(m => m.Tenant)])}) from {string.Join(", ", sources)}; stack updates: {string.Join(", ", TenantWaves.UpdateOrder(wave))}; objects that change: {string.Join(", ", ids)}");
        }

        TenantCommands.Report(context, json, new JsonObject
        {
            ["dryRun"] = true,
            ["to"] = JsonOutput.Strings(plan.Targets),
            ["tenants"] = plan.Moves.Count,
            ["alreadyThere"] = JsonOutput.Strings(plan.AlreadyThere),
            ["waves"] = waves,
            ["notes"] = JsonOutput.Strings(decision.Notes),
        }, text.ToString());
        return ExitCodes.Ok;
    }

    private static JsonObject Summary(WaveMove.Plan plan, WaveMove.Outcome outcome) => new()
    {
        ["operation"] = outcome.Id,
        ["to"] = JsonOutput.Strings(plan.Targets),
        ["waves"] = outcome.Waves,
        ["moved"] = outcome.Moved.Count,
        ["skipped"] = new JsonArray([.. outcome.Skipped.Select(s => (JsonNode)new JsonObject { ["tenant"] = s.Move.Tenant, ["planned"] = s.Move.From, ["now"] = s.Now })]),
        ["stackUpdates"] = new JsonObject([.. outcome.Updates.Select(u => KeyValuePair.Create(u.Key, (JsonNode?)u.Value))]),
        ["changed"] = outcome.Moved.Count > 0,
    };

    private static string Text(WaveMove.Plan plan, WaveMove.Outcome outcome)
    {
        var updates = string.Join(", ", outcome.Updates.Select(u => $"{u.Key} {u.Value}"));
        var line = $"moved {outcome.Moved.Count} tenant(s) to {string.Join(", ", plan.Targets)} in {outcome.Waves} wave(s) (operation #{outcome.Id}); stack updates: {(updates.Length == 0 ? "none" : updates)}";
        return outcome.Skipped.Count == 0 ? line
            : line + $"\nskipped {outcome.Skipped.Count} tenant(s) that moved meanwhile: {WaveMove.Sample([.. outcome.Skipped.Select(s => $"{s.Move.Tenant} (now in {s.Now ?? "no ring"})")])}";
    }
}
