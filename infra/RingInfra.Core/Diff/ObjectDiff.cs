using System.Text.Json.Nodes;
using RingInfra.Core.Kube;

namespace RingInfra.Core.Diff;

/// <summary>
/// A semantic diff of two sets of objects (by kind, namespace and name): what was added, removed, and
/// for changed objects every field path that differs. List items that carry a <c>name</c> (or <c>host</c>) are
/// matched by it (<c>containers[api]</c>, <c>rules[acme.acme.io]</c>), others by position.
/// </summary>
public static class ObjectDiff
{
    public static IReadOnlyList<ObjectChange> Compare(IEnumerable<KubeObject> before, IEnumerable<KubeObject> after)
    {
        var old = before.ToDictionary(o => o.Id, StringComparer.Ordinal);
        var changes = new List<ObjectChange>();
        foreach (var o in after)
        {
            if (!old.Remove(o.Id, out var previous))
            {
                changes.Add(new ObjectChange(o.Id, o.Kind, ChangeKind.Added, []));
                continue;
            }

            var fields = new List<FieldChange>();
            Walk(previous.Body, o.Body, "", fields);
            if (fields.Count > 0)
            {
                changes.Add(new ObjectChange(o.Id, o.Kind, ChangeKind.Changed, fields));
            }
        }

        changes.AddRange(old.Values.Select(o => new ObjectChange(o.Id, o.Kind, ChangeKind.Removed, [])));
        return [.. changes.OrderBy(c => c.Id, StringComparer.Ordinal)];
    }

    private static void Walk(JsonNode? a, JsonNode? b, string path, List<FieldChange> paths)
    {
        switch (a, b)
        {
            case (JsonObject x, JsonObject y):
                foreach (var key in x.Select(p => p.Key).Union(y.Select(p => p.Key)).Order(StringComparer.Ordinal))
                {
                    Walk(x[key], y[key], Join(path, key), paths);
                }

                break;
            case (JsonArray x, JsonArray y) when IdentityKey(x, y) is { } id:
                var xs = x.ToDictionary(i => Node.Str(i, id)!, StringComparer.Ordinal);
                var ys = y.ToDictionary(i => Node.Str(i, id)!, StringComparer.Ordinal);
                foreach (var name in xs.Keys.Union(ys.Keys).Order(StringComparer.Ordinal))
                {
                    Walk(xs.GetValueOrDefault(name), ys.GetValueOrDefault(name), $"{path}[{name}]", paths);
                }

                break;
            case (JsonArray x, JsonArray y):
                for (var i = 0; i < Math.Max(x.Count, y.Count); i++)
                {
                    Walk(i < x.Count ? x[i] : null, i < y.Count ? y[i] : null, $"{path}[{i}]", paths);
                }

                break;
            default:
                if (!JsonNode.DeepEquals(a, b))
                {
                    paths.Add(new FieldChange(path, Text(a), Text(b)));
                }

                break;
        }
    }

    private static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(JsonOptions.Relaxed),
    };

    /// <summary>The key that identifies list items in both lists (<c>name</c>, or <c>host</c> for Ingress rules), if any.</summary>
    private static string? IdentityKey(JsonArray x, JsonArray y) =>
        new[] { "name", "host" }.FirstOrDefault(k => Unique(x, k) && Unique(y, k) && (x.Count > 0 || y.Count > 0));

    private static bool Unique(JsonArray items, string key) =>
        items.All(i => Node.Str(i, key) is not null) && items.Select(i => Node.Str(i, key)).Distinct().Count() == items.Count;

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
