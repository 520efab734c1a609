using System.Text;
using System.Text.Json.Nodes;

namespace RingCtl.Preview;

/// <summary>The preview as plain text (a terminal) and as JSON (machines).</summary>
public static class PreviewText
{
    public static string Render(PreviewReport r)
    {
        var sb = new StringBuilder();
        sb.Append($"preview {r.Base[..Math.Min(12, r.Base.Length)]} → {r.Head[..Math.Min(12, r.Head.Length)]} ({(r.Offline ? "offline" : "Pulumi")}): ");
        sb.Append(r.Rings.Count == 0 ? "no ring is affected\n" : $"{r.Rings.Count} affected ring(s)\n");
        foreach (var ring in r.Rings)
        {
            sb.Append(ring.Error is not null
                ? $"{ring.Ring}: INVALID\n  {ring.Error.Replace("\n", "\n  ", StringComparison.Ordinal)}\n"
                : $"{ring.Ring}: {ring.Creates} to create, {ring.Updates} to update, {ring.Replaces} to replace, {ring.Deletes} to delete{(ring.RollsPods ? ", pods roll" : "")}\n");
            foreach (var line in ring.Lines)
            {
                sb.Append("  ").Append(line).Append('\n');
            }

            if (ring.TenantEdit is { } t)
            {
                sb.Append($"  ❌ tenant list edited by hand: {string.Join(" ", t.Added.Select(x => "+" + x).Concat(t.Removed.Select(x => "−" + x)))}; tenants are assigned with `ringctl tenant assign`")
                  .Append(ring.RegistryTenants is { } held ? $" (the registry holds: {string.Join(", ", held)})" : "").Append('\n');
            }

            foreach (var e in ring.LockEdits)
            {
                sb.Append($"  ❌ lock edit, never promoted: {e.Module} {e.From ?? "—"} → {e.To} (up and the rollout refuse it); as a promotion it would fail: ")
                  .Append(e.WouldFail.Count == 0 ? "no gate" : string.Join("; ", e.WouldFail)).Append('\n');
            }
        }

        foreach (var note in r.Notes)
        {
            sb.Append("note: ").Append(note).Append('\n');
        }

        return sb.ToString();
    }

    public static JsonObject Json(PreviewReport r) => new()
    {
        ["base"] = r.Base,
        ["head"] = r.Head,
        ["offline"] = r.Offline,
        ["changedPaths"] = new JsonArray([.. r.ChangedPaths.Select(p => (JsonNode?)JsonValue.Create(p))]),
        ["reasons"] = new JsonArray([.. r.Reasons.Select(p => (JsonNode?)JsonValue.Create(p))]),
        ["notes"] = new JsonArray([.. r.Notes.Select(p => (JsonNode?)JsonValue.Create(p))]),
        ["rings"] = new JsonArray([.. r.Rings.Select(ring => (JsonNode?)new JsonObject
        {
            ["ring"] = ring.Ring,
            ["shared"] = ring.Shared,
            ["creates"] = ring.Creates,
            ["updates"] = ring.Updates,
            ["replaces"] = ring.Replaces,
            ["deletes"] = ring.Deletes,
            ["podsRoll"] = ring.RollsPods,
            ["error"] = ring.Error,
            ["objects"] = new JsonArray([.. ring.Changes.Select(c => (JsonNode?)new JsonObject
            {
                ["id"] = c.Id,
                ["change"] = c.Change.ToString().ToLowerInvariant(),
                ["paths"] = new JsonArray([.. c.Paths.Select(p => (JsonNode?)JsonValue.Create(p))]),
            })]),
            ["lines"] = new JsonArray([.. ring.Lines.Select(l => (JsonNode?)JsonValue.Create(l))]),
            ["tenantEdit"] = ring.TenantEdit is { } te ? new JsonObject
            {
                ["added"] = new JsonArray([.. te.Added.Select(x => (JsonNode?)JsonValue.Create(x))]),
                ["removed"] = new JsonArray([.. te.Removed.Select(x => (JsonNode?)JsonValue.Create(x))]),
                ["registry"] = ring.RegistryTenants is { } rt ? new JsonArray([.. rt.Select(x => (JsonNode?)JsonValue.Create(x))]) : null,
            } : null,
            ["lockEdits"] = new JsonArray([.. ring.LockEdits.Select(e => (JsonNode?)new JsonObject
            {
                ["module"] = e.Module,
                ["from"] = e.From,
                ["to"] = e.To,
                ["wouldFail"] = Cli.JsonOutput.Gates(e.WouldFail),
            })]),
        })]),
    };
}
