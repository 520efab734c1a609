using System.Text.Json.Nodes;

namespace RingInfra.Core.Kube;

/// <summary>Small, null-tolerant readers over JSON trees of Kubernetes objects.</summary>
public static class Node
{
    public static JsonObject? Obj(JsonNode? node, string key) => node is JsonObject o ? o[key] as JsonObject : null;

    public static JsonArray Arr(JsonNode? node, string key) => node is JsonObject o && o[key] is JsonArray a ? a : [];

    public static string? Str(JsonNode? node, string key) =>
        node is JsonObject o && o[key] is JsonValue v ? v.ToString() : null;

    /// <summary>A boolean field: <c>null</c> when absent or not a boolean.</summary>
    public static bool? Bool(JsonNode? node, string key) =>
        node is JsonObject o && o[key] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    /// <summary>An integer field: <c>null</c> when absent or not an integer.</summary>
    public static long? Int(JsonNode? node, string key) => node is JsonObject o ? AsInt(o[key]) : null;

    /// <summary>The node as an integer: <c>null</c> when it is not a whole number (strings never are).</summary>
    public static long? AsInt(JsonNode? node)
    {
        if (node is not JsonValue v || v.TryGetValue<string>(out _))
        {
            return null;
        }

        if (v.TryGetValue<long>(out var l))
        {
            return l;
        }

        if (v.TryGetValue<int>(out var i))
        {
            return i;
        }

        return v.TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) < 1e15 ? (long)d : null;
    }

    /// <summary>The value as the user wrote it, for error messages (strings unquoted, null as "null").</summary>
    public static string Show(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(JsonOptions.Relaxed),
    };
}
