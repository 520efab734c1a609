using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace RingInfra.Core.Config;

/// <summary>One probe (doc 001): the HTTP path (null: a TCP check — the process listens), how often, how many failures.</summary>
public sealed record ProbeSettings(string? Path, int IntervalSeconds, int Threshold);

/// <summary>A custom check (doc 001): an HTTP path of the api that must answer 200, as a readiness gate of the ring.</summary>
public sealed record CustomCheck(string Name, string Path, int IntervalSeconds, int Threshold);

/// <summary>
/// <c>ring-infra:health</c> (issue 16, doc 001's table). Liveness defaults to a TCP check of Octane's port: a
/// liveness probe that reads the database would restart every api pod of every ring during a 30-second database
/// switchover, which no restart can fix. Readiness defaults to <c>/api/health</c> (database and Redis): a pod that
/// cannot serve leaves the Service until it can.
/// </summary>
public sealed record HealthSettings(ProbeSettings Liveness, ProbeSettings Readiness, ProbeSettings Startup, IReadOnlyList<CustomCheck> Custom)
{
    public static HealthSettings Default { get; } = new(new(null, 10, 3), new("/api/health", 15, 2), new(null, 5, 60), []);
}

/// <summary><c>ring-infra:tls</c>: the Ingress's certificate — an existing Secret, or one cert-manager issues.</summary>
public sealed record TlsSettings(string? SecretName, string? ClusterIssuer)
{
    /// <summary>The Secret the Ingress names: the given one, or the one cert-manager writes for the ring.</summary>
    public string SecretFor(string ring) => SecretName ?? $"ring-{ring}-tls";
}

/// <summary><c>ring-infra:websockets</c>: the Reverb path nginx upgrades, and how long an idle socket may stay open.</summary>
public sealed record WebsocketSettings(string Path, int IdleTimeoutSeconds)
{
    public static WebsocketSettings Default { get; } = new("/app/", 3600);
}

/// <summary>One direction of an autoscaler's behaviour: the stabilization window, and at most <c>Percent</c> per period.</summary>
public sealed record ScalingPolicy(int StabilizationSeconds, int Percent, int PeriodSeconds);

/// <summary><c>ring-infra:autoscaling</c> (doc 004 §3.3): up 100 % per 30 s after a 60 s window, down 50 % per 60 s after 300 s.</summary>
public sealed record ScalingBehaviour(ScalingPolicy ScaleUp, ScalingPolicy ScaleDown)
{
    public static ScalingBehaviour Default { get; } = new(new(60, 100, 30), new(300, 50, 60));
}

/// <summary>The modules a ring's lock upgrades (their migrations and <c>onUpgrade</c> hooks run once, here), for that lock only.</summary>
public sealed record ModuleUpgrade(string LockHash, IReadOnlyList<string> Modules);

/// <summary>Reads the serving sections of a ring's config: every problem at once, as the other sections.</summary>
internal static partial class ServingSections
{
    private const string SecondsRule = "must be a duration in seconds or minutes such as 10s or 2m";

    internal static HealthSettings ReadHealth(ValueReader r, JsonNode? node)
    {
        if (r.Map(node, ConfigKeys.Health) is not { } map)
        {
            return HealthSettings.Default;
        }

        r.OnlyKeys(map, ConfigKeys.Health + ".", ["liveness", "readiness", "startup", "custom"]);
        var d = HealthSettings.Default;
        var custom = new List<CustomCheck>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var list = r.List(map["custom"], $"{ConfigKeys.Health}.custom") ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            var key = $"{ConfigKeys.Health}.custom[{i}]";
            if (r.Map(list[i], key) is not { } c)
            {
                continue;
            }

            r.OnlyKeys(c, key + ".", ["name", "path", "interval", "threshold"]);
            var name = r.RequiredString(c["name"], key + ".name", Names.IsDnsLabel, "must be a check name in kebab-case such as database-connectivity");
            if (name.Length > 0 && !names.Add(name))
            {
                r.Problem(key + ".name", name, "must be unique among the ring's custom checks");
            }

            var path = r.RequiredString(c["path"], key + ".path", IsPath, PathRule);
            var probe = Probe(r, c, key, new ProbeSettings(path, 30, 3), pathAllowed: false);
            if (name.Length > 0 && path.Length > 0)
            {
                custom.Add(new CustomCheck(name, path, probe.IntervalSeconds, probe.Threshold));
            }
        }

