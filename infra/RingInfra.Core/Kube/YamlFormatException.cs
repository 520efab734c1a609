namespace RingInfra.Core.Kube;

/// <summary>A file that is not valid YAML (or JSON); the message names the file and the position.</summary>
public sealed class YamlFormatException : Exception
{
    public YamlFormatException(string source, long line, long column, string reason, Exception? inner = null)
        : base(line > 0 ? $"{source}: invalid YAML at line {line}, column {column}: {reason}" : $"{source}: invalid YAML: {reason}", inner)
    {
        File = source;
        Line = line;
        Column = column;
        Reason = reason;
    }

    /// <summary>The file (or other source) that failed to parse.</summary>
    public string File { get; }

    /// <summary>1-based line of the error, or 0 when the parser could not tell.</summary>
    public long Line { get; }

    public long Column { get; }

    public string Reason { get; }
}
