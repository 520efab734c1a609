using System.CommandLine;
using System.Text.Json.Nodes;
using RingCtl.Cli;
using RingCtl.Operations;
using RingInfra.Core.Config;
using RingInfra.Core.Metrics;
using Spectre.Console;

namespace RingCtl.Commands;

/// <summary>
/// <c>ringctl metrics &lt;ring&gt;… [--since D]</c>: doc 003's cross-ring comparison — each ring's metric gates, step by
/// step, side by side, judged as a promotion out of the ring would judge them. Reads the files and Prometheus only.
/// </summary>
public static class MetricsCommand
{
    public static Command Build(CliContext context, GlobalOptions globals)
    {
        var rings = RingArgument.Create("Rings to compare");
        var all = new Option<bool>("--all") { Description = "Every active ring" };
        var since = new Option<string>("--since") { Description = "How far back (1h, 24h, 7d)", DefaultValueFactory = _ => "24h" };
        var command = new Command("metrics", "Each ring's metric gates per step, side by side (doc 003's cross-ring comparison)") { rings, all, since };
        command.SetAction(async (parse, ct) =>
        {
            var sinceText = parse.GetValue(since)!;
            var window = RingConfigBinder.ParseDuration(sinceText) is { } d && d > TimeSpan.Zero && d <= TimeSpan.FromDays(31)
                ? d : throw new CommandException(ExitCodes.Usage, $"--since: must be a duration from 1m to 31d such as 24h (got {sinceText})");
            var fleet = FleetSession.Open(parse, globals, context, tenantsFromRegistry: true);
            var selected = fleet.Select(parse.GetValue(rings) ?? [], parse.GetValue(all), defaultAll: false);
            // In rollout order (the least conservative ring first), as a release travels.
            var gated = selected.Where(r => r.Config.Gates.Any).OrderByDescending(r => r.Config.PromotionOrder).ToList();
            if (gated.Count == 0)
            {
                throw new CommandException(ExitCodes.Usage, $"ring: {string.Join(", ", selected.Select(r => r.Name))} {(selected.Count == 1 ? "has" : "have")} no metric gates (ring-infra:gates)");
            }

            var now = context.Clock.Now;
            var verdicts = new List<MetricVerdict>();
            foreach (var ring in gated)
            {
                verdicts.AddRange(await PrometheusClient.For(context.Http, context.PrometheusUrl, ring).JudgeAsync(ring, now - window, now, ct).ConfigureAwait(false));
            }

            foreach (var ring in selected.Except(gated))
            {
                context.Err.WriteLine($"ringctl: {ring.Name} has no metric gates: left out");
            }

            if (parse.GetValue(globals.Json))
            {
                JsonOutput.Write(context, new JsonObject { ["since"] = sinceText, ["until"] = MetricJudge.When(now), ["gates"] = JsonOutput.Metrics(verdicts) });
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumn("step ending (UTC)");
            foreach (var v in verdicts)
            {
                table.AddColumn(new TableColumn(Markup.Escape($"{v.Ring} {v.Gate.Name} ({v.Gate.Bound})")).RightAligned());
            }

            foreach (var at in verdicts.SelectMany(v => v.Steps.Select(s => s.At)).Distinct().Order())
            {
                table.AddRow([MetricJudge.When(at), .. verdicts.Select(v => v.Steps.FirstOrDefault(s => s.At == at) is { } s
                    ? (s.Value is { } x ? MetricJudge.Format(x) : "no data") + (s.Ok ? "" : " !")
                    : "")]);
            }

            context.Console.Write(table);
            foreach (var v in verdicts)
            {
                context.Out.WriteLine($"{v.Ring} {v.Gate.Name}: {(v.Passed ? "every step within its bound" : v.Failure)}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
