using RingCtl.Registry;
using RingCtl.Stacks;
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
        // Made on first use: `--help`, JSON output and plain-text commands never pay for Spectre's console set-up.
        _console = new Lazy<IAnsiConsole>(() =>
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = ansi ? AnsiSupport.Yes : AnsiSupport.No,
                ColorSystem = ansi ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
                Out = new AnsiConsoleOutput(output),
                Interactive = InteractionSupport.No,
            });
            console.Profile.Width = Width;
            return console;
        });
    }

    private readonly Lazy<IAnsiConsole> _console;
    private Lazy<HttpClient> _http = new(() => new HttpClient { Timeout = TimeSpan.FromSeconds(15) });
    private Lazy<IPulumiInstaller?> _installer = new(StackRunners.Installer);

    /// <summary>The width tables are laid out for.</summary>
    public int Width => 160;

    public TextWriter Out { get; }

    public TextWriter Err { get; }

    public IAnsiConsole Console => _console.Value;

    public string WorkingDirectory { get; }

    /// <summary>The registry to use (<c>RINGCTL_DATABASE_URL</c>); null means ringctl's private PostgreSQL under <c>.ringctl/</c>.</summary>
    public string? DatabaseUrl { get; init; } = Environment.GetEnvironmentVariable(Registry.DatabaseUrl.Variable) is { Length: > 0 } url ? url : null;

    /// <summary>Makes the stack runner for a repository root (the Automation API one, or one saying why there is none).</summary>
    public Func<string, IStackRunner> StackRunnerFactory { get; init; } = StackRunners.Create;

    /// <summary>Installs the pinned Pulumi CLI for <c>up --install-pulumi</c>; null where ringctl has no Automation API.</summary>
    public IPulumiInstaller? PulumiInstaller
    {
        get => _installer.Value;
        init => _installer = new Lazy<IPulumiInstaller?>(value);
    }

    /// <summary>Where confirmation answers come from; null (and CI) means no interactive terminal.</summary>
    public TextReader? Input { get; init; }

    /// <summary>Who acts: <c>--actor</c>, else RINGCTL_ACTOR, else user@host.</summary>
    public string DefaultActor { get; init; } = Environment.GetEnvironmentVariable("RINGCTL_ACTOR") is { Length: > 0 } a ? a : $"{Environment.UserName}@{Environment.MachineName}";

    public HttpClient Http
    {
        get => _http.Value;
        init => _http = new Lazy<HttpClient>(value);
    }

    /// <summary>Prometheus for the metric gates (<c>RINGCTL_PROMETHEUS_URL</c>); null means the rings' <c>prometheusUrl</c>.</summary>
    public string? PrometheusUrl { get; init; } = Environment.GetEnvironmentVariable("RINGCTL_PROMETHEUS_URL") is { Length: > 0 } p ? p : null;

    /// <summary>The clock of polling commands (<c>verify --metrics</c>); tests pass one that never sleeps.</summary>
    public Operations.IClock Clock { get; init; } = Operations.SystemClock.Instance;

    /// <summary>Secret values to redact wherever they might show (RINGCTL_REDACT, one per line): previews scrub them.</summary>
    public IReadOnlyList<string> Redact { get; init; } =
        (Environment.GetEnvironmentVariable("RINGCTL_REDACT") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
