using RingCtl.Cli;

namespace RingCtl.Commands;

/// <summary>Expands files and folders given on the command line into the YAML/JSON files under them, sorted.</summary>
public static class ManifestFiles
{
    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    public static IReadOnlyList<string> Expand(IEnumerable<string> paths, string workingDirectory)
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var full = Path.GetFullPath(path, workingDirectory);
            if (File.Exists(full))
            {
                files.Add(full);
            }
            else if (Directory.Exists(full))
            {
                foreach (var f in Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories).Where(f => Extensions.Contains(Path.GetExtension(f))))
                {
                    files.Add(f);
                }
            }
            else
            {
                throw new CommandException(ExitCodes.Usage, $"--manifests: '{path}' is neither a file nor a folder");
            }
        }

        return [.. files];
    }
}
