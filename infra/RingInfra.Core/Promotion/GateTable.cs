using System.Collections.Frozen;

namespace RingInfra.Core.Promotion;

/// <summary>
/// Which gates each path that changes a ring passes — the one table every command goes through, so that a new
/// command cannot pick its own subset. A rollback is the emergency exit: it is not stopped by a freeze window
/// (its log row notes it); neither is a secrets sync (a leaked secret cannot wait for the window to end) nor a
/// tenant move (moving a customer out of a broken ring is support's way out).
/// </summary>
public static class GateTable
{
    private static readonly FrozenDictionary<ChangePath, Gate[]> Table = new Dictionary<ChangePath, Gate[]>
    {
        [ChangePath.Promote] = [Gate.Version, Gate.Order, Gate.Bake, Gate.Health, Gate.Metrics, Gate.NewVersion, Gate.Approval, Gate.Freeze, Gate.Provenance, Gate.Policy],
        [ChangePath.Rollback] = [Gate.Version, Gate.Rollback, Gate.Approval, Gate.Freeze, Gate.Provenance, Gate.Policy],
        [ChangePath.Up] = [Gate.Approval, Gate.Freeze, Gate.Provenance, Gate.Policy],
        [ChangePath.RingAdd] = [Gate.Freeze, Gate.Policy],
        [ChangePath.SecretsSync] = [Gate.Approval, Gate.Freeze, Gate.Provenance, Gate.Policy],
        [ChangePath.TenantMove] = [Gate.Freeze, Gate.Provenance, Gate.Policy],
        [ChangePath.TenantWaves] = [Gate.Held, Gate.Freeze, Gate.Provenance, Gate.Policy],
        [ChangePath.SetDefault] = [Gate.Freeze, Gate.Provenance, Gate.Policy],
        [ChangePath.ReconcileDrift] = [Gate.Freeze, Gate.Provenance, Gate.Policy],
        [ChangePath.ReconcileResume] = [Gate.Policy],
    }.ToFrozenDictionary();

    /// <summary>The gates the operator may override (<c>--override</c>, with a reason; on a protected ring also an approver).</summary>
    public static readonly IReadOnlySet<Gate> Overridable = new HashSet<Gate> { Gate.Order, Gate.Bake, Gate.Health, Gate.Metrics, Gate.Freeze, Gate.NewVersion };

    /// <summary>Paths a freeze window does not stop (the decision notes it instead).</summary>
    public static readonly IReadOnlySet<ChangePath> FreezeNotedOnly = new HashSet<ChangePath> { ChangePath.Rollback, ChangePath.SecretsSync, ChangePath.TenantMove, ChangePath.ReconcileDrift };

    public static IReadOnlyList<Gate> Gates(ChangePath path) => Table[path];

    /// <summary>
    /// The override that lifts a gate's refusal: the gate itself, except lock provenance, which is lifted by
    /// <c>new-version</c> (a lock carrying an unrecorded version is one entering unpromoted); null when none can.
    /// </summary>
    public static Gate? OverriddenBy(Gate gate) => gate == Gate.Provenance ? Gate.NewVersion : Overridable.Contains(gate) ? gate : null;

    public static bool Applies(ChangePath path, Gate gate) => Table[path].Contains(gate);

    /// <summary>The gate's name on the command line and in the log: <c>new-version</c>, <c>bake</c>, …</summary>
    public static string Name(Gate gate) => gate switch
    {
        Gate.NewVersion => "new-version",
        _ => gate.ToString().ToLowerInvariant(),
    };

    /// <summary>Parses <c>--override</c>'s list; unknown or non-overridable names come back as problems.</summary>
    public static (IReadOnlySet<Gate> Gates, IReadOnlyList<string> Problems) ParseOverrides(string? list)
    {
        var gates = new HashSet<Gate>();
        var problems = new List<string>();
        foreach (var name in (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var gate = Enum.GetValues<Gate>().Cast<Gate?>().FirstOrDefault(g => Name(g!.Value) == name);
            if (gate is { } g && Overridable.Contains(g))
            {
                gates.Add(g);
            }
            else
            {
                problems.Add($"--override: '{name}' is not a gate that can be overridden (allowed: {string.Join(", ", Overridable.Select(Name).Order(StringComparer.Ordinal))})");
            }
        }

        return (gates, problems);
    }
}
