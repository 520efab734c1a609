using RingInfra.Core.Locks;

namespace RingInfra.Core.Promotion;

/// <summary>The commit message of a lock change (doc 000's CI job): <c>promote(edge): orders 1.5.0 → 1.6.0</c>.</summary>
public static class CommitMessage
{
    public static string Promote(string ring, string module, SemanticVersion? from, SemanticVersion to) =>
        $"promote({ring}): {module} {from?.ToString() ?? "(new)"} → {to}";

    public static string Rollback(string ring, string module, SemanticVersion? from, SemanticVersion to) =>
        $"rollback({ring}): {module} {from?.ToString() ?? "(new)"} → {to}";
}