        return new HealthSettings(
            r.Map(map["liveness"], $"{ConfigKeys.Health}.liveness") is { } l ? Probe(r, l, $"{ConfigKeys.Health}.liveness", d.Liveness, pathAllowed: true) : d.Liveness,
            r.Map(map["readiness"], $"{ConfigKeys.Health}.readiness") is { } rd ? Probe(r, rd, $"{ConfigKeys.Health}.readiness", d.Readiness, pathAllowed: true) : d.Readiness,
            r.Map(map["startup"], $"{ConfigKeys.Health}.startup") is { } s ? Probe(r, s, $"{ConfigKeys.Health}.startup", d.Startup, pathAllowed: true) : d.Startup,
            custom);
    }

    private static ProbeSettings Probe(ValueReader r, JsonObject map, string key, ProbeSettings fallback, bool pathAllowed)
    {
        if (pathAllowed)
        {
            r.OnlyKeys(map, key + ".", ["path", "interval", "threshold"]);
        }

        var path = pathAllowed ? r.String(map["path"], key + ".path", IsPath, PathRule) ?? fallback.Path : fallback.Path;
        var interval = map["interval"] is null ? fallback.IntervalSeconds : r.String(map["interval"], key + ".interval", v => Seconds(v) is >= 1 and <= 3600, SecondsRule) is { } t ? Seconds(t)!.Value : fallback.IntervalSeconds;
        var threshold = r.Int(map["threshold"], key + ".threshold", 1, 100) ?? fallback.Threshold;
        return new ProbeSettings(path, interval, threshold);
    }

    internal static TlsSettings? ReadTls(ValueReader r, JsonNode? node)
    {
        if (r.Map(node, ConfigKeys.Tls) is not { } map)
        {
            return null;
        }

        r.OnlyKeys(map, ConfigKeys.Tls + ".", ["secretName", "clusterIssuer"]);
        var secret = r.String(map["secretName"], $"{ConfigKeys.Tls}.secretName", Names.IsDnsName, "must be a Secret name");
        var issuer = r.String(map["clusterIssuer"], $"{ConfigKeys.Tls}.clusterIssuer", Names.IsDnsName, "must be a cert-manager ClusterIssuer name");
        if ((map["secretName"] is null) == (map["clusterIssuer"] is null))
        {
            r.Problem(ConfigKeys.Tls, Kube.Node.Show(map), "must give exactly one of secretName (an existing certificate) and clusterIssuer (cert-manager issues one)");
        }

        return new TlsSettings(secret, issuer);
    }

    internal static WebsocketSettings ReadWebsockets(ValueReader r, JsonNode? node)
    {
        if (r.Map(node, ConfigKeys.Websockets) is not { } map)
        {
            return WebsocketSettings.Default;
        }

        r.OnlyKeys(map, ConfigKeys.Websockets + ".", ["path", "idleTimeout"]);
        var path = r.String(map["path"], $"{ConfigKeys.Websockets}.path", v => IsPath(v) && v != "/" && v.EndsWith('/'), "must be a path prefix ending in / such as /app/ (Reverb's), not /") ?? WebsocketSettings.Default.Path;
        var idle = r.String(map["idleTimeout"], $"{ConfigKeys.Websockets}.idleTimeout", v => Seconds(v) is >= 60 and <= 86400, "must be a duration from 60s to 24h such as 1h") is { } t
            ? Seconds(t)!.Value : WebsocketSettings.Default.IdleTimeoutSeconds;
        return new WebsocketSettings(path, idle);
    }

    internal static ScalingBehaviour ReadAutoscaling(ValueReader r, JsonNode? node)
    {
        if (r.Map(node, ConfigKeys.Autoscaling) is not { } map)
        {
            return ScalingBehaviour.Default;
        }

        r.OnlyKeys(map, ConfigKeys.Autoscaling + ".", ["scaleUp", "scaleDown"]);
        var d = ScalingBehaviour.Default;
        ScalingPolicy Read(string direction, ScalingPolicy fallback)
        {
            var key = $"{ConfigKeys.Autoscaling}.{direction}";
            if (r.Map(map[direction], key) is not { } m)
            {
                return fallback;
            }

            r.OnlyKeys(m, key + ".", ["stabilizationWindow", "percent", "period"]);
            var window = r.String(m["stabilizationWindow"], key + ".stabilizationWindow", v => Seconds(v) is >= 0 and <= 3600, "must be a duration up to 1h such as 60s or 5m") is { } w ? Seconds(w)!.Value : fallback.StabilizationSeconds;
            var period = r.String(m["period"], key + ".period", v => Seconds(v) is >= 1 and <= 1800, "must be a duration from 1s to 30m such as 30s") is { } p ? Seconds(p)!.Value : fallback.PeriodSeconds;
            return new ScalingPolicy(window, r.Int(m["percent"], key + ".percent", 1, 1000) ?? fallback.Percent, period);
        }

        return new ScalingBehaviour(Read("scaleUp", d.ScaleUp), Read("scaleDown", d.ScaleDown));
    }

    /// <summary><c>upgrade: {lockHash, modules}</c> (ringctl writes it next to the lock).</summary>
    internal static ModuleUpgrade? ReadUpgrade(ValueReader r, JsonNode? node)
    {
        if (r.Map(node, ConfigKeys.Upgrade) is not { } map)
        {
            return null;
        }

        r.OnlyKeys(map, ConfigKeys.Upgrade + ".", ["lockHash", "modules"]);
        var hash = r.RequiredString(map["lockHash"], $"{ConfigKeys.Upgrade}.lockHash", v => HashPattern().IsMatch(v), "must be a lock hash (sha256: and 64 hex digits)");
        var modules = new List<string>();
        var list = r.List(map["modules"], $"{ConfigKeys.Upgrade}.modules") ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            if (r.String(list[i], $"{ConfigKeys.Upgrade}.modules[{i}]", Names.IsDnsLabel, "must be a module alias") is { } m && !modules.Contains(m))
            {
                modules.Add(m);
            }
        }

        return new ModuleUpgrade(hash, modules);
    }

    internal static int ReadDeadline(ValueReader r, JsonNode? node) =>
        r.String(node, ConfigKeys.UpgradeDeadline, v => Seconds(v) is >= 60 and <= 86400, "must be a duration from 60s to 24h such as 10m") is { } t ? Seconds(t)!.Value : 600;

    [GeneratedRegex("^sha256:[0-9a-f]{64}$")]
    private static partial Regex HashPattern();

    private const string PathRule = "must be an absolute URL path of letters, digits, '-', '_', '.' and '/' such as /health/db";

    /// <summary>Only characters that need no quoting in an nginx <c>location</c> or a probe.</summary>
    private static bool IsPath(string p) =>
        p.Length is >= 1 and <= 200 && p[0] == '/' && p.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.' or '/') && !p.Contains("..", StringComparison.Ordinal);

    /// <summary><c>10s</c>, <c>2m</c>, <c>1h</c> (or a bare number of seconds) in seconds; null when it is none of those.</summary>
    internal static int? Seconds(string text)
    {
        var m = SecondsPattern().Match(text);
        if (!m.Success)
        {
            return null;
        }

        var n = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch
        {
            "m" => n * 60,
            "h" => n * 3600,
            _ => n,
        };
    }

    [GeneratedRegex("^([0-9]{1,6})(s|m|h)?$")]
    private static partial Regex SecondsPattern();
}
