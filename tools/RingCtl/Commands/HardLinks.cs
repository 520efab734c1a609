using System.Runtime.InteropServices;
using System.Text;

namespace RingCtl.Commands;

/// <summary>Reuses an unchanged file by hard-linking it (POSIX <c>link(2)</c>; .NET has no API for it).</summary>
internal static partial class HardLinks
{
    /// <summary>
    /// Links <paramref name="existing"/> to <paramref name="path"/> when it holds exactly <paramref name="content"/> (UTF-8);
    /// false when it does not exist, differs, or cannot be linked (another file system, no support): then write it.
    /// </summary>
    public static bool TryReuse(string existing, string path, string content)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return false;
        }

        var info = new FileInfo(existing);
        if (!info.Exists || info.Length != Encoding.UTF8.GetByteCount(content) || File.ReadAllText(existing) != content)
        {
            return false;
        }

        return Link(existing, path) == 0;
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string existing, string path);
}
