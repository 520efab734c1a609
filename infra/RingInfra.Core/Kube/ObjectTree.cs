using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;

namespace RingInfra.Core.Kube;

/// <summary>
/// Converts between JSON trees and the plain object trees Pulumi uses for untyped values
/// (stack-reference outputs arrive as dictionaries, lists, strings, doubles and booleans; outputs
/// given to Pulumi must use <c>int</c>, never <c>long</c>).
/// </summary>
public static class ObjectTree
{
    public static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        JsonNode n => n.DeepClone(),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => d == Math.Floor(d) && Math.Abs(d) < 1e15 ? JsonValue.Create((long)d) : JsonValue.Create(d),
        IDictionary dict => ToObject(dict),
        IEnumerable list => new JsonArray([.. list.Cast<object?>().Select(ToJson)]),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    /// <summary>A JSON tree as Pulumi-serializable values: Dictionary&lt;string, object&gt;, List&lt;object&gt;, string, int, double, bool.</summary>
    public static object? FromJson(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => FromJson(p.Value)!, StringComparer.Ordinal),
        JsonArray a => a.Select(FromJson).ToList(),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when Node.AsInt(v) is { } l && l is >= int.MinValue and <= int.MaxValue => (int)l,
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        _ => node.ToJsonString(),
    };

    private static JsonObject ToObject(IDictionary dict)
    {
        var o = new JsonObject();
        foreach (DictionaryEntry e in dict)
        {
            o[Convert.ToString(e.Key, CultureInfo.InvariantCulture)!] = ToJson(e.Value);
        }

        return o;
    }
}
