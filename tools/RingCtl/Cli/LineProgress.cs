namespace RingCtl.Cli;

/// <summary>
/// Progress lines on stderr, indented. Every value listed in <c>RINGCTL_REDACT</c> is replaced before it is written:
/// the engine's own output (an update's, a destroy's) reaches the terminal through here, and a careless provider
/// may print a secret.
/// </summary>
public sealed class LineProgress : IProgress<string>
{
    private readonly TextWriter _writer;
    private readonly IReadOnlyCollection<string> _secrets;
    private readonly Lock _gate = new();

    public LineProgress(TextWriter writer, IReadOnlyCollection<string>? secrets = null)
    {
        _writer = writer;
        _secrets = secrets ?? [];
    }

    public void Report(string value)
    {
        lock (_gate)
        {
            _writer.WriteLine("  " + Preview.DiffLines.Scrub(value, _secrets));
        }
    }
}
