using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace RingInfra.Core.Config;

/// <summary>
/// Turns a layered config tree into a <see cref="RingConfig"/>, checking every key and reporting every
/// problem together (each names the ring, the key, the value and what is allowed).
/// </summary>
public static partial class RingConfigBinder
{
    private static readonly string[] WorkloadNames = ["api", "horizon", "nginx"];
    private static readonly string[] WorkloadKeys = ["cpu", "maxReplicas", "memory", "replicas", "timeoutSeconds"];
    private static readonly string[] ConnectorKeys = ["credential", "instanceUrl"];
    private static readonly string[] FreezeKeys = ["end", "reason", "start"];
    private static readonly string[] ReservedEnv = ["MODULE_LOCK_PATH", "RING_NAME"];

    /// <summary>Binds and validates; throws <see cref="RingConfigException"/> with all problems.</summary>
    public static RingConfig Bind(string ring, JsonObject layered)
    {
        var problems = new List<ConfigProblem>();
        var config = TryBind(ring, layered, problems);
        if (problems.Count > 0 || config is null)
        {
            throw new RingConfigException(problems);
        }

        return config;
    }

    /// <summary>Binds and validates, adding problems to <paramref name="problems"/>; null when any were found.</summary>
    public static RingConfig? TryBind(string ring, JsonObject layered, List<ConfigProblem> problems)
    {
        var before = problems.Count;
        var r = new ValueReader($"ring '{ring}'", problems);
        if (!Names.IsDnsLabel(ring))
        {
            r.Problem("name", ring, Names.DnsLabelRule);
        }

        r.OnlyKeys(layered, "", ConfigKeys.All);
        JsonNode? Get(string key) => layered[key];

        var sharedNamespace = r.RequiredString(Get(ConfigKeys.SharedNamespace), ConfigKeys.SharedNamespace, Names.IsDnsLabel, Names.DnsLabelRule);
        var ns = r.String(Get(ConfigKeys.Namespace), ConfigKeys.Namespace, Names.IsDnsLabel, Names.DnsLabelRule) ?? $"{sharedNamespace}-{ring}";
        var segment = r.String(Get(ConfigKeys.HostnameSegment), ConfigKeys.HostnameSegment, Names.IsDnsLabel, Names.DnsLabelRule) ?? ring;
        var order = r.Int(Get(ConfigKeys.PromotionOrder), ConfigKeys.PromotionOrder, 0, 10_000);
        if (Get(ConfigKeys.PromotionOrder) is null)
        {
            r.Problem(ConfigKeys.PromotionOrder, "nothing", "is required (a whole number from 0 to 10000; 0 = most conservative)");
        }

        var tier = ReadTier(r, Get(ConfigKeys.Tier));
        var bake = ReadDuration(r, Get(ConfigKeys.BakeTime), ConfigKeys.BakeTime);
        var domain = r.RequiredString(Get(ConfigKeys.Domain), ConfigKeys.Domain, Names.IsDnsName, "must be a DNS name such as acme.io");
        var apiImage = r.RequiredString(Get(ConfigKeys.ApiImage), ConfigKeys.ApiImage, IsImage, ImageRule);
        var nginxImage = r.RequiredString(Get(ConfigKeys.NginxImage), ConfigKeys.NginxImage, IsUnprivilegedNginx, "must be an nginxinc/nginx-unprivileged image (PSA restricted: the stock nginx image runs as root)");
        var psa = r.RequiredString(Get(ConfigKeys.PsaVersion), ConfigKeys.PsaVersion, v => PsaVersionPattern().IsMatch(v), "must be a Kubernetes minor version such as v1.32");

        var config = new RingConfig
        {
            Name = ring,
            DisplayName = r.String(Get(ConfigKeys.DisplayName), ConfigKeys.DisplayName) ?? CultureInfo.InvariantCulture.TextInfo.ToTitleCase(ring),
            Description = r.String(Get(ConfigKeys.Description), ConfigKeys.Description) ?? "",
            Namespace = ns,
            HostnameSegment = segment,
            PromotionOrder = order ?? 0,
            IsDefault = r.Bool(Get(ConfigKeys.Default), ConfigKeys.Default) ?? false,
            Active = r.Bool(Get(ConfigKeys.Active), ConfigKeys.Active) ?? true,
            Tier = tier ?? Tier.Dev,
            BakeTime = bake ?? TimeSpan.Zero,
            Protected = r.Bool(Get(ConfigKeys.Protected), ConfigKeys.Protected) ?? false,
            FreezeWindows = ReadFreezeWindows(r, Get(ConfigKeys.FreezeWindows)),
            Tenants = ReadTenants(r, Get(ConfigKeys.Tenants)),
            Env = ReadEnv(r, Get(ConfigKeys.Env)),
            FeatureFlags = ReadFlags(r, Get(ConfigKeys.FeatureFlags)),
            Connectors = ReadConnectors(r, Get(ConfigKeys.Connectors)),
            Workloads = ReadWorkloads(r, Get(ConfigKeys.Workloads), tier ?? Tier.Dev),
            Domain = domain,
            SharedStack = r.RequiredString(Get(ConfigKeys.SharedStack), ConfigKeys.SharedStack, v => StackNamePattern().IsMatch(v), "must be a stack name such as organization/ring-infra-shared/shared"),
            SharedNamespace = sharedNamespace,
            IngressClass = r.RequiredString(Get(ConfigKeys.IngressClass), ConfigKeys.IngressClass, Names.IsDnsName, "must be an IngressClass name"),
            IngressNamespace = r.RequiredString(Get(ConfigKeys.IngressNamespace), ConfigKeys.IngressNamespace, Names.IsDnsLabel, Names.DnsLabelRule),
            ApiImage = apiImage,
            NginxImage = nginxImage,
            PsaVersion = psa,
        };

        if (!config.Active && config.IsDefault)
        {
            r.Problem(ConfigKeys.Active, "false", "must be true for the default ring (new tenants land there)");
        }

        return problems.Count > before ? null : config;
    }

