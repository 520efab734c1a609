using Spectre.Console;

namespace RingCtl.Cli;

/// <summary>
/// Where a command writes and from where it runs: injected so tests drive ringctl in-process and read
/// exactly what a user would see. <see cref="Console"/> renders tables to <see cref="Out"/>.
/// </summary>
public sealed class CliContext
{
    public CliContext(TextWriter output, TextWriter error, string workingDirectory, bool ansi = false)
    {
        Out = output;
        Err = error;
        WorkingDirectory = workingDirectory;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = ansi ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = ansi ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(output),
            Interactive = InteractionSupport.No,
        });
        Console.Profile.Width = 160;
    }

    public TextWriter Out { get; }

    public TextWriter Err { get; }

    public IAnsiConsole Console { get; }

    public string WorkingDirectory { get; }
}
