using System.Text.Json.Nodes;
using RingInfra.Core.Kube;

namespace RingInfra.Core.Config;

/// <summary>
/// Reads typed values out of a config tree and records a <see cref="ConfigProblem"/> for every bad
/// one instead of stopping at the first, so that validation reports all problems at once.
/// </summary>
internal sealed class ValueReader
{
    private readonly string _subject;
    private readonly List<ConfigProblem> _problems;

    public ValueReader(string subject, List<ConfigProblem> problems)
    {
        _subject = subject;
        _problems = problems;
    }

    public void Problem(string key, JsonNode? value, string rule) =>
        _problems.Add(new ConfigProblem(_subject, key, Node.Show(value), rule));

    public void Problem(string key, string value, string rule) =>
        _problems.Add(new ConfigProblem(_subject, key, value, rule));

    public string? String(JsonNode? node, string key, Func<string, bool>? valid = null, string rule = "")
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonValue v || !v.TryGetValue<string>(out var s))
        {
            Problem(key, node, "must be a string");
            return null;
        }

        if (valid is not null && !valid(s))
        {
            Problem(key, s, rule);
            return null;
        }

        return s;
    }

    public string RequiredString(JsonNode? node, string key, Func<string, bool>? valid = null, string rule = "")
    {
        if (node is null)
        {
            Problem(key, "nothing", valid is null ? "is required" : $"is required and {rule}");
            return "";
        }

        return String(node, key, valid, rule) ?? "";
    }

    public bool? Bool(JsonNode? node, string key)
    {
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue v && v.TryGetValue<bool>(out var b))
        {
            return b;
        }

        Problem(key, node, "must be true or false");
        return null;
    }

    public int? Int(JsonNode? node, string key, int min, int max)
    {
        if (node is null)
        {
            return null;
        }

        var n = Node.AsInt(node);
        if (n is null)
        {
            Problem(key, node, $"must be a whole number from {min} to {max}");
            return null;
        }

        if (n < min || n > max)
        {
            Problem(key, node, n < min ? $"must be >= {min}" : $"must be <= {max}");
            return null;
        }

        return (int)n;
    }

    public double? Double(JsonNode? node, string key)
    {
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue v && v.TryGetValue<double>(out var d) && double.IsFinite(d))
        {
            return d;
        }

        if (Node.AsInt(node) is { } whole)
        {
            return whole;
        }

        if (node is JsonValue s && s.TryGetValue<string>(out var text) && double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed))
        {
            return parsed;
        }

        Problem(key, node, "must be a number");
        return null;
    }

    public JsonObject? Map(JsonNode? node, string key)
    {
        if (node is null)
        {
            return null;
        }

        if (node is JsonObject o)
        {
            return o;
        }

        Problem(key, node, "must be a map");
        return null;
    }

    public JsonArray? List(JsonNode? node, string key)
    {
        if (node is null)
        {
            return null;
        }

        if (node is JsonArray a)
        {
            return a;
        }

        Problem(key, node, "must be a list");
        return null;
    }

    /// <summary>Reports every key of <paramref name="map"/> that is not in <paramref name="allowed"/>.</summary>
    public void OnlyKeys(JsonObject map, string prefix, IReadOnlyList<string> allowed)
    {
        foreach (var (k, v) in map)
        {
            if (!allowed.Contains(k, StringComparer.Ordinal))
            {
                var rule = $"is not a known key; allowed: {string.Join(", ", allowed)}";
                if (Names.LooksSecret(k))
                {
                    Problem(prefix + k, "(value hidden)", rule);
                }
                else
                {
                    Problem(prefix + k, v, rule);
                }
            }
        }
    }
}
