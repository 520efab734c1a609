using System.CommandLine;

namespace RingCtl.Commands;

/// <summary>Options several commands share, built fresh per command (System.CommandLine symbols have one parent).</summary>
public static class CommonOptions
{
    public static Option<bool> Yes() => new("--yes", "-y") { Description = "Do not ask for confirmation (needed without an interactive terminal)" };

    public static Option<string> Reason() => new("--reason") { Description = "Why, for the operations log", DefaultValueFactory = _ => "" };

    public static Option<bool> DryRun() => new("--dry-run") { Description = "Show what would change (offline: renders before and after) and change nothing" };
}
