using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RingInfra.Core.Config;

/// <summary>
/// Turns config as a Pulumi program receives it — one string per key, structured values as JSON
/// text — into the same config tree the stack files give, so the program and ringctl bind and
/// validate one way.
/// </summary>
public static class RawConfig
{
    private static readonly HashSet<string> Scalars = [ConfigKeys.PromotionOrder, ConfigKeys.Default, ConfigKeys.Active, ConfigKeys.Protected, ConfigKeys.DualStack];

    private static readonly HashSet<string> Structured =
    [
        ConfigKeys.FreezeWindows, ConfigKeys.Tenants, ConfigKeys.Env, ConfigKeys.FeatureFlags, ConfigKeys.Connectors, ConfigKeys.Workloads,
        ConfigKeys.Queues, ConfigKeys.Dns, ConfigKeys.IngressAnnotations, ConfigKeys.SelectorLabels, ConfigKeys.Approvers,
        ConfigKeys.Gates, ConfigKeys.Observability, ConfigKeys.Health, ConfigKeys.Tls, ConfigKeys.Websockets, ConfigKeys.Autoscaling, ConfigKeys.Upgrade,
        ConfigKeys.Clusters, ConfigKeys.TenantRegions,
    ];

    /// <summary>The ring config layer for the keys that are set (null values are skipped).</summary>
    public static JsonObject ToLayer(IEnumerable<KeyValuePair<string, string?>> raw, string subject, List<ConfigProblem> problems) =>
        ToLayer(raw, subject, problems, Structured);

    /// <summary>Like <see cref="ToLayer(IEnumerable{KeyValuePair{string, string}}, string, List{ConfigProblem})"/> with the given structured keys.</summary>
    public static JsonObject ToLayer(IEnumerable<KeyValuePair<string, string?>> raw, string subject, List<ConfigProblem> problems, IReadOnlySet<string> structured)
    {
        var layer = new JsonObject();
        foreach (var (key, value) in raw)
        {
            if (value is null)
            {
                continue;
            }

            // sharedStack is a stack name (plain text) or a map region → stack (JSON text from the stack file).
            if (structured.Contains(key) || (key == ConfigKeys.SharedStack && value.TrimStart().StartsWith('{')))
            {
                try
                {
                    layer[key] = JsonNode.Parse(value);
                }
                catch (JsonException e)
                {
                    problems.Add(new ConfigProblem(subject, key, value, $"must be a structured value (JSON from the stack file): {e.Message}"));
                }
            }
            else if (Scalars.Contains(key))
            {
                // Numbers and booleans arrive as text ("20", "true"); anything else stays text for the binder to refuse.
                layer[key] = value switch
                {
                    "true" => JsonValue.Create(true),
                    "false" => JsonValue.Create(false),
                    _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
                    _ => JsonValue.Create(value),
                };
            }
            else
            {
                layer[key] = value;
            }
        }

        return layer;
    }

    /// <summary>The inverse, for tests and tools that set Pulumi config: each key's value as the engine passes it.</summary>
    public static IEnumerable<KeyValuePair<string, string>> FromLayer(JsonObject layer) =>
        layer.Where(p => p.Value is not null).Select(p => new KeyValuePair<string, string>(p.Key, p.Value switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
            _ => p.Value!.ToJsonString(),
        }));
}
