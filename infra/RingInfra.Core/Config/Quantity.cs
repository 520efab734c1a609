using System.Globalization;
using System.Text.RegularExpressions;

namespace RingInfra.Core.Config;

/// <summary>Kubernetes resource quantities for memory (bytes) and CPU (millicores), parsed and printed canonically.</summary>
public static partial class Quantity
{
    public static long Mi(long n) => n * 1024 * 1024;

    public static long Gi(long n) => n * 1024 * 1024 * 1024;

    /// <summary>Parses <c>512Mi</c>, <c>2Gi</c>, <c>1G</c>, <c>1048576</c>; <c>null</c> when it is not a memory quantity.</summary>
    public static long? ParseMemory(string text)
    {
        var m = MemoryPattern().Match(text);
        if (!m.Success || !long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return null;
        }

        long factor = m.Groups[2].Value switch
        {
            "" => 1,
            "Ki" => 1024,
            "Mi" => 1024 * 1024,
            "Gi" => 1024L * 1024 * 1024,
            "Ti" => 1024L * 1024 * 1024 * 1024,
            "k" => 1000,
            "M" => 1_000_000,
            "G" => 1_000_000_000,
            "T" => 1_000_000_000_000,
            _ => 0,
        };
        return n > long.MaxValue / factor ? null : n * factor;
    }

    /// <summary>Parses <c>250m</c>, <c>0.5</c>, <c>2</c> into millicores; <c>null</c> when it is not a CPU quantity.</summary>
    public static int? ParseCpu(string text)
    {
        var m = CpuPattern().Match(text);
        if (!m.Success)
        {
            return null;
        }

        if (m.Groups[1].Success)
        {
            return int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var milli) ? milli : null;
        }

        return decimal.TryParse(m.Groups[2].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var cores) && cores <= 1000
            ? (int)(cores * 1000)
            : null;
    }

    /// <summary>Memory as Kubernetes writes it: <c>2Gi</c>, <c>1536Mi</c>, or bytes when not a whole MiB.</summary>
    public static string FormatMemory(long bytes)
    {
        if (bytes % Gi(1) == 0 && bytes > 0)
        {
            return $"{bytes / Gi(1)}Gi";
        }

        return bytes % Mi(1) == 0 ? $"{bytes / Mi(1)}Mi" : bytes.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>CPU as Kubernetes writes it: <c>250m</c>, or whole cores as <c>1</c>.</summary>
    public static string FormatCpu(int millis) =>
        millis % 1000 == 0 ? (millis / 1000).ToString(CultureInfo.InvariantCulture) : $"{millis}m";

    [GeneratedRegex(@"^([0-9]{1,15})(Ki|Mi|Gi|Ti|k|M|G|T)?$")]
    private static partial Regex MemoryPattern();

    [GeneratedRegex(@"^(?:([0-9]{1,7})m|([0-9]{1,4}(?:\.[0-9]{1,3})?))$")]
    private static partial Regex CpuPattern();
}
