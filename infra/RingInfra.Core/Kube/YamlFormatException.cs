namespace RingInfra.Core.Kube;

/// <summary>A file that is not valid YAML (or JSON); the message names the file and the position.</summary>
public sealed class YamlFormatException : Exception
{
    public YamlFormatException(string message)
        : base(message)
    {
    }

    public YamlFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
