using RingCtl.Cli;
using RingCtl.Stacks;

namespace RingCtl.Tests.Support;

/// <summary>How a test wires ringctl: which registry (null: the private one under the repository) and which stacks.</summary>
public sealed record CliContextOptions(string? DatabaseUrl, Func<string, IStackRunner>? Stacks = null, HttpClient? Http = null, IReadOnlyList<string>? Redact = null,
    string? PrometheusUrl = null, RingCtl.Operations.IClock? Clock = null);

/// <summary>Runs ringctl in-process, exactly as the entry point does, and captures what a user would see.</summary>
public static class RingCtlRunner
{
    public sealed record Result(int ExitCode, string Out, string Err)
    {
        public IReadOnlyList<string> ErrLines => Err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        public IReadOnlyList<string> OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public static Task<Result> RunAsync(string workingDirectory, params string[] args) =>
        RunAsync(workingDirectory, new CliContextOptions(DatabaseUrl: "Host=127.0.0.1;Port=1;Database=none"), args);

    public static async Task<Result> RunAsync(string workingDirectory, CliContextOptions options, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext(output, error, workingDirectory)
        {
            DatabaseUrl = options.DatabaseUrl,
            StackRunnerFactory = options.Stacks ?? StackRunners.Create,
            Http = options.Http ?? new HttpClient(),
            DefaultActor = "tester",
            Redact = options.Redact ?? [],
            PrometheusUrl = options.PrometheusUrl,
            Clock = options.Clock ?? RingCtl.Operations.SystemClock.Instance,
        };
        var code = await RingCtlApp.RunAsync(args, context, CancellationToken.None);
        return new Result(code, output.ToString(), error.ToString());
    }
}