    private const string ImageRule = "must be an image reference with an explicit tag or digest (registry/name:tag)";

    private static bool IsImage(string s) => ImagePattern().IsMatch(s) && !s.EndsWith(":latest", StringComparison.Ordinal);

    private static bool IsUnprivilegedNginx(string s) =>
        IsImage(s) && (s.StartsWith("nginxinc/nginx-unprivileged", StringComparison.Ordinal) || s.Contains("/nginxinc/nginx-unprivileged", StringComparison.Ordinal));

    private static Tier? ReadTier(ValueReader r, JsonNode? node)
    {
        const string rule = "must be one of dev, staging, production";
        if (node is null)
        {
            r.Problem(ConfigKeys.Tier, "nothing", $"is required and {rule}");
            return null;
        }

        return r.String(node, ConfigKeys.Tier, v => v is "dev" or "staging" or "production", rule) switch
        {
            "dev" => Tier.Dev,
            "staging" => Tier.Staging,
            "production" => Tier.Production,
            _ => null,
        };
    }

    /// <summary>Parses <c>30m</c>, <c>24h</c>, <c>7d</c> or <c>0</c>; null when it is not such a duration.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        if (text == "0")
        {
            return TimeSpan.Zero;
        }

        var m = DurationPattern().Match(text);
        if (!m.Success)
        {
            return null;
        }

