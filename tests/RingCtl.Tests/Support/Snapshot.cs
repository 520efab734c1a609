using System.Security.Cryptography;

namespace RingCtl.Tests.Support;

/// <summary>Path → sha256 of every file under a folder: proves a failed command changed nothing.</summary>
public static class Snapshot
{
    public static SortedDictionary<string, string> Of(string root)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(root))
        {
            return result;
        }

        foreach (var f in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            result[Path.GetRelativePath(root, f)] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)));
        }

        return result;
    }
}
