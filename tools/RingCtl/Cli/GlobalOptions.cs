using System.CommandLine;

namespace RingCtl.Cli;

/// <summary>Options every command takes.</summary>
public sealed class GlobalOptions
{
    public Option<bool> Json { get; } = new("--json") { Description = "Machine-readable JSON on stdout instead of tables", Recursive = true };

    public Option<string?> Actor { get; } = new("--actor") { Description = "Who is acting, for the operations log (default: RINGCTL_ACTOR, else user@host)", Recursive = true };

    public Option<bool> Wait { get; } = new("--wait") { Description = "Wait (up to 10 minutes) for a busy ring instead of failing", Recursive = true };

    public Option<string?> Root { get; } = new("--root") { Description = "Repository root (default: RINGCTL_ROOT, else the nearest folder upwards with the ring-infra Pulumi.yaml, else the ./ringctl wrapper's checkout)", Recursive = true };
}
