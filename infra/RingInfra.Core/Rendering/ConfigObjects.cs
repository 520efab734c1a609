using System.Text.Json.Nodes;
using RingInfra.Core.Config;

namespace RingInfra.Core.Rendering;

/// <summary>
/// The ring's Namespace, ConfigMaps and key-only Secrets. Names carry a <c>ring-</c> prefix so a ring
/// living in the shared namespace never collides with the shared stack's own objects.
/// </summary>
internal static class ConfigObjects
{
    public const string EnvMap = "ring-env";
    public const string LockMap = "ring-module-lock";
    public const string SharedConfigMap = "ring-shared-config";
    public const string NginxConfMap = "ring-nginx-conf";
    public const string ImagePullSecret = RingSecrets.ImagePull;
    public const string AppSecrets = RingSecrets.App;
    public const string ConnectorSecret = RingSecrets.Connectors;

    public static JsonObject Namespace(RingConfig config)
    {
        var labels = RingLabels.Common(config.Name);
        foreach (var (k, v) in PodSecurityLabels(config.PsaVersion))
        {
            labels[k] = v;
        }

        return K.Object("v1", "Namespace", config.Namespace, null, labels);
    }

    /// <summary>PSA <c>restricted</c> in all three modes, with the version pinned.</summary>
    public static IEnumerable<KeyValuePair<string, string>> PodSecurityLabels(string version) =>
        new[] { "enforce", "audit", "warn" }.SelectMany(mode => new KeyValuePair<string, string>[]
        {
            new($"pod-security.kubernetes.io/{mode}", "restricted"),
            new($"pod-security.kubernetes.io/{mode}-version", version),
        });

    /// <summary>
    /// RING_NAME, MODULE_LOCK_PATH, the ring's queue prefixes and queue, its env vars, feature flags and
    /// connector endpoints. The prefixes keep a ring's jobs, Horizon state and cache (where a worker restart
    /// is signalled) apart from every other ring's on the one shared Redis.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string>> EnvData(RenderContext c)
    {
        var data = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["RING_NAME"] = c.Name,
            ["MODULE_LOCK_PATH"] = c.Config.PodLockPath,
        };
        foreach (var (k, v) in c.Config.Platform.Queues.Env())
        {
            data[k] = v;
        }

        foreach (var (k, v) in c.Config.Env)
        {
            data[k] = v;
        }

        foreach (var (flag, on) in c.Config.FeatureFlags)
        {
            data[EnvName("FEATURE", flag)] = on ? "true" : "false";
        }

        foreach (var connector in c.Config.Connectors)
        {
            data[EnvName("CONNECTOR", connector.Name) + "_INSTANCE_URL"] = connector.InstanceUrl;
        }

        return data;
    }

    public static string EnvName(string prefix, string name) => $"{prefix}_{name.Replace('-', '_').ToUpperInvariant()}";

    public static JsonObject ConfigMap(RenderContext c, string name, IEnumerable<KeyValuePair<string, string>> data)
    {
        var o = K.Object("v1", "ConfigMap", name, c.Ns, RingLabels.Common(c.Name));
        o["data"] = K.Map(data);
        return o;
    }

    public static JsonObject LockConfigMap(RenderContext c) =>
        ConfigMap(c, LockMap, [new($"{c.Name}.lock.json", c.Ring.Lock.CanonicalJson)]);

    public static JsonObject NginxConf(RenderContext c) =>
        ConfigMap(c, NginxConfMap, [new("default.conf", NginxConfig.Render(c))]);

    /// <summary>
    /// A Secret object with its keys and empty values: renders and previews never carry secret values. An
    /// image-pull Secret holds an empty but valid <c>{"auths":{}}</c> (base64), as the API server parses it as JSON.
    /// </summary>
    public static JsonObject KeyOnlySecret(RenderContext c, SecretSpec spec)
    {
        var o = K.Object("v1", "Secret", spec.Name, c.Ns, RingLabels.Common(c.Name), new JsonObject
        {
            ["ringinfra.io/values"] = "filled from the shared stack's secret outputs at deploy time",
        });
        o["type"] = spec.Type;
        o["data"] = K.Map(spec.Keys.Select(k => new KeyValuePair<string, string>(k.Key, k.Key == RingSecrets.DockerConfigKey ? EmptyDockerConfigBase64 : "")));
        return o;
    }

    /// <summary><c>{"auths":{}}</c>, base64: the empty docker config the Pulumi program also writes when rendering to a directory.</summary>
    public static readonly string EmptyDockerConfigBase64 = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(RingSecrets.EmptyDockerConfig));

    /// <summary>Hash of everything the app containers read from ConfigMaps (rolls api and horizon when it changes).</summary>
    public static string AppConfigHash(RenderContext c) =>
        RenderContext.Hash(K.Map(EnvData(c)).ToJsonString() + K.Map(c.Shared.Config).ToJsonString());
}
