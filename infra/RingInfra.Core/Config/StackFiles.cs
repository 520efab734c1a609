using System.Text.Json.Nodes;
using RingInfra.Core.Kube;

namespace RingInfra.Core.Config;

/// <summary>
/// Reads Pulumi project and stack files into config layers keyed by short key (<c>ring-infra:tier</c>
/// becomes <c>tier</c>). Keys of other namespaces (e.g. <c>kubernetes:context</c>) are returned apart.
/// </summary>
public static class StackFiles
{
    /// <summary>A stack file's config split into this project's keys and everyone else's.</summary>
    public sealed record StackConfig(JsonObject Own, JsonObject Others)
    {
        /// <summary>This project's keys set as secrets (<c>secure:</c>): their names only, never a value.</summary>
        public IReadOnlyList<string> SecretKeys { get; init; } = [];
    }

    /// <summary>Project-level defaults from <c>Pulumi.yaml</c>: <c>key: {default|value: …}</c> or <c>key: value</c>.</summary>
    public static JsonObject ReadProjectDefaults(string text, string source, string project, List<ConfigProblem> problems)
    {
        var root = Yaml.ParseDocument(text, source) as JsonObject ?? [];
        var name = Node.Str(root, "name");
        if (name != project)
        {
            problems.Add(new ConfigProblem($"project '{source}'", "name", name ?? "nothing", $"must be '{project}'"));
        }

        var result = new JsonObject();
        foreach (var (key, value) in Node.Obj(root, "config") ?? [])
        {
            var shortKey = ShortKey(key, project);
            if (shortKey is null)
            {
                continue;
            }

            result[shortKey] = value is JsonObject o && (o.ContainsKey("default") || o.ContainsKey("value"))
                ? (o["value"] ?? o["default"])?.DeepClone()
                : value?.DeepClone();
        }

        return result;
    }

    /// <summary>
    /// A stack file's <c>config:</c> section. Encrypted (<c>secure:</c>) values of this project are refused,
    /// unless <paramref name="secretsAllowed"/> (the shared stack), where they are left out: only Pulumi decrypts them.
    /// </summary>
    public static StackConfig ReadStackConfig(string text, string source, string project, string subject, List<ConfigProblem> problems, bool secretsAllowed = false)
    {
        var root = Yaml.ParseDocument(text, source) as JsonObject ?? [];
        var own = new JsonObject();
        var others = new JsonObject();
        var secretKeys = new List<string>();
        foreach (var (key, value) in Node.Obj(root, "config") ?? [])
        {
            var shortKey = ShortKey(key, project);
            if (shortKey is null)
            {
                others[key] = value?.DeepClone();
            }
            else if (value is JsonObject o && o.ContainsKey("secure") && secretsAllowed)
            {
                secretKeys.Add(shortKey);
            }
            else if (value is JsonObject o2 && o2.ContainsKey("secure"))
            {
                problems.Add(new ConfigProblem(subject, shortKey, "(encrypted value)", "must not be a secret here: secrets live in the shared stack and reach rings as secret outputs"));
            }
            else
            {
                own[shortKey] = value?.DeepClone();
            }
        }

        return new StackConfig(own, others) { SecretKeys = secretKeys };
    }

    private static string? ShortKey(string key, string project)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return key;
        }

        return key[..colon] == project ? key[(colon + 1)..] : null;
    }
}
