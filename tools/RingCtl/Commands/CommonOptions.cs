using System.CommandLine;
using RingInfra.Core.Promotion;

namespace RingCtl.Commands;

/// <summary>Options several commands share, built fresh per command (System.CommandLine symbols have one parent).</summary>
public static class CommonOptions
{
    public static Option<bool> Yes() => new("--yes", "-y", "--force") { Description = "Do not ask for confirmation (needed without an interactive terminal); --force is doc 000's spelling and overrides no gate" };

    public static Option<string> Reason() => new("--reason") { Description = "Why, for the operations log", DefaultValueFactory = _ => "" };

    /// <summary><c>--override GATE[,GATE…]</c>: only the gates Core lets an operator override; needs <c>--reason</c>.</summary>
    public static Option<string?> Override() => new("--override")
    {
        Description = $"Override these gates, comma-separated ({string.Join(", ", GateTable.Overridable.Select(GateTable.Name).Order(StringComparer.Ordinal))}); needs --reason, and an approver on a protected ring; the log records both",
    };

    /// <summary><c>--approved-by NAME</c>: one of the target ring's <c>approvers</c>, never the actor.</summary>
    public static Option<string?> ApprovedBy() => new("--approved-by") { Description = "Approver: one of the protected ring's approvers, not yourself (stored in the operations log)" };

    /// <summary><c>--commit</c>: commit exactly the stack files and locks the command wrote, one commit per operation.</summary>
    public static Option<bool> Commit() => new("--commit")
    {
        Description = "Commit exactly the stack files and locks this command writes, with the operation's message (without it, the command prints the git command)",
    };

    public static Option<bool> DryRun() => new("--dry-run") { Description = "Show what would change (offline: renders before and after) and change nothing" };
}
