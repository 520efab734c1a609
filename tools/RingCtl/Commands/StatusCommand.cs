using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using RingCtl.Cli;
using RingCtl.Operations;
using RingInfra.Core.Fleet;
using RingInfra.Core.Promotion;

namespace RingCtl.Commands;

/// <summary>
/// <c>ringctl status [--module M…] [--width N] [--json]</c> (issue 17): which version of each module runs in which ring,
/// and for every adjacent pair whether it can be promoted now — decided by the very <see cref="Promotion.PlanAsync"/>
/// that <c>promote --dry-run</c> runs, so the two never disagree — then each ring's tier, tenants, protection, freeze,
/// hold and last operation.
/// </summary>
public static class StatusCommand
{
    public sealed record Cell(string Module, string From, string To, PromotionState State);

    public static Command Build(CliContext context, GlobalOptions globals)
    {
        var modules = new Option<string[]>("--module") { Description = "Only these modules", AllowMultipleArgumentsPerToken = true };
        var width = new Option<int?>("--width") { Description = "Lay out for this many columns (default: the terminal's, else COLUMNS, else 100)" };
        var command = new Command("status", "The fleet at a glance: module versions per ring, what can be promoted now (eligible, baking, blocked and why), and each ring's state") { modules, width };
        command.SetAction(async (parse, ct) =>
        {
            var only = parse.GetValue(modules) ?? [];
            var columns = parse.GetValue(width) ?? TerminalWidth();
            if (columns is < 40 or > 1000)
            {
                throw new CommandException(ExitCodes.Usage, $"--width: must be from 40 to 1000 columns (got {columns})");
            }

            await using var session = await RegistrySession.OpenAsync(parse, globals, context, ct).ConfigureAwait(false);
            var ops = session.Operations;
            var fleet = await ops.LoadFleetAsync(ct).ConfigureAwait(false);
            var (rings, known) = View(fleet);
            if (only.FirstOrDefault(m => !known.Contains(m)) is { } unknown)
            {
                throw new CommandException(ExitCodes.Usage, $"--module: '{unknown}' is in no active ring's lock (known: {string.Join(", ", known)})");
            }

            var shown = only.Length == 0 ? known : [.. known.Where(only.Contains)];
            var (cells, lines) = await BuildAsync(ops, fleet, shown, ct).ConfigureAwait(false);

            if (parse.GetValue(globals.Json))
            {
                JsonOutput.Write(context, Json(rings, shown, cells, lines));
            }
            else
            {
                context.Out.Write(Text(rings, shown, cells, lines, columns, Colors(context)));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The active rings from the most conservative, and every module their locks carry (status and report show these).</summary>
    public static (IReadOnlyList<RingDefinition> Rings, IReadOnlyList<string> Modules) View(RingFleet fleet)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        var rings = fleet.Rings.Where(r => r.Config.Active).OrderBy(r => r.Config.PromotionOrder).ToList();
        return (rings, [.. rings.SelectMany(r => r.Lock.Modules.Select(m => m.Alias)).Distinct().Order(StringComparer.Ordinal)]);
    }

    /// <summary>
    /// Every adjacent promotion of <paramref name="modules"/> as a state, and each ring's line (the report shows the same). Every
    /// decision is made on one snapshot of <paramref name="fleet"/>, with its renders cached: a decision re-renders only the
    /// ring it would change (the policy gate's render of every other ring is the snapshot's).
    /// </summary>
    public static async Task<(IReadOnlyList<Cell> Cells, IReadOnlyList<RingLine> Lines)> BuildAsync(OperationContext ops, RingFleet fleet, IReadOnlyList<string> modules, CancellationToken ct)
    {
        var rings = View(fleet).Rings;
        var promotion = new Promotion(ops) { Snapshot = (fleet, new RingInfra.Core.Rendering.RenderCache()) };
        // The decisions are independent reads of one snapshot: made on every core, kept in matrix order.
        var pairs = modules.SelectMany(m => Enumerable.Range(1, Math.Max(0, rings.Count - 1)).Select(i => (Module: m, From: rings[i], To: rings[i - 1]))).ToList();
        var states = new PromotionState[pairs.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, pairs.Count), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct }, async (i, token) =>
            states[i] = await StateAsync(promotion, pairs[i].Module, pairs[i].From, pairs[i].To, token).ConfigureAwait(false)).ConfigureAwait(false);
        var cells = pairs.Select((p, i) => new Cell(p.Module, p.From.Name, p.To.Name, states[i])).ToList();

        var now = await ops.Registry.NowAsync(ct).ConfigureAwait(false);
        var records = (await ops.Registry.ListRingsAsync(ct).ConfigureAwait(false)).ToDictionary(r => r.Name, StringComparer.Ordinal);
        var rollouts = (await ops.Registry.ClusterRolloutsAsync(ct).ConfigureAwait(false)).ToDictionary(r => (r.Ring, r.Cluster));
        var lines = new List<RingLine>();
        foreach (var ring in rings)
        {
            var last = (await ops.Log.HistoryAsync(ring.Name, null, null, 1, ct).ConfigureAwait(false)).FirstOrDefault();
            var record = records.GetValueOrDefault(ring.Name);
            lines.Add(new RingLine(ring, record?.TenantCount ?? ring.Config.Tenants.Count, ring.Config.FreezeWindows.FirstOrDefault(w => w.Contains(now)),
                record is { Held: true } ? record.HeldReason ?? "held" : null, last is null ? null : (last.Summary, now - last.StartedAt))
            {
                Clusters = [.. ring.Config.HasClusters ? ring.Config.Clusters.Select(c => ClusterLine.Of(ring, c, rollouts.GetValueOrDefault((ring.Name, c.Name)), now)) : []],
            });
        }

        return (cells, lines);
    }

    /// <summary>The same decision <c>promote --from A --to B --dry-run</c> makes, as a state.</summary>
    private static async Task<PromotionState> StateAsync(Promotion promotion, string module, RingDefinition from, RingDefinition to, CancellationToken ct)
    {
        if (from.Lock.Find(module) is not { } source || to.Lock.Find(module)?.Version.Equals(source.Version) == true)
        {
            return PromotionState.Equal;
        }

        try
        {
            var plan = await promotion.PlanAsync(new Promotion.Request(module, from.Name, to.Name, null, null, ChangeGuard.Consent.None, IsRollback: false, "status"), ct).ConfigureAwait(false);
            return PromotionState.From(plan.Decision, plan.BakeRemaining);
        }
        catch (CommandException e)
        {
            // What promote would answer before deciding (an unreachable Prometheus, a version that cannot move): blocked, saying why.
            // With metric gates the likely cause is their Prometheus (unreachable: exit 6); otherwise the version itself.
            return new PromotionState(PromotionStateKind.Blocked, null, [new GateRefusal(from.Config.Gates.Any && e.ExitCode == ExitCodes.Infrastructure ? Gate.Metrics : Gate.Version, e.Message)]);
        }
    }

    public sealed record RingLine(RingDefinition Ring, int Tenants, RingInfra.Core.Config.FreezeWindow? Frozen, string? Held, (string Summary, TimeSpan Age)? Last)
    {
        /// <summary>Each cluster's state, in rollout order (empty for a ring without clusters).</summary>
        public IReadOnlyList<ClusterLine> Clusters { get; init; } = [];
    }

    /// <summary>
    /// One cluster of a ring: <c>current</c> (its last update brought the ring's lock), <c>behind</c> (an older lock),
    /// <c>failed</c> (its last update or verification failed: the rollout stopped there) or <c>never</c> (not updated yet).
    /// </summary>
    public sealed record ClusterLine(string Cluster, string Region, string State, string? LockHash, string? Message, TimeSpan? Age)
    {
        public static ClusterLine Of(RingDefinition ring, RingInfra.Core.Config.ClusterSpec cluster, RingCtl.Registry.ClusterRollout? rollout, DateTimeOffset now) =>
            rollout is null ? new(cluster.Name, cluster.Region ?? "", "never", null, null, null)
            : new(cluster.Name, cluster.Region ?? "", rollout.State == "failed" ? "failed" : rollout.LockHash == ring.Lock.Hash ? "current" : "behind",
                rollout.LockHash, rollout.Message, now - new DateTimeOffset(DateTime.SpecifyKind(rollout.At, DateTimeKind.Utc)));

        public string Text => State switch
        {
            "never" => $"{Cluster} ({Region}): not updated yet",
            "failed" => $"{Cluster} ({Region}): FAILED {PromotionState.Duration(Age!.Value)} ago: {Message}",
            "behind" => $"{Cluster} ({Region}): behind, runs lock {LockHash?[..Math.Min(19, LockHash.Length)]} (updated {PromotionState.Duration(Age!.Value)} ago)",
            _ => $"{Cluster} ({Region}): current (updated {PromotionState.Duration(Age!.Value)} ago)",
        };
    }

    private static int TerminalWidth()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c > 0)
        {
            return c;
        }

