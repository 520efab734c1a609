namespace RingInfra.Core.Fleet;

/// <summary>
/// Read access to the repository's files by repository-relative path ('/'-separated). The working
/// tree is one source; a git revision (for the offline preview) is another.
/// </summary>
public interface IRepositoryFiles
{
    /// <summary>The file's text, or null when it does not exist.</summary>
    string? ReadText(string path);

    /// <summary>Names (not paths) of the files directly in <paramref name="directory"/> ("" = root).</summary>
    IReadOnlyList<string> ListFiles(string directory);
}
