using System.Globalization;
using System.Text;

namespace RingCtl.Preview;

/// <summary>
/// The pull-request comment: a hidden marker (so CI updates one comment instead of adding more), a
/// summary table per ring, and a collapsible diff per ring — kept under <see cref="Limit"/> characters
/// by cutting each ring's diff to a fair share, with a note saying what was cut.
/// </summary>
public static class PreviewMarkdown
{
    public const string Marker = "<!-- ringctl-preview -->";
    public const int Limit = 60_000;

    public static string Render(PreviewReport report, int limit = Limit)
    {
        var head = Head(report);
        var tail = Tail(report);
        var changed = report.Rings.Where(r => r.Changed || r.Error is not null).ToList();
        var budget = limit - head.Length - tail.Length;
        var sections = Fit(changed, budget);
        return head + string.Concat(sections) + tail;
    }

    private static string Head(PreviewReport r)
    {
        var sb = new StringBuilder();
        sb.Append(Marker).Append('\n');
        var changing = r.Rings.Count(x => x.Changed);
        sb.Append("### RingInfra preview: ").Append(r.Rings.Count == 0 ? "no ring is affected" : $"{changing} of {r.Rings.Count} affected ring(s) change").Append("\n\n");
        sb.Append('`').Append(r.Base[..Math.Min(12, r.Base.Length)]).Append("` → `").Append(r.Head[..Math.Min(12, r.Head.Length)]).Append("` · ")
          .Append(r.Offline ? "offline preview (Core renders of both revisions)" : "Pulumi preview").Append(" · ")
          .Append(r.ChangedPaths.Count.ToString(CultureInfo.InvariantCulture)).Append(" changed path(s)\n\n");
        if (r.Rings.Count == 0)
        {
            sb.Append("No ring stack is affected by this change (docs, tooling or tests only).\n");
            return sb.ToString();
        }

        sb.Append("| ring | creates | updates | replaces | deletes | pods roll |\n|---|---:|---:|---:|---:|:---:|\n");
        foreach (var ring in r.Rings)
        {
            if (ring.Error is not null)
            {
                sb.Append("| ").Append(ring.Ring).Append(" | ❌ | invalid | | | |\n");
                continue;
            }

            sb.Append("| ").Append(ring.Ring).Append(" | ").Append(ring.Creates).Append(" | ").Append(ring.Updates).Append(" | ")
              .Append(ring.Replaces).Append(" | ").Append(ring.Deletes).Append(" | ").Append(ring.RollsPods ? "yes" : "no").Append(" |\n");
        }

        sb.Append('\n');
        var edits = r.Rings.SelectMany(x => x.LockEdits).ToList();
        if (edits.Count > 0)
        {
            sb.Append("**❌ Lock versions that were never promoted.** `ringctl up` and the rollout refuse a lock whose versions the registry did not record as landed ")
              .Append("(promote and rollback write the lock themselves, on the default branch). Use `ringctl promote`; as a promotion, each would face these gates:\n\n");
            sb.Append("| ring | module | from → to | as a promotion it would fail |\n|---|---|---|---|\n");
            foreach (var e in edits)
            {
                sb.Append("| ❌ ").Append(e.Ring).Append(" | ").Append(e.Module).Append(" | ").Append(e.From ?? "—").Append(" → ").Append(e.To).Append(" | ")
                  .Append(e.WouldFail.Count == 0 ? "no gate (still needs `ringctl promote` to record it)" : string.Join("<br>", e.WouldFail.Select(f => Cell(f.ToString())))).Append(" |\n");
            }

            sb.Append('\n');
        }

        var tenantEdits = r.Rings.Where(x => x.TenantEdit is not null).ToList();
        if (tenantEdits.Count > 0)
        {
            sb.Append("**❌ Tenant lists edited by hand.** Tenants are assigned with `ringctl tenant assign` (add and remove with `ringctl tenant add` / `remove`): ")
              .Append("the registry is the source of truth, and the next update of each ring writes the registry's list back into its stack file.\n\n");
            sb.Append("| ring | edit | the registry holds |\n|---|---|---|\n");
            foreach (var ring in tenantEdits)
            {
                var e = ring.TenantEdit!;
                sb.Append("| ❌ ").Append(e.Ring).Append(" | ").Append(string.Join(" ", e.Added.Select(t => "+" + t).Concat(e.Removed.Select(t => "−" + t)))).Append(" | ")
                  .Append(ring.RegistryTenants is { } held ? string.Join(", ", held) : "(not reachable from this preview)").Append(" |\n");
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static string Tail(PreviewReport r)
    {
        var sb = new StringBuilder();
        foreach (var note in r.Notes)
        {
            sb.Append("> ").Append(note).Append('\n');
        }

        if (r.Reasons.Count > 0)
        {
            sb.Append(r.Notes.Count > 0 ? "\n" : "").Append("<sub>Affected: ").Append(string.Join("; ", r.Reasons.Take(20)))
              .Append(r.Reasons.Count > 20 ? $"; and {r.Reasons.Count - 20} more" : "").Append("</sub>\n");
        }

        return sb.ToString();
    }

    /// <summary>Each ring's section, its diff cut to a fair share of the budget when they do not all fit.</summary>
    private static List<string> Fit(IReadOnlyList<RingPreview> rings, int budget)
    {
        var full = rings.Select(r => Section(r, r.Lines.Count)).ToList();
        if (full.Sum(s => s.Length) <= budget)
        {
            return full;
        }

        var result = new string[rings.Count];
        var remaining = budget;
        // Smallest first: small sections keep everything, what they leave goes to the larger ones.
        foreach (var i in Enumerable.Range(0, rings.Count).OrderBy(i => full[i].Length))
        {
            var share = remaining / (rings.Count - result.Count(s => s is not null));
            result[i] = full[i].Length <= share ? full[i] : Cut(rings[i], share);
            remaining -= result[i].Length;
        }

        return [.. result];
    }

    private static string Cut(RingPreview ring, int share)
    {
        var keep = ring.Lines.Count;
        string section;
        do
        {
            keep = Math.Max(0, keep - Math.Max(1, keep / 8));
            section = Section(ring, keep);
        }
        while (section.Length > share && keep > 0);
        return section;
    }

    private static string Section(RingPreview ring, int lines)
    {
        var sb = new StringBuilder();
        var what = ring.Error is not null ? "❌ invalid" : string.Join(", ", new[]
        {
            Count(ring.Creates, "to create"), Count(ring.Updates, "to update"), Count(ring.Replaces, "to replace"), Count(ring.Deletes, "to delete"),
        }.Where(s => s.Length > 0));
        sb.Append("<details><summary><b>").Append(ring.Ring).Append("</b> — ").Append(what).Append(ring.RollsPods ? " · pods roll" : "").Append("</summary>\n\n");
        sb.Append("```diff\n");
        foreach (var line in (ring.Error is not null ? ring.Error.Split('\n') : ring.Lines).Take(lines == ring.Lines.Count || ring.Error is not null ? int.MaxValue : lines))
        {
            sb.Append(line.Replace("```", "ˋˋˋ", StringComparison.Ordinal)).Append('\n');
        }

        sb.Append("```\n");
        if (ring.Error is null && lines < ring.Lines.Count)
        {
            sb.Append("\n… ").Append((ring.Lines.Count - lines).ToString(CultureInfo.InvariantCulture)).Append(" more line(s) of ").Append(ring.Ring)
              .Append(" cut to keep this comment under ").Append(Limit.ToString("N0", CultureInfo.InvariantCulture))
              .Append(" characters (`ringctl preview --ring ").Append(ring.Ring).Append(" --format text` shows all).\n");
        }

        sb.Append("\n</details>\n\n");
        return sb.ToString();
    }

    private static string Count(int n, string what) => n == 0 ? "" : $"{n} {what}";
}
