using System.Globalization;
using System.Text.Json.Nodes;

namespace RingInfra.Core.Config;

/// <summary>The structured sections of a ring's config (freeze windows, tenants, env, flags, connectors, workloads), read and checked.</summary>
internal static class RingConfigSections
{
    private static readonly string[] WorkloadNames = ["api", "horizon", "nginx"];
    private static readonly string[] WorkloadKeys = ["cpu", "maxReplicas", "memory", "replicas", "timeoutSeconds"];
    private static readonly string[] ConnectorKeys = ["credential", "instanceUrl"];
    private static readonly string[] FreezeKeys = ["end", "reason", "start"];
    // Set from the ring itself (RING_NAME, the lock path) or from its `queues` (prefixes a ring must not share).
    private static readonly string[] ReservedEnv = ["CACHE_PREFIX", "HORIZON_PREFIX", "MODULE_LOCK_PATH", "REDIS_PREFIX", "REDIS_QUEUE", "RING_NAME"];

    internal static List<FreezeWindow> ReadFreezeWindows(ValueReader r, JsonNode? node)
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

    internal static List<string> ReadTenants(ValueReader r, JsonNode? node)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var arr = r.List(node, ConfigKeys.Tenants);
        for (var i = 0; arr is not null && i < arr.Count; i++)
        {
            var key = $"{ConfigKeys.Tenants}[{i}]";
            if (r.String(arr[i], key, Names.IsTenantName, Names.TenantNameRule) is { } t && !seen.Add(t))
            {
                r.Problem(key, t, "must be unique within the ring (listed twice)");
            }
        }

