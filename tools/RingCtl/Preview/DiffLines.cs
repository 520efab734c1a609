using RingInfra.Core.Config;
using RingInfra.Core.Diff;
using RingInfra.Core.Policies;

namespace RingCtl.Preview;

/// <summary>
/// Object changes as unified-diff-style lines for a reviewer: <c>+</c> added objects, <c>-</c> removed ones,
/// <c>~</c> changed ones with each field before (<c>-</c>) and after (<c>+</c>); multi-line values (the lock
/// file) are diffed line by line. Secret values never appear: Secret data, secret-looking keys and any
/// known secret value are replaced by <c>(redacted)</c>.
/// </summary>
public static class DiffLines
{
    public const string Redacted = "(redacted)";

    public static IReadOnlyList<string> For(IEnumerable<ObjectChange> changes, IReadOnlyCollection<string> secrets)
    {
        var lines = new List<string>();
        foreach (var c in changes)
        {
            switch (c.Change)
            {
                case ChangeKind.Added:
                    lines.Add($"+ {c.Id}");
                    break;
                case ChangeKind.Removed:
                    lines.Add($"- {c.Id}");
                    break;
                default:
                    lines.Add($"~ {c.Id}{(c.Replaces ? "  (replaced)" : "")}{(c.RollsPods ? "  (rolls pods)" : "")}");
                    foreach (var f in c.Fields)
                    {
                        Field(lines, c, f, secrets);
                    }

                    break;
            }
        }

        return lines;
    }

    private static void Field(List<string> lines, ObjectChange c, FieldChange f, IReadOnlyCollection<string> secrets)
    {
        var before = Show(c, f.Path, f.Before, secrets);
        var after = Show(c, f.Path, f.After, secrets);
        if (before is not null && after is not null && (before.Contains('\n', StringComparison.Ordinal) || after.Contains('\n', StringComparison.Ordinal)))
        {
            lines.Add($"      {f.Path}:");
            lines.AddRange(LineDiff(before.Split('\n'), after.Split('\n')).Select(l => l[0] + "         " + l[1..]));
            return;
        }

        if (before is not null)
        {
            lines.Add($"-     {f.Path}: {before}");
        }

        if (after is not null)
        {
            lines.Add($"+     {f.Path}: {after}");
        }
    }

    private static string? Show(ObjectChange c, string path, string? value, IReadOnlyCollection<string> secrets)
    {
        if (value is null)
        {
            return null;
        }

        var key = path[(path.LastIndexOf('.') + 1)..];
        return (c.Kind == "Secret" && (path.StartsWith("data", StringComparison.Ordinal) || path.StartsWith("stringData", StringComparison.Ordinal)))
            || Names.LooksSecret(key) || SecretHygiene.ContainsAny(value, secrets)
            ? Redacted
            : value;
    }

    /// <summary>The changed lines of two texts (LCS), as "-line" / "+line"; unchanged lines are left out.</summary>
    public static IReadOnlyList<string> LineDiff(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var lcs = new int[a.Count + 1, b.Count + 1];
        for (var i = a.Count - 1; i >= 0; i--)
        {
            for (var j = b.Count - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var result = new List<string>();
        int x = 0, y = 0;
        while (x < a.Count || y < b.Count)
        {
            if (x < a.Count && y < b.Count && a[x] == b[y])
            {
                x++;
                y++;
            }
            else if (y < b.Count && (x == a.Count || lcs[x, y + 1] > lcs[x + 1, y]))
            {
                result.Add("+" + b[y++]);
            }
            else
            {
                result.Add("-" + a[x++]);
            }
        }

        return result;
    }

    /// <summary>Replaces every known secret value in a text (the engine's own diff) by <see cref="Redacted"/>.</summary>
    public static string Scrub(string text, IReadOnlyCollection<string> secrets) =>
        secrets.Where(s => s.Length >= 4).OrderByDescending(s => s.Length).Aggregate(text, (t, s) => t.Replace(s, Redacted, StringComparison.Ordinal));
}
