using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace RingInfra.Core.Config;

/// <summary>Reads the <see cref="PlatformSettings"/> keys of a ring's config (every problem reported, as everywhere).</summary>
internal static partial class PlatformSections
{
    private static readonly string[] QueueKeys = ["cachePrefix", "horizonPrefix", "queue", "redisPrefix"];
    private static readonly string[] DnsKeys = ["ipBlocks", "namespace", "podLabels", "port"];
    private static readonly string[] Controllers = [PlatformSettings.IngressNginx, PlatformSettings.NoController];
    private static readonly string[] WorkloadNames = ["api", "horizon", "nginx"];

    public static PlatformSettings Read(ValueReader r, Func<string, JsonNode?> get, string ring, string sharedNamespace) => new()
    {
        Queues = ReadQueues(r, get(ConfigKeys.Queues), ring, sharedNamespace),
        Dns = ReadDns(r, get(ConfigKeys.Dns)),
        IngressController = r.String(get(ConfigKeys.IngressController), ConfigKeys.IngressController, Controllers.Contains, $"must be one of {string.Join(", ", Controllers)}") ?? PlatformSettings.IngressNginx,
        IngressAnnotations = Labels(r, get(ConfigKeys.IngressAnnotations), ConfigKeys.IngressAnnotations, valueRule: null),
        DualStack = r.Bool(get(ConfigKeys.DualStack), ConfigKeys.DualStack) ?? false,
        SelectorLabels = ReadSelectors(r, get(ConfigKeys.SelectorLabels), ring),
    };

    private static QueueSettings ReadQueues(ValueReader r, JsonNode? node, string ring, string sharedNamespace)
    {
        var map = r.Map(node, ConfigKeys.Queues) ?? [];
        r.OnlyKeys(map, ConfigKeys.Queues + ".", QueueKeys);
        var d = QueueSettings.For(sharedNamespace, ring);
        string Get(string key, string fallback) =>
            r.String(map[key], $"{ConfigKeys.Queues}.{key}", v => v.Length is > 0 and <= 100 && Prefix().IsMatch(v), "must be 1 to 100 letters, digits, '_', '-', ':' or '.'") ?? fallback;
        return new QueueSettings(Get("redisPrefix", d.RedisPrefix), Get("horizonPrefix", d.HorizonPrefix), Get("cachePrefix", d.CachePrefix), Get("queue", d.Queue));
    }

    private static DnsSettings ReadDns(ValueReader r, JsonNode? node)
    {
        var map = r.Map(node, ConfigKeys.Dns) ?? [];
        r.OnlyKeys(map, ConfigKeys.Dns + ".", DnsKeys);
        var ns = r.String(map["namespace"], $"{ConfigKeys.Dns}.namespace", Names.IsDnsLabel, Names.DnsLabelRule) ?? "kube-system";
        var labels = Labels(r, map["podLabels"], $"{ConfigKeys.Dns}.podLabels", valueRule: null);
        var port = r.Int(map["port"], $"{ConfigKeys.Dns}.port", 1, 65535) ?? 53;
        var blocks = new List<string>();
        var list = r.List(map["ipBlocks"], $"{ConfigKeys.Dns}.ipBlocks") ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            if (r.String(list[i], $"{ConfigKeys.Dns}.ipBlocks[{i}]", IsCidr, "must be a CIDR such as 169.254.20.10/32") is { } b)
            {
                blocks.Add(b);
            }
        }

        return new DnsSettings(ns, labels.Count > 0 ? labels : [new("k8s-app", "kube-dns")], port, blocks);
    }

    /// <summary>
    /// A live Deployment's selector, kept: the pods carry these labels besides RingInfra's own, so a label
    /// RingInfra sets itself (<c>app</c>, the ring, …) must keep RingInfra's value — Services and policies select on it.
    /// </summary>
    private static Dictionary<WorkloadKind, IReadOnlyList<KeyValuePair<string, string>>> ReadSelectors(ValueReader r, JsonNode? node, string ring)
    {
        var map = r.Map(node, ConfigKeys.SelectorLabels) ?? [];
        r.OnlyKeys(map, ConfigKeys.SelectorLabels + ".", WorkloadNames);
        var result = new Dictionary<WorkloadKind, IReadOnlyList<KeyValuePair<string, string>>>();
        foreach (var kind in Enum.GetValues<WorkloadKind>())
        {
            var name = kind.ToString().ToLowerInvariant();
            var labels = map[name] is { } node2 ? Labels(r, node2, $"{ConfigKeys.SelectorLabels}.{name}", valueRule: "must be a label value") : [];
            var own = Rendering.RingLabels.ForWorkload(ring, kind);
            foreach (var (k, v) in labels)
            {
                if (own[k] is { } mine && mine.ToString() != v)
                {
                    r.Problem($"{ConfigKeys.SelectorLabels}.{name}.{k}", v, $"must be '{mine}' (RingInfra sets this label itself and selects on it); keep the live selector's other labels");
                }
            }

            result[kind] = labels;
        }

        return result;
    }

    /// <summary>A map of label-like keys to strings, sorted.</summary>
    internal static List<KeyValuePair<string, string>> Labels(ValueReader r, JsonNode? node, string key, string? valueRule)
    {
        var labels = new List<KeyValuePair<string, string>>();
        foreach (var (k, v) in r.Map(node, key) ?? [])
        {
            if (!LabelKey().IsMatch(k) || k.Length > 253)
            {
                r.Problem($"{key}.{k}", k, "must be a label or annotation key such as app or example.com/name");
                continue;
            }

            var value = r.String(v, $"{key}.{k}", s => valueRule is null || (s.Length <= 63 && LabelValue().IsMatch(s)), valueRule ?? "");
            if (value is not null)
            {
                labels.Add(new(k, value));
            }
        }

        return [.. labels.OrderBy(l => l.Key, StringComparer.Ordinal)];
    }

    private static bool IsCidr(string s) => System.Net.IPNetwork.TryParse(s, out _);

    [GeneratedRegex("^[A-Za-z0-9_:.-]+$")]
    private static partial Regex Prefix();

    [GeneratedRegex(@"^([a-z0-9]([a-z0-9.-]*[a-z0-9])?/)?[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$")]
    private static partial Regex LabelKey();

    [GeneratedRegex(@"^([A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?)?$")]
    private static partial Regex LabelValue();
}
