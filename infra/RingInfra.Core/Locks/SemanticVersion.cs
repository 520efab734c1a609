using System.Globalization;
using System.Text.RegularExpressions;

namespace RingInfra.Core.Locks;

/// <summary>A SemVer 2.0 version, ordered by precedence (build metadata ignored, as the spec says).</summary>
public sealed partial record SemanticVersion(int Major, int Minor, int Patch, string PreRelease, string Build) : IComparable<SemanticVersion>
{
    public static bool TryParse(string text, out SemanticVersion version)
    {
        var m = Pattern().Match(text);
        if (!m.Success
            || !int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(m.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
            || !int.TryParse(m.Groups[3].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var patch))
        {
            version = new SemanticVersion(0, 0, 0, "", "");
            return false;
        }

        version = new SemanticVersion(major, minor, patch, m.Groups[4].Value, m.Groups[5].Value);
        return true;
    }

    public static SemanticVersion Parse(string text) =>
        TryParse(text, out var v) ? v : throw new FormatException($"'{text}' is not a semantic version (MAJOR.MINOR.PATCH)");

    public int CompareTo(SemanticVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        var c = Major.CompareTo(other.Major);
        c = c != 0 ? c : Minor.CompareTo(other.Minor);
        c = c != 0 ? c : Patch.CompareTo(other.Patch);
        return c != 0 ? c : ComparePreRelease(PreRelease, other.PreRelease);
    }

    private static int ComparePreRelease(string a, string b)
    {
        if (a == b)
        {
            return 0;
        }

        if (a.Length == 0)
        {
            return 1;
        }

        if (b.Length == 0)
        {
            return -1;
        }

        var xs = a.Split('.');
        var ys = b.Split('.');
        for (var i = 0; i < Math.Min(xs.Length, ys.Length); i++)
        {
            var xNum = long.TryParse(xs[i], NumberStyles.None, CultureInfo.InvariantCulture, out var x);
            var yNum = long.TryParse(ys[i], NumberStyles.None, CultureInfo.InvariantCulture, out var y);
            var c = (xNum, yNum) switch
            {
                (true, true) => x.CompareTo(y),
                (true, false) => -1,
                (false, true) => 1,
                _ => string.CompareOrdinal(xs[i], ys[i]),
            };
            if (c != 0)
            {
                return c;
            }
        }

        return xs.Length.CompareTo(ys.Length);
    }

    public static bool operator <(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) < 0;

    public static bool operator >(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) > 0;

    public static bool operator <=(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) <= 0;

    public static bool operator >=(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) >= 0;

    public override string ToString() =>
        $"{Major}.{Minor}.{Patch}{(PreRelease.Length > 0 ? "-" + PreRelease : "")}{(Build.Length > 0 ? "+" + Build : "")}";

    [GeneratedRegex(@"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-((?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$")]
    private static partial Regex Pattern();
}
