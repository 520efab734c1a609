using System.Security.Cryptography;
using System.Text;

namespace RingInfra.Core.Shared;

/// <summary>
/// One app secret the shared stack can generate: its key in the rings' secret map, the secret config key it is
/// imported under (<c>ringctl secrets import</c>), how it is made, and whose credential it is — a catalog service
/// (generated only while that service is managed), PostgreSQL (generated only while the stack manages the app
/// role, <c>postgres</c> configured) or the app itself (APP_KEY: generated only with <c>appKey: generate</c>).
/// </summary>
public sealed record AppSecret(string Key, string ConfigKey, SecretKind Kind, int Length, string Owner)
{
    public const string App = "(app)";
    public const string Postgres = "(postgres)";
}

/// <summary>Where an app secret's value comes from.</summary>
public enum CredentialSource
{
    /// <summary>Set as secret config of the shared stack (imported from the platform, or given): it always wins.</summary>
    Imported,

    /// <summary>Generated with Pulumi.Random by the shared stack.</summary>
    Generated,
}

/// <summary>
/// Where each app secret of the shared <c>secrets</c> map comes from: imported (secret config), generated
/// (Pulumi.Random — only where nothing outside the stack already holds a value), set by an operator as
/// secret config (registry token, Passport keys), or plain config (the DB user name).
/// </summary>
public static class SharedSecretCatalog
{
    public static readonly IReadOnlyList<AppSecret> Credentials =
    [
        new("APP_KEY", "appKey", SecretKind.LaravelKey, 32, AppSecret.App),
        new("AWS_ACCESS_KEY_ID", "minioAccessKey", SecretKind.AccessKeyId, 20, "minio"),
        new("AWS_SECRET_ACCESS_KEY", "minioSecretKey", SecretKind.Password, 40, "minio"),
        new("DB_PASSWORD", "dbPassword", SecretKind.Password, 32, AppSecret.Postgres),
        new("MEILISEARCH_KEY", "meilisearchKey", SecretKind.Password, 32, "meilisearch"),
        new("REDIS_PASSWORD", "redisPassword", SecretKind.Password, 32, "redis"),
    ];

    /// <summary>App secret key → the secret config key an operator sets it with (optional: absent, absent from the map).</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> Configured =
    [
        new("PASSPORT_PRIVATE_KEY", "passportPrivateKey"),
        new("PASSPORT_PUBLIC_KEY", "passportPublicKey"),
        new("REGISTRY_TOKEN", "registryToken"),
    ];

    /// <summary>The app secret filled from the plain <c>dbUsername</c> config (it still travels as a secret).</summary>
    public const string DbUsernameKey = "DB_USERNAME";

    /// <summary>The plain value of <c>appKey</c> that lets a new platform's stack generate its APP_KEY.</summary>
    public const string GenerateAppKey = "generate";

    /// <summary>Secret config keys of the shared stack (never plain text in the stack file; <c>appKey</c> may be the plain word <c>generate</c>).</summary>
    public static readonly IReadOnlyList<string> SecretConfigKeys =
        [.. new[] { "connectorSecrets", "postgresPassword" }.Concat(Credentials.Select(c => c.ConfigKey)).Concat(Configured.Select(c => c.Value)).Order(StringComparer.Ordinal)];

    /// <summary>Every app secret key that has a source.</summary>
    public static IEnumerable<string> AllKeys =>
        Credentials.Select(g => g.Key).Concat(Configured.Select(c => c.Key)).Append(DbUsernameKey).Order(StringComparer.Ordinal);

    /// <summary>The shared program's component that makes the secret map (its children are the generated credentials).</summary>
    public const string ComponentName = "app-secrets";

    public const string ComponentType = "ringinfra:shared:AppSecrets";

    /// <summary>The logical name of a generated credential's Pulumi.Random resource (what a rotation replaces).</summary>
    public static string GeneratedName(string key) => $"{ComponentName}-{key.ToLowerInvariant().Replace('_', '-')}";

    /// <summary>
    /// Its URN, as the engine makes it (<c>urn:pulumi:&lt;stack&gt;::&lt;project&gt;::&lt;parent type&gt;$&lt;type&gt;::&lt;name&gt;</c>;
    /// the root Stack resource's type is not part of a child's qualified type): what <c>pulumi up --replace</c> takes.
    /// </summary>
    public static string GeneratedUrn(string stack, AppSecret credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var type = credential.Kind == SecretKind.LaravelKey ? "random:index/randomBytes:RandomBytes" : "random:index/randomPassword:RandomPassword";
        return $"urn:pulumi:{stack}::{SharedFactsReader.Project}::{ComponentType}${type}::{GeneratedName(credential.Key)}";
    }

    /// <summary>The credential whose app secret key or secret config key is <paramref name="key"/>.</summary>
    public static AppSecret? Find(string key) => Credentials.FirstOrDefault(c => c.Key == key || c.ConfigKey == key);

    /// <summary>
    /// Decides each credential's source: imported when its secret config is set (always wins); else generated when
    /// its owner is managed by the stack; else a problem naming the config key. Nothing outside the stack that
    /// already holds a value (an external Redis, an existing platform's APP_KEY) can get a new one by accident.
    /// </summary>
    internal static IReadOnlyDictionary<string, CredentialSource> Sources(
        IReadOnlyCollection<string> wanted, IReadOnlyCollection<string> imported, IReadOnlyList<SharedService> services, bool generateAppKey, bool postgresManaged, Config.ValueReader r)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(imported);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(r);
        var sources = new SortedDictionary<string, CredentialSource>(StringComparer.Ordinal);
        // What the rings receive, and what a managed service needs even when no ring reads it.
        foreach (var c in Credentials.Where(c => wanted.Contains(c.Key) || services.Any(s => s.Managed && s.Name == c.Owner)))
        {
            if (imported.Contains(c.ConfigKey))
            {
                sources[c.Key] = CredentialSource.Imported;
                continue;
            }

            var service = services.FirstOrDefault(s => s.Name == c.Owner);
            var managed = c.Owner switch
            {
                AppSecret.App => generateAppKey,
                AppSecret.Postgres => postgresManaged,
                _ => service?.Managed == true,
            };
            if (managed)
            {
                sources[c.Key] = CredentialSource.Generated;
                continue;
            }

            var why = c.Owner switch
            {
                AppSecret.App => "data encrypted under the platform's key would become unreadable under a new one; set appKey: generate only when creating a new platform",
                AppSecret.Postgres => "PostgreSQL is external; or configure postgres so the stack manages the app role and its password",
                _ when service is null => $"no catalog service {c.Owner} is managed by this stack",
                _ => $"{c.Owner} is external and keeps its own credential (set services.{c.Owner}.managed: true to deploy it here)",
            };
            r.Problem(c.ConfigKey, "(not set)", $"must be imported for {c.Key} (ringctl secrets import FILE): {why}");
        }

        return sources;
    }

    /// <summary>
    /// The secrets' revision: a short hash over every key and value, sorted. Rings put it on their pod
    /// templates so a rotation rolls them. It reveals nothing usable about the values.
    /// </summary>
    public static string Revision(IEnumerable<KeyValuePair<string, string>> secrets)
    {
        var text = string.Concat(secrets.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key.Length}:{s.Key}={s.Value.Length}:{s.Value}\n"));
        return "rev-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }
}
