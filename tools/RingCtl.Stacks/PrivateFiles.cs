namespace RingCtl.Stacks;

/// <summary>
/// ringctl's own state (<c>.ringctl/</c>: the passphrase, the private registry, the simulated stacks) and the
/// file backend (<c>.pulumi-state/</c>) are created private from the first byte — folders 0700, files 0600,
/// through the create mode, never chmod-ed afterwards (a file created world-readable can be read before the
/// chmod). One exception, said where it is made: see <see cref="AllowTraverse"/>.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Creates the folder (and any missing parent below an existing one) as 0700. A folder an older ringctl
    /// created open to others is closed once (nothing ringctl writes is created open any more).
    /// </summary>
    public static void Folder(string path)
    {
        if (Directory.Exists(path))
        {
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~(FolderMode | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
            {
                File.SetUnixFileMode(path, FolderMode);
            }

            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        var parent = Path.GetDirectoryName(Path.GetFullPath(path));
        if (parent is not null && !Directory.Exists(parent))
        {
            Folder(parent);
        }

        Directory.CreateDirectory(path, FolderMode);
    }

    /// <summary>Writes the file, creating it 0600 (an existing file keeps its mode).</summary>
    public static void Write(string path, string text) => Write(path, text, System.IO.FileMode.Create);

    /// <summary>Appends to the file, creating it 0600.</summary>
    public static void Append(string path, string text) => Write(path, text, System.IO.FileMode.Append);

    /// <summary>Creates a new file 0600; fails if it exists.</summary>
    public static void CreateNew(string path, string text) => Write(path, text, System.IO.FileMode.CreateNew);

    /// <summary>
    /// The private registry's server runs as the <c>postgres</c> user when ringctl runs as root, and must reach
    /// its folder inside <c>.ringctl/</c>: that one folder gets execute-only for others (0711: traverse, no
    /// listing). Everything inside stays 0700/0600, the server's own folder belongs to postgres.
    /// </summary>
    public static void AllowTraverse(string folder)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, FolderMode | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
    }

    private static void Write(string path, string text, System.IO.FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }
}
