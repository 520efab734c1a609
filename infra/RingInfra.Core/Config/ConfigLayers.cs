using System.Text.Json.Nodes;

namespace RingInfra.Core.Config;

/// <summary>
/// Layers config trees: a later layer wins; maps merge key by key (so a ring can override one
/// workload setting and keep the rest), lists and scalars replace.
/// </summary>
public static class ConfigLayers
{
    public static JsonObject Merge(params JsonObject[] layers)
    {
        var result = new JsonObject();
        foreach (var layer in layers)
        {
            MergeInto(result, layer);
        }

        return result;
    }

    private static void MergeInto(JsonObject target, JsonObject layer)
    {
        foreach (var (key, value) in layer)
        {
            if (value is JsonObject incoming && target[key] is JsonObject existing)
            {
                MergeInto(existing, incoming);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }
}
