using System.Security.Cryptography;
using System.Text;

namespace RingInfra.Core.Shared;

/// <summary>
/// Where each app secret of the shared <c>secrets</c> map comes from: generated (Pulumi.Random), set by
/// an operator as secret config (<c>pulumi config set --secret</c>), or plain config (the DB user name).
/// </summary>
public static class SharedSecretCatalog
{
    public static readonly IReadOnlyList<GeneratedSecret> Generated =
    [
        new("APP_KEY", SecretKind.LaravelKey, 32),
        new("AWS_ACCESS_KEY_ID", SecretKind.AccessKeyId, 20),
        new("AWS_SECRET_ACCESS_KEY", SecretKind.Password, 40),
        new("DB_PASSWORD", SecretKind.Password, 32),
        new("MEILISEARCH_KEY", SecretKind.Password, 32),
        new("REDIS_PASSWORD", SecretKind.Password, 32),
    ];

    /// <summary>App secret key → the secret config key an operator sets it with.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> Configured =
    [
        new("PASSPORT_PRIVATE_KEY", "passportPrivateKey"),
        new("PASSPORT_PUBLIC_KEY", "passportPublicKey"),
        new("REGISTRY_TOKEN", "registryToken"),
    ];

    /// <summary>The app secret filled from the plain <c>dbUsername</c> config (it still travels as a secret).</summary>
    public const string DbUsernameKey = "DB_USERNAME";

    /// <summary>Secret config keys of the shared stack (never plain text in the stack file).</summary>
    public static readonly IReadOnlyList<string> SecretConfigKeys =
        ["connectorSecrets", "passportPrivateKey", "passportPublicKey", "postgresPassword", "registryToken"];

    /// <summary>Every app secret key that has a source.</summary>
    public static IEnumerable<string> AllKeys =>
        Generated.Select(g => g.Key).Concat(Configured.Select(c => c.Key)).Append(DbUsernameKey).Order(StringComparer.Ordinal);

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
