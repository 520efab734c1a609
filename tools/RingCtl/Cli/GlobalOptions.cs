using System.CommandLine;

namespace RingCtl.Cli;

/// <summary>Options every command takes.</summary>
public sealed class GlobalOptions
{
    public Option<bool> Json { get; } = new("--json") { Description = "Machine-readable JSON on stdout instead of tables", Recursive = true };

    public Option<string?> Root { get; } = new("--root") { Description = "Repository root (default: RINGCTL_ROOT, else the nearest folder upwards with the ring-infra Pulumi.yaml)", Recursive = true };
}
