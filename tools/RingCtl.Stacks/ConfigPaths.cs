using System.Text.Json;
using System.Text.Json.Nodes;

namespace RingCtl.Stacks;

/// <summary>
/// A structured config value as the <c>pulumi config set --path</c> calls that store it as structured
/// YAML in the stack file (a plain set would store the JSON as a string). An empty list or map is
/// stored as no key at all: the built-in default is empty.
/// </summary>
public static class ConfigPaths
{
    /// <summary>(path, value) pairs for <paramref name="value"/>; a non-JSON value is one plain pair.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Flatten(string key, string value)
    {
        JsonNode? node = null;
        if (value.StartsWith('[') || value.StartsWith('{'))
        {
            try
            {
                node = JsonNode.Parse(value);
            }
            catch (JsonException)
            {
                node = null;
            }
        }

        if (node is null)
        {
            return [new(key, value)];
        }

        var pairs = new List<KeyValuePair<string, string>>();
        Walk(node, key, pairs);
        return pairs;
    }

    public static bool IsStructured(string value) => value.StartsWith('[') || value.StartsWith('{');

    private static void Walk(JsonNode? node, string path, List<KeyValuePair<string, string>> pairs)
    {
        switch (node)
        {
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    Walk(a[i], $"{path}[{i}]", pairs);
                }

                break;
            case JsonObject o:
                foreach (var (k, v) in o)
                {
                    Walk(v, k.Contains('.', StringComparison.Ordinal) || k.Contains('[', StringComparison.Ordinal) ? $"{path}[\"{k}\"]" : $"{path}.{k}", pairs);
                }

                break;
            case JsonValue v:
                pairs.Add(new(path, v.TryGetValue<string>(out var s) ? s : v.ToJsonString()));
                break;
        }
    }
}
