using System.Globalization;
using System.Text.Json.Nodes;
using RingInfra.Core.Kube;

namespace RingInfra.Core.Config;

/// <summary>The stack file of a new ring (<c>ringctl ring add</c>): the keys that make it a ring; the rest comes from the layers below.</summary>
public static class RingFileTemplate
{
    /// <summary>A new ring's settings, as <c>ring add</c> takes them.</summary>
    public sealed record NewRing(string Name, int Order, string Segment, string Namespace, Tier Tier, TimeSpan BakeTime, string DisplayName, string Description);

    public static string Render(NewRing ring)
    {
        var config = new JsonObject
        {
            [$"{ConfigKeys.Project}:{ConfigKeys.DisplayName}"] = ring.DisplayName,
            [$"{ConfigKeys.Project}:{ConfigKeys.Description}"] = ring.Description,
            [$"{ConfigKeys.Project}:{ConfigKeys.Namespace}"] = ring.Namespace,
            [$"{ConfigKeys.Project}:{ConfigKeys.HostnameSegment}"] = ring.Segment,
            [$"{ConfigKeys.Project}:{ConfigKeys.PromotionOrder}"] = ring.Order,
            [$"{ConfigKeys.Project}:{ConfigKeys.Tier}"] = ring.Tier.ToString().ToLowerInvariant(),
            [$"{ConfigKeys.Project}:{ConfigKeys.BakeTime}"] = RingConfigBinder.FormatDuration(ring.BakeTime),
            [$"{ConfigKeys.Project}:{ConfigKeys.Tenants}"] = new JsonArray(),
        };
        return string.Create(CultureInfo.InvariantCulture, $"""
            # Ring "{ring.Name}": created by `ringctl ring add`. Keys: see README "Ring configuration".
            # With no kubernetes:context set, `pulumi up` renders YAML to out/{ring.Name}/ instead of applying.
            # kubernetes:context: prod-cluster

            """) + Yaml.Write(new JsonObject { ["config"] = config });
    }
}
