namespace RingInfra.Core.Fleet;

/// <summary>Repository files with some files replaced or added in memory: validate a change before writing it.</summary>
public sealed class OverlayFiles : IRepositoryFiles
{
    private readonly IRepositoryFiles _inner;
    private readonly IReadOnlyDictionary<string, string> _overlay;

    public OverlayFiles(IRepositoryFiles inner, IReadOnlyDictionary<string, string> overlay)
    {
        _inner = inner;
        _overlay = overlay;
    }

    public string? ReadText(string path) => _overlay.TryGetValue(path, out var text) ? text : _inner.ReadText(path);

    public IReadOnlyList<string> ListFiles(string directory)
    {
        var prefix = directory.Length == 0 ? "" : directory.TrimEnd('/') + "/";
        var added = _overlay.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && !k[prefix.Length..].Contains('/', StringComparison.Ordinal)).Select(k => k[prefix.Length..]);
        return [.. _inner.ListFiles(directory).Union(added).Order(StringComparer.Ordinal)];
    }
}
