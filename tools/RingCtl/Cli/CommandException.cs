namespace RingCtl.Cli;

/// <summary>A failure the user can act on: printed without a stack trace, mapped to <see cref="ExitCode"/>.</summary>
public sealed class CommandException : Exception
{
    public CommandException(int exitCode, string message)
        : base(message)
    {
        ExitCode = exitCode;
    }

    public int ExitCode { get; }
}
