using RingInfra.Core.Fleet;
using RingInfra.Core.Locks;
using RingInfra.Core.Promotion;

namespace RingInfra.Core.Preview;

/// <summary>A module version a change writes into a ring's lock without a promotion, and the gates a promotion of it would fail.</summary>
public sealed record LockEdit(string Ring, string Module, string? From, string To, IReadOnlyList<GateRefusal> WouldFail);

/// <summary>
/// Lock changes in a pull request. Promotions and rollbacks write their lock on the default branch themselves
/// (and record the landing), so a lock change in a pull request is a hand edit: <c>up</c> and the rollout would
/// refuse it (lock provenance). The preview marks it and lists what a promotion of the same version would
/// fail — order, bake remaining, new version, approval, freeze — from the same Core gates.
/// </summary>
public static class LockEdits
{
    /// <summary>
    /// The hand edits of <paramref name="ring"/>'s lock from <paramref name="before"/> to <paramref name="after"/>;
    /// <paramref name="landedAt"/> says when a version landed in a ring before the change (from the locks' history), or null.
    /// </summary>
    public static IReadOnlyList<LockEdit> Find(RingFleet? before, RingFleet after, string ring, Func<string, string, DateTimeOffset?> landedAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(landedAt);
        if (after.Find(ring) is not { } target)
        {
            return [];
        }

        var old = before?.Find(ring)?.Lock;
        var edits = new List<LockEdit>();
        foreach (var m in target.Lock.Modules)
        {
            var was = old?.Find(m.Alias);
            if (was is not null && was.Version.Equals(m.Version) && was.Sha256 == m.Sha256)
            {
                continue;
            }

            // As a promotion: from the nearest less conservative ring that ran the version before the change.
            var runs = (before?.Rings ?? []).Where(r => r.Config.Active && r.Lock.Find(m.Alias)?.Version.Equals(m.Version) == true).ToList();
            var source = runs.Where(r => r.Config.PromotionOrder > target.Config.PromotionOrder).MinBy(r => r.Config.PromotionOrder);
            var request = new ChangeRequest
            {
                Path = ChangePath.Promote,
                Target = target.Config,
                Actor = "pull request",
                Now = now,
                Module = m.Alias,
                Source = source?.Config,
                Version = m.Version,
                Current = was?.Version,
                LandedInSource = source is null ? null : landedAt(source.Name, m.Alias),
                Orders = [.. after.Rings.Where(r => r.Config.Active).Select(r => r.Config.PromotionOrder)],
                IsNewVersion = runs.Count == 0,
            };
            var decision = ChangeGates.Decide(request);
            edits.Add(new LockEdit(ring, m.Alias, was?.Version.ToString(), m.Version.ToString(), decision.Refusals));
        }

        return edits;
    }
}

/// <summary>A stack file's tenant list changed by hand: tenants are assigned in the registry, not in files.</summary>
public sealed record TenantEdit(string Ring, IReadOnlyList<string> Added, IReadOnlyList<string> Removed)
{
    /// <summary>The ring's tenant list edits between two revisions (null when the list did not change).</summary>
    public static TenantEdit? Find(RingFleet? before, RingFleet after, string ring)
    {
        ArgumentNullException.ThrowIfNull(after);
        var now = after.Find(ring)?.Config.Tenants ?? [];
        var was = before?.Find(ring)?.Config.Tenants ?? [];
        var added = now.Except(was, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var removed = was.Except(now, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        // A new ring's file starts empty (ring add writes none); only a change of an existing ring's list is an edit.
        return added.Count + removed.Count == 0 || before?.Find(ring) is null ? null : new TenantEdit(ring, added, removed);
    }
}