        return [.. seen];
    }

    internal static List<KeyValuePair<string, string>> ReadEnv(ValueReader r, JsonNode? node)
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

    /// <summary>
    /// <c>gates: {metrics: [{name, query, max|min, step}], onFailure: {rollback: [rings]}}</c>: every problem at once.
    /// Whether the rollback rings exist and are upstream is a fleet rule (<see cref="Fleet.FleetRules"/>).
    /// </summary>
    internal static Metrics.MetricGates ReadGates(ValueReader r, JsonNode? node, string ring)
    {
        var map = r.Map(node, ConfigKeys.Gates);
        if (map is null)
        {
            return Metrics.MetricGates.None;
        }

        r.OnlyKeys(map, ConfigKeys.Gates + ".", ["metrics", "onFailure"]);
        var metrics = new List<Metrics.MetricGate>();
        var list = r.List(map["metrics"], $"{ConfigKeys.Gates}.metrics") ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            var key = $"{ConfigKeys.Gates}.metrics[{i}]";
            if (r.Map(list[i], key) is not { } m)
            {
                continue;
            }

            r.OnlyKeys(m, key + ".", ["name", "query", "max", "min", "step"]);
            var name = r.RequiredString(m["name"], $"{key}.name", Names.IsDnsLabel, "must be a gate name in kebab-case such as error-rate");
            if (name.Length > 0 && metrics.Any(x => x.Name == name))
            {
                r.Problem($"{key}.name", name, "must be unique among the ring's metric gates");
            }

            var query = r.RequiredString(m["query"], $"{key}.query", q => q.Trim().Length is > 0 and <= 4000, "must be a PromQL query of at most 4000 characters ($ring and $namespace are substituted)");
            var max = r.Double(m["max"], $"{key}.max");
            var min = r.Double(m["min"], $"{key}.min");
            if ((m["max"] is null) == (m["min"] is null))
            {
                r.Problem($"{key}.max", m["max"] ?? m["min"] ?? JsonValue.Create("nothing"), "must be given, or min, but not both: a gate has exactly one bound");
            }

            var stepText = m["step"] is null ? "1h" : r.String(m["step"], $"{key}.step", v => RingConfigBinder.ParseDuration(v) is { } d && d >= TimeSpan.FromMinutes(1) && d <= TimeSpan.FromDays(1),
                "must be a duration from 1m to 1d such as 1h (each step of the window is judged on its own)");
            var step = stepText is null ? null : RingConfigBinder.ParseDuration(stepText);
            if (name.Length > 0 && query.Length > 0 && (max ?? min) is not null && (m["max"] is null) != (m["min"] is null) && step is { } s)
            {
                metrics.Add(new Metrics.MetricGate(name, query, max, min, s));
            }
        }

        var rollback = new List<string>();
        if (r.Map(map["onFailure"], $"{ConfigKeys.Gates}.onFailure") is { } onFailure)
        {
            r.OnlyKeys(onFailure, $"{ConfigKeys.Gates}.onFailure.", ["rollback"]);
            var rings = r.List(onFailure["rollback"], $"{ConfigKeys.Gates}.onFailure.rollback") ?? [];
            for (var i = 0; i < rings.Count; i++)
            {
                if (r.String(rings[i], $"{ConfigKeys.Gates}.onFailure.rollback[{i}]", v => Names.IsDnsLabel(v) && v != ring, $"must name another ring (not {ring} itself)") is { } name && !rollback.Contains(name))
                {
                    rollback.Add(name);
                }
            }
        }

        return new Metrics.MetricGates(metrics, rollback);
    }

    /// <summary><c>observability: {prometheusOperator, namespace, metricsPath, exporterImage, labels}</c>: every problem at once.</summary>
    internal static Metrics.Observability ReadObservability(ValueReader r, JsonNode? node)
    {
        if (r.Map(node, ConfigKeys.Observability) is not { } map)
        {
            return Metrics.Observability.Default;
        }

        const string key = ConfigKeys.Observability;
        r.OnlyKeys(map, key + ".", ["prometheusOperator", "namespace", "metricsPath", "exporterImage", "labels"]);
        var defaults = Metrics.Observability.Default;
        return new Metrics.Observability(
            r.Bool(map["prometheusOperator"], $"{key}.prometheusOperator") ?? false,
            r.String(map["namespace"], $"{key}.namespace", Names.IsDnsLabel, Names.DnsLabelRule) ?? defaults.Namespace)
        {
            MetricsPath = r.String(map["metricsPath"], $"{key}.metricsPath", IsMetricsPath, "must be an absolute URL path of letters, digits, '-', '_', '.' and '/' such as /metrics (not / nor nginx's own /healthz)") ?? defaults.MetricsPath,
            ExporterImage = r.String(map["exporterImage"], $"{key}.exporterImage", RingConfigBinder.IsImage, RingConfigBinder.ImageRule) ?? defaults.ExporterImage,
            Labels = PlatformSections.Labels(r, map["labels"], $"{key}.labels", valueRule: "must be a label value (at most 63 letters, digits, '-', '_' or '.')"),
        };
    }

    private static bool IsMetricsPath(string p) =>
        p.Length is > 1 and <= 200 && p[0] == '/' && p != "/healthz" && p.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.' or '/') && !p.Contains("..", StringComparison.Ordinal);

    internal static List<string> ReadApprovers(ValueReader r, JsonNode? node)
    {
        var approvers = new List<string>();
        var list = r.List(node, ConfigKeys.Approvers) ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            if (r.String(list[i], $"{ConfigKeys.Approvers}[{i}]", Names.IsUserName, Names.UserNameRule) is { } a
                && !approvers.Contains(a, StringComparer.Ordinal))
            {
                approvers.Add(a);
            }
        }

        return approvers;
    }

    internal static List<KeyValuePair<string, bool>> ReadFlags(ValueReader r, JsonNode? node)
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

    internal static List<ConnectorInstance> ReadConnectors(ValueReader r, JsonNode? node)
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

    internal static Dictionary<WorkloadKind, WorkloadSettings> ReadWorkloads(ValueReader r, JsonNode? node, Tier tier)
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
}