        var n = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch
        {
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            _ => TimeSpan.FromDays(n),
        };
    }

    /// <summary>The shortest of <c>Nd</c>, <c>Nh</c>, <c>Nm</c> that states the duration exactly.</summary>
    public static string FormatDuration(TimeSpan t) =>
        t == TimeSpan.Zero ? "0" : t.TotalDays == Math.Floor(t.TotalDays) ? $"{(int)t.TotalDays}d" : t.TotalHours == Math.Floor(t.TotalHours) ? $"{(int)t.TotalHours}h" : $"{(int)t.TotalMinutes}m";

    private static TimeSpan? ReadDuration(ValueReader r, JsonNode? node, string key) =>
        r.String(node, key, v => ParseDuration(v) is not null, "must be a duration such as 30m, 24h or 7d") is { } s ? ParseDuration(s) : null;

    private static List<FreezeWindow> ReadFreezeWindows(ValueReader r, JsonNode? node)
    {
        var list = new List<FreezeWindow>();
        var arr = r.List(node, ConfigKeys.FreezeWindows);
        for (var i = 0; arr is not null && i < arr.Count; i++)
        {
            var key = $"{ConfigKeys.FreezeWindows}[{i}]";
            if (r.Map(arr[i], key) is not { } w)
            {
                continue;
            }

            r.OnlyKeys(w, key + ".", FreezeKeys);
            var start = ReadInstant(r, w["start"], key + ".start");
            var end = ReadInstant(r, w["end"], key + ".end");
            var reason = r.String(w["reason"], key + ".reason") ?? "";
            if (start is not null && end is not null)
            {
                if (end <= start)
                {
                    r.Problem(key + ".end", w["end"], $"must be after start {w["start"]}");
                }
                else
                {
                    list.Add(new FreezeWindow(start.Value, end.Value, reason));
                }
            }
        }

        return [.. list.OrderBy(f => f.Start)];
    }

    private static DateTimeOffset? ReadInstant(ValueReader r, JsonNode? node, string key)
    {
        const string rule = "must be a UTC timestamp such as 2026-12-20T00:00:00Z";
        if (node is null)
        {
            r.Problem(key, "nothing", $"is required and {rule}");
            return null;
        }

        var s = r.String(node, key, v => v.EndsWith('Z') && DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _), rule);
        return s is null ? null : DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

    private static List<string> ReadTenants(ValueReader r, JsonNode? node)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var arr = r.List(node, ConfigKeys.Tenants);
        for (var i = 0; arr is not null && i < arr.Count; i++)
        {
            var key = $"{ConfigKeys.Tenants}[{i}]";
            if (r.String(arr[i], key, Names.IsDnsLabel, Names.DnsLabelRule) is { } t && !seen.Add(t))
            {
                r.Problem(key, t, "must be unique within the ring (listed twice)");
            }
        }

        return [.. seen];
    }

    private static List<KeyValuePair<string, string>> ReadEnv(ValueReader r, JsonNode? node)
    {
        var env = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in r.Map(node, ConfigKeys.Env) ?? [])
        {
            var key = $"{ConfigKeys.Env}.{name}";
            if (!Names.IsEnvName(name))
            {
                r.Problem(key, name, Names.EnvNameRule);
            }
            else if (ReservedEnv.Contains(name))
            {
                r.Problem(key, value, "is set by RingInfra itself and cannot be configured");
            }
            else if (Names.LooksSecret(name))
            {
                r.Problem(key, "(value hidden)", "looks like a secret; secrets come from the shared stack's secret outputs, never from ring config");
            }
            else if (value is JsonValue v && (v.TryGetValue<string>(out _) || v.TryGetValue<bool>(out _) || Kube.Node.AsInt(v) is not null))
            {
                env.Add(new(name, Kube.Node.Show(v)));
            }
            else
            {
                r.Problem(key, value, "must be a string, number or boolean");
            }
        }

        return [.. env.OrderBy(e => e.Key, StringComparer.Ordinal)];
    }

    private static List<KeyValuePair<string, bool>> ReadFlags(ValueReader r, JsonNode? node)
    {
        var flags = new List<KeyValuePair<string, bool>>();
        foreach (var (name, value) in r.Map(node, ConfigKeys.FeatureFlags) ?? [])
        {
            var key = $"{ConfigKeys.FeatureFlags}.{name}";
            if (!Names.IsDnsLabel(name))
            {
                r.Problem(key, name, "must be a flag name in kebab-case (lower-case letters, digits and '-')");
            }
            else if (r.Bool(value ?? JsonValue.Create("null"), key) is { } b)
            {
                flags.Add(new(name, b));
            }
        }

        return [.. flags.OrderBy(f => f.Key, StringComparer.Ordinal)];
    }

    private static List<ConnectorInstance> ReadConnectors(ValueReader r, JsonNode? node)
    {
        var list = new List<ConnectorInstance>();
        foreach (var (name, value) in r.Map(node, ConfigKeys.Connectors) ?? [])
        {
            var key = $"{ConfigKeys.Connectors}.{name}";
            if (!Names.IsDnsLabel(name))
            {
                r.Problem(key, name, Names.DnsLabelRule);
                continue;
            }

            if (r.Map(value ?? JsonValue.Create("null"), key) is not { } c)
            {
                continue;
            }

            r.OnlyKeys(c, key + ".", ConnectorKeys);
            var url = r.RequiredString(c["instanceUrl"], key + ".instanceUrl", v => Uri.TryCreate(v, UriKind.Absolute, out var u) && u.Scheme == "https", "must be an https:// URL");
            var cred = r.RequiredString(c["credential"], key + ".credential", Names.IsDnsLabel, Names.DnsLabelRule);
            list.Add(new ConnectorInstance(name, url, cred));
        }

        return [.. list.OrderBy(c => c.Name, StringComparer.Ordinal)];
    }

    private static Dictionary<WorkloadKind, WorkloadSettings> ReadWorkloads(ValueReader r, JsonNode? node, Tier tier)
    {
        var map = r.Map(node, ConfigKeys.Workloads) ?? [];
        r.OnlyKeys(map, ConfigKeys.Workloads + ".", WorkloadNames);
        var result = new Dictionary<WorkloadKind, WorkloadSettings>();
        foreach (var kind in Enum.GetValues<WorkloadKind>())
        {
            var name = kind.ToString().ToLowerInvariant();
            var prefix = $"{ConfigKeys.Workloads}.{name}.";
            var defaults = TierDefaults.For(tier, kind);
            if (map[name] is null)
            {
                result[kind] = defaults;
                continue;
            }

            if (r.Map(map[name], ConfigKeys.Workloads + "." + name) is not { } w)
            {
                result[kind] = defaults;
                continue;
            }

            r.OnlyKeys(w, prefix, WorkloadKeys);
            var replicas = r.Int(w["replicas"], prefix + "replicas", 1, 100) ?? defaults.Replicas;
            var max = w["maxReplicas"] is null ? defaults.MaxReplicas : r.Int(w["maxReplicas"], prefix + "maxReplicas", 1, 200);
            if (max is not null && max < replicas)
            {
                r.Problem(prefix + "maxReplicas", max.Value.ToString(CultureInfo.InvariantCulture), $"must be >= replicas ({replicas})");
            }

            var cpu = r.String(w["cpu"], prefix + "cpu", v => Quantity.ParseCpu(v) is > 0, "must be a CPU quantity such as 250m or 1");
            var memory = r.String(w["memory"], prefix + "memory", v => Quantity.ParseMemory(v) is >= 32 * 1024 * 1024, "must be a memory quantity of at least 32Mi, such as 512Mi or 2Gi");
            result[kind] = defaults with
            {
                Replicas = replicas,
                MaxReplicas = max,
                CpuMillis = cpu is null ? defaults.CpuMillis : Quantity.ParseCpu(cpu)!.Value,
                MemoryBytes = memory is null ? defaults.MemoryBytes : Quantity.ParseMemory(memory)!.Value,
                MemoryOverridden = memory is not null,
                TimeoutSeconds = r.Int(w["timeoutSeconds"], prefix + "timeoutSeconds", 1, 3600) ?? defaults.TimeoutSeconds,
            };
        }

        return result;
    }

    [GeneratedRegex("^([0-9]{1,5})(m|h|d)$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^v1\.[0-9]{1,2}$")]
    private static partial Regex PsaVersionPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")]
    private static partial Regex StackNamePattern();

    [GeneratedRegex(@"^[a-z0-9]([a-z0-9._/-]*[a-z0-9])?(:[0-9]+)?(/[a-z0-9._-]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$")]
    private static partial Regex ImagePattern();
}