        try
        {
            return !Console.IsOutputRedirected && Console.WindowWidth > 0 ? Console.WindowWidth : 100;
        }
        catch (IOException)
        {
            return 100;
        }
    }

    /// <summary>Colours only on a terminal, and never with <c>NO_COLOR</c> set (no-color.org).</summary>
    private static bool Colors(CliContext context) =>
        context.Console.Profile.Capabilities.Ansi && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    /// <summary>
    /// The matrix: one row per module, the rings left to right from the most conservative, and between two rings the
    /// state of promoting the right one's version into the left one. A version that differs from its left neighbour's is
    /// marked (<c>*</c>, and yellow on a colour terminal). Narrower than the full table: short states; narrower still: the
    /// states as lines under the matrix. Then one line per ring, wrapped to the width.
    /// </summary>
    private static string Text(IReadOnlyList<RingDefinition> rings, IReadOnlyList<string> modules, IReadOnlyList<Cell> cells, IReadOnlyList<RingLine> lines, int width, bool color)
    {
        var sb = new StringBuilder();
        string Version(string module, RingDefinition ring) => ring.Lock.Find(module)?.Version.ToString() ?? "-";
        bool Differs(string module, int i) => i > 0 && Version(module, rings[i]) != Version(module, rings[i - 1]);
        var moduleWidth = Math.Max("module".Length, modules.Select(m => m.Length).DefaultIfEmpty(0).Max());
        var versionWidth = Math.Max(rings.Select(r => r.Name.Length).DefaultIfEmpty(0).Max(), modules.SelectMany(m => rings.Select(r => Version(m, r).Length + 1)).DefaultIfEmpty(0).Max());
        int StateWidth(bool shortForm) => cells.Select(c => c.State.Text(shortForm).Length).DefaultIfEmpty(1).Max() + 2;
        int Total(int stateWidth) => moduleWidth + (rings.Count * (versionWidth + 1)) + ((rings.Count - 1) * (stateWidth + 1));
        var shortForm = Total(StateWidth(false)) > width;
        var inline = Total(StateWidth(shortForm)) <= width;
        var stateWidth = inline ? StateWidth(shortForm) : 0;

        // Header.
        sb.Append("module".PadRight(moduleWidth));
        for (var i = 0; i < rings.Count; i++)
        {
            if (i > 0 && inline)
            {
                sb.Append(' ').Append("← ".PadRight(stateWidth));
            }

            sb.Append(' ').Append(rings[i].Name.PadRight(versionWidth));
        }

        sb.Length = sb.ToString().TrimEnd().Length;
        sb.Append('\n');
        foreach (var module in modules)
        {
            var row = new StringBuilder(module.PadRight(moduleWidth));
            for (var i = 0; i < rings.Count; i++)
            {
                if (i > 0 && inline)
                {
                    var state = cells.Single(c => c.Module == module && c.From == rings[i].Name).State.Text(shortForm);
                    row.Append(' ').Append(("← " + state).PadRight(stateWidth));
                }

                var version = Version(module, rings[i]);
                var cell = Differs(module, i) ? version + "*" : version;
                row.Append(' ').Append(color && Differs(module, i) ? $"\u001b[33m{cell.PadRight(versionWidth)}\u001b[0m" : cell.PadRight(versionWidth));
            }

            sb.Append(row.ToString().TrimEnd()).Append('\n');
        }

        if (!inline)
        {
            foreach (var c in cells.Where(c => c.State.Kind != PromotionStateKind.Equal))
            {
                AppendWrapped(sb, $"{c.Module}: {c.From} → {c.To}: {c.State.Text(shortForm: false)}", width);
            }
        }

        sb.Append('\n');
        foreach (var l in lines)
        {
            var cfg = l.Ring.Config;
            var parts = new List<string>
            {
                cfg.Tier.ToString().ToLowerInvariant(),
                $"order {cfg.PromotionOrder.ToString(CultureInfo.InvariantCulture)}",
                $"{l.Tenants.ToString(CultureInfo.InvariantCulture)} tenant(s)",
            };
            if (cfg.IsDefault)
            {
                parts.Add("default");
            }

            if (cfg.Protected)
            {
                parts.Add("protected");
            }

            if (l.Frozen is { } f)
            {
                parts.Add($"frozen until {f.End.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}Z ({f.Reason})");
            }

            if (l.Held is { } held)
            {
                parts.Add($"HELD: {held}");
            }

            parts.Add(l.Last is { } last ? $"last {last.Summary}, {PromotionState.Duration(last.Age)} ago" : "no operation yet");
            AppendWrapped(sb, $"{l.Ring.Name}: {string.Join("; ", parts)}", width);
            foreach (var c in l.Clusters)
            {
                AppendWrapped(sb, "↳ " + c.Text, width);
            }
        }

        return sb.ToString();
    }

    /// <summary>Appends <paramref name="text"/> wrapped at spaces to <paramref name="width"/>, continuation lines indented.</summary>
    private static void AppendWrapped(StringBuilder sb, string text, int width)
    {
        var line = new StringBuilder();
        foreach (var word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                sb.Append(line).Append('\n');
                line.Clear().Append("    ");
            }

            if (line.Length > 0 && line.ToString() != "    ")
            {
                line.Append(' ');
            }

            // A single word longer than the width is cut: no line ever exceeds it.
            line.Append(word.Length > width - line.Length ? word[..Math.Max(1, width - line.Length - 1)] + "…" : word);
        }

        sb.Append(line).Append('\n');
    }

    private static JsonObject Json(IReadOnlyList<RingDefinition> rings, IReadOnlyList<string> modules, IReadOnlyList<Cell> cells, IReadOnlyList<RingLine> lines) => new()
    {
        ["rings"] = new JsonArray([.. lines.Select(l => (JsonNode?)new JsonObject
        {
            ["ring"] = l.Ring.Name,
            ["tier"] = l.Ring.Config.Tier.ToString().ToLowerInvariant(),
            ["promotionOrder"] = l.Ring.Config.PromotionOrder,
            ["tenants"] = l.Tenants,
            ["default"] = l.Ring.Config.IsDefault,
            ["protected"] = l.Ring.Config.Protected,
            ["frozenUntil"] = l.Frozen?.End.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["held"] = l.Held,
            ["lastOperation"] = l.Last?.Summary,
            ["lastOperationAgeSeconds"] = l.Last is { } last ? (long)last.Age.TotalSeconds : null,
            ["clusters"] = new JsonArray([.. l.Clusters.Select(c => (JsonNode?)new JsonObject
            {
                ["cluster"] = c.Cluster,
                ["region"] = c.Region,
                ["state"] = c.State,
                ["lockHash"] = c.LockHash,
                ["message"] = c.Message,
                ["ageSeconds"] = c.Age is { } age ? (long)age.TotalSeconds : null,
            })]),
        })]),
        ["modules"] = new JsonArray([.. modules.Select(m => (JsonNode?)new JsonObject
        {
            ["module"] = m,
            ["versions"] = new JsonObject(rings.Select(r => new KeyValuePair<string, JsonNode?>(r.Name, r.Lock.Find(m)?.Version.ToString()))),
            ["promotions"] = new JsonArray([.. cells.Where(c => c.Module == m).Select(c => (JsonNode?)new JsonObject
            {
                ["from"] = c.From,
                ["to"] = c.To,
                ["state"] = c.State.Kind.ToString().ToLowerInvariant(),
                ["remainingSeconds"] = c.State.Remaining is { } left ? (long)left.TotalSeconds : null,
                ["reasons"] = JsonOutput.Gates(c.State.Reasons),
            })]),
        })]),
    };
}
