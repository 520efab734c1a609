namespace RingCtl.Cli;

/// <summary>Progress lines written at once, in order, to stderr (Progress&lt;T&gt; would post them later, possibly after the command ends).</summary>
public sealed class LineProgress : IProgress<string>
{
    private readonly TextWriter _writer;
    private readonly Lock _gate = new();

    public LineProgress(TextWriter writer)
    {
        _writer = writer;
    }

    public void Report(string value)
    {
        lock (_gate)
        {
            _writer.WriteLine("  " + value);
        }
    }
}
