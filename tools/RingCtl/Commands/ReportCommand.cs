using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text;
using RingCtl.Cli;
using RingCtl.Operations;
using RingCtl.Registry;
using RingInfra.Core.Fleet;
using RingInfra.Core.Promotion;

namespace RingCtl.Commands;

/// <summary>
/// <c>ringctl report --out FILE.html</c> (issue 17): one self-contained HTML file — no script, no external asset, no
/// network — with the status matrix, doc 003's ring-progression picture per module (one SVG lane per ring, a marker
/// where each version landed), bake progress and the last 50 operations. For people and CI artifacts.
/// </summary>
public static class ReportCommand
{
    /// <summary>A version's arrival in a ring: from the operations log (promote, rollback) or the registry's current landing.</summary>
    public sealed record Landing(string Ring, string Module, string Version, DateTimeOffset At);

    public static Command Build(CliContext context, GlobalOptions globals)
    {
        var output = new Option<string>("--out") { Description = "The HTML file to write", Required = true };
        var command = new Command("report", "Write the fleet's release report as one self-contained HTML file (status, per-module ring timelines, bake progress, last operations)") { output };
        command.SetAction(async (parse, ct) =>
        {
            var path = Path.GetFullPath(parse.GetValue(output)!, context.WorkingDirectory);
            if (!path.EndsWith(".html", StringComparison.OrdinalIgnoreCase))
            {
                throw new CommandException(ExitCodes.Usage, $"--out: must name an .html file (got {parse.GetValue(output)})");
            }

            await using var session = await RegistrySession.OpenAsync(parse, globals, context, ct).ConfigureAwait(false);
            var ops = session.Operations;
            var fleet = await ops.LoadFleetAsync(ct).ConfigureAwait(false);
            var (rings, modules) = StatusCommand.View(fleet);
            var (cells, lines) = await StatusCommand.BuildAsync(ops, fleet, modules, ct).ConfigureAwait(false);
            var history = await ops.Log.HistoryAsync(null, null, null, 1000, ct).ConfigureAwait(false);
            var landings = Landings(await ops.Registry.AllLandingsAsync(ct).ConfigureAwait(false), history);
            var now = await ops.Registry.NowAsync(ct).ConfigureAwait(false);
            var html = Html(rings, modules, cells, lines, landings, [.. history.Take(50)], now);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path + ".tmp", html, ct).ConfigureAwait(false);
            File.Move(path + ".tmp", path, overwrite: true);
            TenantCommands.Report(context, parse.GetValue(globals.Json), new System.Text.Json.Nodes.JsonObject { ["out"] = path, ["bytes"] = Encoding.UTF8.GetByteCount(html) },
                $"report: {path} ({rings.Count} rings, {modules.Count} modules, {landings.Count} landings)");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Every succeeded promotion and rollback, and each current landing the log does not already show (a seeded one).</summary>
    public static IReadOnlyList<Landing> Landings(IReadOnlyList<(string Ring, string Module, string Version, DateTimeOffset LandedAt)> current, IReadOnlyList<OperationRecord> history)
    {
        var fromLog = history.Where(o => o is { Kind: "promote" or "rollback", Status: "succeeded", Module: not null, ToValue: not null } && o.Rings.Length > 0)
            .Select(o => new Landing(o.Rings[^1], o.Module!, o.ToValue!, o.FinishedAt ?? o.StartedAt)).ToList();
        var seeded = current.Where(c => !fromLog.Any(l => l.Ring == c.Ring && l.Module == c.Module && l.Version == c.Version))
            .Select(c => new Landing(c.Ring, c.Module, c.Version, c.LandedAt));
        return [.. fromLog.Concat(seeded).OrderBy(l => l.Module, StringComparer.Ordinal).ThenBy(l => l.At)];
    }

    private static string E(string? s) => WebUtility.HtmlEncode(s ?? "");

    private static string When(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + "Z";

    public static string Html(IReadOnlyList<RingDefinition> rings, IReadOnlyList<string> modules, IReadOnlyList<StatusCommand.Cell> cells,
        IReadOnlyList<StatusCommand.RingLine> lines, IReadOnlyList<Landing> landings, IReadOnlyList<OperationRecord> operations, DateTimeOffset now)
    {
        var sb = new StringBuilder();
        sb.Append("""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>RingInfra release report</title>
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2430}
            h1{margin:0 0 4px}h2{margin:28px 0 8px;border-bottom:1px solid #d0d7de}
            table{border-collapse:collapse}td,th{padding:3px 8px;border-bottom:1px solid #eef1f4;text-align:left;white-space:nowrap}
            .differs{background:#fff3c4;font-weight:600}.state{font-size:12px}
            .eligible{color:#116329}.baking{color:#9a6700}.blocked{color:#b42318}.equal{color:#8c959f}
            .bar{display:inline-block;width:200px;height:10px;background:#eef1f4;vertical-align:middle}.bar i{display:block;height:10px;background:#bf8700}
            svg text{font:12px system-ui,sans-serif;fill:#1d2430}.lane line{stroke:#d0d7de}.landing{fill:#0969da}
            .muted{color:#57606a}
            </style></head><body>
            <h1>RingInfra release report</h1>
            """);
        sb.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Generated {E(When(now))} from the registry. Rings from the most conservative: {E(string.Join(" ← ", rings.Select(r => r.Name)))}.</p>\n");

        // The status matrix: the same cells as `ringctl status`.
        sb.Append("<h2>Status</h2>\n<table id=\"status\"><tr><th>module</th>");
        for (var i = 0; i < rings.Count; i++)
        {
            sb.Append(i > 0 ? "<th>←</th>" : "").Append("<th>").Append(E(rings[i].Name)).Append("</th>");
        }

        sb.Append("</tr>\n");
        foreach (var m in modules)
        {
            sb.Append("<tr data-module=\"").Append(E(m)).Append("\"><td>").Append(E(m)).Append("</td>");
            for (var i = 0; i < rings.Count; i++)
            {
                if (i > 0)
                {
                    var state = cells.Single(c => c.Module == m && c.From == rings[i].Name).State;
                    sb.Append("<td class=\"state ").Append(state.Kind.ToString().ToLowerInvariant()).Append("\" title=\"").Append(E(string.Join("\n", state.Reasons.Select(r => r.ToString())))).Append("\">")
                        .Append(E(state.Text(shortForm: false))).Append("</td>");
                }

                var version = rings[i].Lock.Find(m)?.Version.ToString() ?? "-";
                var differs = i > 0 && version != (rings[i - 1].Lock.Find(m)?.Version.ToString() ?? "-");
                sb.Append("<td class=\"v").Append(differs ? " differs" : "").Append("\" data-ring=\"").Append(E(rings[i].Name)).Append("\">").Append(E(version)).Append("</td>");
            }

            sb.Append("</tr>\n");
        }

        sb.Append("</table>\n<h2>Rings</h2>\n<table id=\"rings\"><tr><th>ring</th><th>tier</th><th>tenants</th><th>protected</th><th>frozen until</th><th>held</th><th>last operation</th></tr>\n");
        foreach (var l in lines)
        {
            sb.Append("<tr><td>").Append(E(l.Ring.Name)).Append("</td><td>").Append(E(l.Ring.Config.Tier.ToString().ToLowerInvariant())).Append("</td><td>")
                .Append(l.Tenants.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(l.Ring.Config.Protected ? "yes" : "no").Append("</td><td>")
                .Append(E(l.Frozen is { } f ? When(f.End) + " (" + f.Reason + ")" : "-")).Append("</td><td>").Append(E(l.Held ?? "-")).Append("</td><td>")
                .Append(E(l.Last is { } last ? $"{last.Summary}, {PromotionState.Duration(last.Age)} ago" : "-")).Append("</td></tr>\n");
        }

        // Bake progress: how far each baking version is through its source ring's bake time.
        sb.Append("</table>\n<h2>Bake progress</h2>\n");
        var baking = cells.Where(c => c.State.Kind == PromotionStateKind.Baking).ToList();
        if (baking.Count == 0)
        {
            sb.Append("<p class=\"muted\">Nothing is baking.</p>\n");
        }

        foreach (var c in baking)
        {
            var bake = rings.Single(r => r.Name == c.From).Config.BakeTime;
            var done = bake > TimeSpan.Zero ? Math.Clamp(1 - (c.State.Remaining!.Value / bake), 0, 1) : 1;
            sb.Append(CultureInfo.InvariantCulture, $"<p class=\"bake\" data-module=\"{E(c.Module)}\" data-from=\"{E(c.From)}\">{E(c.Module)} in {E(c.From)} → {E(c.To)}: <span class=\"bar\"><i style=\"width:{done * 100:0}%\"></i></span> {done * 100:0}% · {E(PromotionState.Duration(c.State.Remaining!.Value))} to go</p>\n");
        }

        // doc 003's ring progression: per module, one lane per ring, a marker where each version landed.
        sb.Append("<h2>Release timelines</h2>\n");
        var from = landings.Count == 0 ? now.AddDays(-1) : landings.Min(l => l.At);
        var span = Math.Max(1, (now - from).TotalSeconds);
        const int left = 90, width = 760, laneHeight = 26;
        foreach (var m in modules)
        {
            var own = landings.Where(l => l.Module == m).ToList();
            sb.Append(CultureInfo.InvariantCulture, $"<h3>{E(m)}</h3>\n<svg class=\"timeline\" data-module=\"{E(m)}\" width=\"{left + width + 20}\" height=\"{(rings.Count * laneHeight) + 10}\" role=\"img\">\n");
            for (var i = 0; i < rings.Count; i++)
            {
                var y = (i * laneHeight) + 15;
                sb.Append(CultureInfo.InvariantCulture, $"<g class=\"lane\" data-ring=\"{E(rings[i].Name)}\"><text x=\"0\" y=\"{y + 4}\">{E(rings[i].Name)}</text><line x1=\"{left}\" y1=\"{y}\" x2=\"{left + width}\" y2=\"{y}\"/>");
                foreach (var l in own.Where(l => l.Ring == rings[i].Name))
                {
                    var x = left + (width * Math.Clamp((l.At - from).TotalSeconds / span, 0, 1));
                    sb.Append(CultureInfo.InvariantCulture, $"<circle class=\"landing\" data-version=\"{E(l.Version)}\" cx=\"{x:0.0}\" cy=\"{y}\" r=\"5\"><title>{E(m)} {E(l.Version)} landed in {E(l.Ring)} {E(When(l.At))}</title></circle><text x=\"{x + 7:0.0}\" y=\"{y - 6}\">{E(l.Version)}</text>");
                }

                sb.Append("</g>\n");
            }

            sb.Append("</svg>\n");
        }

        sb.Append("<h2>Last operations</h2>\n<table id=\"operations\"><tr><th>#</th><th>started</th><th>operation</th><th>status</th><th>by</th><th>reason</th></tr>\n");
        foreach (var o in operations)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{o.Id}</td><td>{E(When(o.StartedAt))}</td><td>{E(o.Summary)}</td><td>{E(o.Status)}</td><td>{E(o.Actor)}</td><td>{E(o.Reason)}</td></tr>\n");
        }

        sb.Append("</table>\n</body></html>\n");
        return sb.ToString();
    }
}
