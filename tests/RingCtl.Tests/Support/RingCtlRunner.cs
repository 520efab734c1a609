using RingCtl.Cli;

namespace RingCtl.Tests.Support;

/// <summary>Runs ringctl in-process, exactly as the entry point does, and captures what a user would see.</summary>
public static class RingCtlRunner
{
    public sealed record Result(int ExitCode, string Out, string Err)
    {
        public IReadOnlyList<string> ErrLines => Err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        public IReadOnlyList<string> OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public static async Task<Result> RunAsync(string workingDirectory, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await RingCtlApp.RunAsync(args, new CliContext(output, error, workingDirectory), CancellationToken.None);
        return new Result(code, output.ToString(), error.ToString());
    }
}
