namespace RingCtl.Registry;

/// <summary>A row of the operations log: who did what, why, from → to, its status and timings.</summary>
public sealed record OperationRecord
{
    public long Id { get; init; }

    public string Kind { get; init; } = "";

    public string[] Rings { get; init; } = [];

    public string? Tenant { get; init; }

    public string? Module { get; init; }

    public string? FromValue { get; init; }

    public string? ToValue { get; init; }

    public string Actor { get; init; } = "";

    public string Reason { get; init; } = "";

    public string Status { get; init; } = "";

    public string Step { get; init; } = "";

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public string? Error { get; init; }

    public string? ApprovedBy { get; init; }

    public string[] Overrides { get; init; } = [];

    public string[] Notes { get; init; } = [];

    /// <summary>The row this one belongs to: a wave's tenant rows their wave, a wave its run (<c>tenant move</c>); null otherwise.</summary>
    public long? ParentId { get; init; }

    /// <summary>One line: <c>#12 promote orders edge 1.5.0 → 1.6.0 [succeeded] by alice</c>.</summary>
    public string Summary =>
        $"#{Id} {Kind}{(Tenant is null ? "" : " " + Tenant)}{(Module is null ? "" : " " + Module)} {string.Join(",", Rings)} {FromValue ?? "-"} → {ToValue ?? "-"} [{Status}{(Status == "pending" ? " at " + Step : "")}] by {Actor}";
}
