namespace RingInfra.Core.Fleet;

/// <summary>The repository's working tree on disk.</summary>
public sealed class DirectoryFiles : IRepositoryFiles
{
    public DirectoryFiles(string root)
    {
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    public string? ReadText(string path)
    {
        var full = Path.Combine(Root, path);
        return File.Exists(full) ? File.ReadAllText(full) : null;
    }

    public IReadOnlyList<string> ListFiles(string directory)
    {
        var full = Path.Combine(Root, directory);
        return Directory.Exists(full)
            ? [.. Directory.EnumerateFiles(full).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)]
            : [];
    }
}
