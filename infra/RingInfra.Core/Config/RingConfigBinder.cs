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

        var tenants = RingConfigSections.ReadTenants(r, Get(ConfigKeys.Tenants));
        var geography = ClusterSections.Read(r, Get(ConfigKeys.Clusters), Get(ConfigKeys.SharedStack), Get(ConfigKeys.TenantRegions), tenants);
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
            Approvers = RingConfigSections.ReadApprovers(r, Get(ConfigKeys.Approvers)),
            Gates = RingConfigSections.ReadGates(r, Get(ConfigKeys.Gates), ring),
            PrometheusUrl = r.String(Get(ConfigKeys.PrometheusUrl), ConfigKeys.PrometheusUrl, IsHttpUrl, "must be an http:// or https:// URL such as http://prometheus.monitoring:9090"),
            Observability = RingConfigSections.ReadObservability(r, Get(ConfigKeys.Observability)),
            Health = ServingSections.ReadHealth(r, Get(ConfigKeys.Health)),
            Tls = ServingSections.ReadTls(r, Get(ConfigKeys.Tls)),
            Websockets = ServingSections.ReadWebsockets(r, Get(ConfigKeys.Websockets)),
            Autoscaling = ServingSections.ReadAutoscaling(r, Get(ConfigKeys.Autoscaling)),
            Upgrade = ServingSections.ReadUpgrade(r, Get(ConfigKeys.Upgrade)),
            UpgradeDeadlineSeconds = ServingSections.ReadDeadline(r, Get(ConfigKeys.UpgradeDeadline)),
            FreezeWindows = RingConfigSections.ReadFreezeWindows(r, Get(ConfigKeys.FreezeWindows)),
            Tenants = tenants,
            Env = RingConfigSections.ReadEnv(r, Get(ConfigKeys.Env)),
            FeatureFlags = RingConfigSections.ReadFlags(r, Get(ConfigKeys.FeatureFlags)),
            Connectors = RingConfigSections.ReadConnectors(r, Get(ConfigKeys.Connectors)),
            Workloads = RingConfigSections.ReadWorkloads(r, Get(ConfigKeys.Workloads), tier ?? Tier.Dev),
            Domain = domain,
            SharedStack = geography.SharedStack,
            SharedStacks = geography.SharedStacks,
            Clusters = geography.Clusters,
            TenantRegions = geography.TenantRegions,
            SharedNamespace = sharedNamespace,
            IngressClass = r.RequiredString(Get(ConfigKeys.IngressClass), ConfigKeys.IngressClass, Names.IsDnsName, "must be an IngressClass name"),
            IngressNamespace = r.RequiredString(Get(ConfigKeys.IngressNamespace), ConfigKeys.IngressNamespace, Names.IsDnsLabel, Names.DnsLabelRule),
            ApiImage = apiImage,
            NginxImage = nginxImage,
            PsaVersion = psa,
            Platform = PlatformSections.Read(r, Get, ring, sharedNamespace),
        };

        if (config.Protected && config.Approvers.Count == 0)
        {
            r.Problem(ConfigKeys.Approvers, "[]", "must name at least one approver: every change to a protected ring needs one");
        }

        if (!config.Active && config.IsDefault)
        {
            r.Problem(ConfigKeys.Active, "false", "must be true for the default ring (new tenants land there)");
        }

        return problems.Count > before ? null : config;
    }

    /// <summary>An absolute http(s) URL with a host.</summary>
    public static bool IsHttpUrl(string v) =>
        Uri.TryCreate(v, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps) && u.Host.Length > 0 && u.UserInfo.Length == 0;

    internal const string ImageRule = "must be an image reference with an explicit tag or digest (registry/name:tag)";

    internal static bool IsImage(string s) => ImagePattern().IsMatch(s) && !s.EndsWith(":latest", StringComparison.Ordinal);

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

    [GeneratedRegex("^([0-9]{1,5})(m|h|d)$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^v1\.[0-9]{1,2}$")]
    private static partial Regex PsaVersionPattern();

    [GeneratedRegex(@"^[a-z0-9]([a-z0-9._/-]*[a-z0-9])?(:[0-9]+)?(/[a-z0-9._-]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$")]
    private static partial Regex ImagePattern();
}
