using System.Text;
using System.Text.Json.Nodes;
using RingInfra.Core.Config;
using RingInfra.Core.Kube;

namespace RingInfra.Core.Shared;

/// <summary>One key of an imported Secret: where it goes in the shared stack's config (secret or plain), never its value in a message.</summary>
public sealed record ImportedKey(string Key, string ConfigKey, bool Secret, string Source)
{
    /// <summary>The value; kept out of <see cref="ToString"/> so it can never reach a log by accident.</summary>
    public required string Value { get; init; }

    public override string ToString() => $"{Key} -> {ConfigKey} ({Source})";
}

/// <summary>What an import would set, and the keys of the Secrets the shared stack does not know (skipped).</summary>
public sealed record SecretImportPlan(IReadOnlyList<ImportedKey> Keys, IReadOnlyList<string> Skipped);

/// <summary>
/// <c>ringctl secrets import</c> (issue 15): reads Kubernetes Secret manifests — what <c>kubectl get secret … -o yaml</c>
/// prints, <c>data</c> base64 or <c>stringData</c> — and maps each key the shared stack knows to its config key. Every
/// problem names the file, the Secret and the key, never a value.
/// </summary>
public static class SecretImport
{
    /// <summary>App secret key → shared config key and whether it is secret (DB_USERNAME is plain <c>dbUsername</c>).</summary>
    public static (string ConfigKey, bool Secret)? Target(string key) =>
        SharedSecretCatalog.Find(key) is { } c && c.Key == key ? (c.ConfigKey, true)
        : SharedSecretCatalog.Configured.FirstOrDefault(p => p.Key == key) is { Value: { } configKey } ? (configKey, true)
        : key == SharedSecretCatalog.DbUsernameKey ? ("dbUsername", false)
        : null;

    /// <summary>Reads every file (<paramref name="files"/>: source → text); throws <see cref="RingConfigException"/> with every problem.</summary>
    public static SecretImportPlan Plan(IReadOnlyList<KeyValuePair<string, string>> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var problems = new List<ConfigProblem>();
        var keys = new Dictionary<string, ImportedKey>(StringComparer.Ordinal);
        var skipped = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (source, text) in files)
        {
            IReadOnlyList<JsonNode?> docs;
            try
            {
                docs = Yaml.ParseDocuments(text, source);
            }
            catch (YamlFormatException e)
            {
                problems.Add(new ConfigProblem(source, "file", "(not YAML)", e.Message));
                continue;
            }

            var secrets = docs.OfType<JsonObject>().SelectMany(Items).ToList();
            if (secrets.Count == 0)
            {
                problems.Add(new ConfigProblem(source, "kind", Node.Str(docs.OfType<JsonObject>().FirstOrDefault() ?? [], "kind") ?? "nothing", "must be a Secret (kubectl get secret NAME -o yaml)"));
            }

            foreach (var secret in secrets)
            {
                var name = Node.Str(Node.Obj(secret, "metadata") ?? [], "name") ?? "(unnamed)";
                var subject = $"{source}: Secret {name}";
                var merged = new SortedDictionary<string, string>(StringComparer.Ordinal);
                foreach (var (key, value) in Values(secret, subject, problems))
                {
                    merged[key] = value;
                }

                foreach (var (key, value) in merged)
                {
                    if (Target(key) is not { } target)
                    {
                        skipped.Add(key);
                        continue;
                    }

                    if (value.Length == 0)
                    {
                        problems.Add(new ConfigProblem(subject, key, "(empty)", "must not be empty"));
                        continue;
                    }

                    if (key == "APP_KEY" && !IsLaravelKey(value))
                    {
                        problems.Add(new ConfigProblem(subject, key, "(value hidden)", "must be a Laravel key: base64: and 32 bytes, or 32 characters"));
                        continue;
                    }

                    if (keys.TryGetValue(key, out var earlier) && earlier.Value != value)
                    {
                        problems.Add(new ConfigProblem(subject, key, "(value hidden)", $"must not differ from the value in {earlier.Source}"));
                        continue;
                    }

                    keys[key] = new ImportedKey(key, target.ConfigKey, target.Secret, subject) { Value = value };
                }
            }
        }

        if (problems.Count == 0 && keys.Count == 0)
        {
            problems.Add(new ConfigProblem("secrets import", "keys", skipped.Count == 0 ? "none" : string.Join(", ", skipped),
                "must include a key the shared stack knows: " + string.Join(", ", SharedSecretCatalog.AllKeys)));
        }

        return problems.Count > 0
            ? throw new RingConfigException(problems)
            : new SecretImportPlan([.. keys.Values.OrderBy(k => k.Key, StringComparer.Ordinal)], [.. skipped]);
    }

    /// <summary>A Secret, or each Secret of a <c>List</c> (<c>kubectl get secret a b -o yaml</c>).</summary>
    private static IEnumerable<JsonObject> Items(JsonObject doc) => Node.Str(doc, "kind") switch
    {
        "Secret" => [doc],
        "List" or "SecretList" => (doc["items"] as JsonArray ?? []).OfType<JsonObject>().Where(i => Node.Str(i, "kind") is null or "Secret"),
        _ => [],
    };

    private static IEnumerable<(string Key, string Value)> Values(JsonObject secret, string subject, List<ConfigProblem> problems)
    {
        foreach (var (key, node) in Node.Obj(secret, "data") ?? [])
        {
            string? value = null;
            try
            {
                value = node is JsonValue v && v.TryGetValue<string>(out var b64) ? Encoding.UTF8.GetString(Convert.FromBase64String(b64)) : null;
            }
            catch (FormatException)
            {
            }

            if (value is null)
            {
                problems.Add(new ConfigProblem(subject, "data." + key, "(value hidden)", "must be base64 (data) — or put the plain value under stringData"));
                continue;
            }

            yield return (key, value);
        }

        // stringData wins over data for the same key, as the API server merges them.
        foreach (var (key, node) in Node.Obj(secret, "stringData") ?? [])
        {
            if (node is JsonValue v && v.TryGetValue<string>(out var s))
            {
                yield return (key, s);
            }
            else
            {
                problems.Add(new ConfigProblem(subject, "stringData." + key, "(value hidden)", "must be a string"));
            }
        }
    }

    private static bool IsLaravelKey(string value)
    {
        if (!value.StartsWith("base64:", StringComparison.Ordinal))
        {
            return value.Length == 32;
        }

        try
        {
            return Convert.FromBase64String(value["base64:".Length..]).Length == 32;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
