using System.Text.Json.Nodes;

namespace RingInfra.Core.Rendering;

/// <summary>Terse constructors for the JSON shapes of Kubernetes objects.</summary>
internal static class K
{
    public static JsonObject Object(string apiVersion, string kind, string name, string? ns, JsonObject labels, JsonObject? annotations = null)
    {
        var meta = new JsonObject { ["name"] = name };
        if (ns is not null)
        {
            meta["namespace"] = ns;
        }

        meta["labels"] = labels;
        if (annotations is { Count: > 0 })
        {
            meta["annotations"] = annotations;
        }

        return new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = meta };
    }

    public static JsonObject Map(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var o = new JsonObject();
        foreach (var (k, v) in pairs)
        {
            o[k] = v;
        }

        return o;
    }

    public static JsonArray Array(params JsonNode?[] items) => new(items);

    public static JsonArray Strings(params string[] items) => new(items.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());

    public static JsonObject Port(int port, string protocol = "TCP") => new() { ["port"] = port, ["protocol"] = protocol };

    public static JsonObject NamespaceSelector(string ns) =>
        new() { ["matchLabels"] = new JsonObject { ["kubernetes.io/metadata.name"] = ns } };
}
