using System.Globalization;
using System.Text.RegularExpressions;

namespace RingCtl.Registry;

/// <summary>
/// Who holds a lease, written so a later run can tell a dead holder: <c>alice (host vm1, pid 4242, run 1a2b3c4d)</c>.
/// A holder on this host whose process is gone is dead, whatever its lease's expiry says.
/// </summary>
public static partial class LeaseOwner
{
    public static string Describe(string actor, string run) =>
        $"{actor} (host {Environment.MachineName}, pid {Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}, run {run})";

    /// <summary>True only when the owner ran on this host and its process no longer exists.</summary>
    public static bool IsDeadHere(string owner)
    {
        var m = Pattern().Match(owner);
        if (!m.Success || m.Groups[1].Value != Environment.MachineName || !int.TryParse(m.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }

        if (pid == Environment.ProcessId)
        {
            return false;
        }

        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return p.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    [GeneratedRegex(@"\(host ([^,]+), pid ([0-9]+), run [0-9a-f]+\)$")]
    private static partial Regex Pattern();
}
