using RingInfra.Core.Locks;

namespace RingCtl.Operations;

/// <summary>Writes lock manifests atomically (a temp file renamed over the old one): a crash never leaves half a lock.</summary>
public static class LockFiles
{
    public static string PathOf(string root, string ring) => Path.Combine(root, "stacks", "locks", $"{ring}.lock.json");

    public static void Write(string root, ModuleLock moduleLock) => WriteText(PathOf(root, moduleLock.Ring), moduleLock.CanonicalJson);

    public static void WriteText(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp-" + Environment.ProcessId;
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
