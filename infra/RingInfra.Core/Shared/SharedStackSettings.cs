using System.Text.Json.Nodes;
using RingInfra.Core.Config;

namespace RingInfra.Core.Shared;

/// <summary>
/// The shared stack's whole configuration: the facts rings read, the platform's tenants (one database
/// and role each), the platform PostgreSQL, the image registry and the app's database user.
/// </summary>
public sealed record SharedStackSettings
{
    /// <summary>Plain (non-secret) keys of the shared stack beyond the facts.</summary>
    public static readonly IReadOnlyList<string> OwnKeys = ["dbUsername", "domain", "postgres", "psaVersion", "registry", "tenants"];

    private static readonly string[] PostgresKeys = ["database", "host", "port", "sslmode", "username"];
    private static readonly string[] RegistryKeys = ["server", "username"];

    public required SharedFacts Facts { get; init; }

    public required IReadOnlyList<TenantDatabase> Tenants { get; init; }

    /// <summary>Null when no platform PostgreSQL is configured: then no per-tenant databases are managed.</summary>
    public required PostgresServer? Postgres { get; init; }

    public required string RegistryServer { get; init; }

    public required string RegistryUsername { get; init; }

    public required string DbUsername { get; init; }

    /// <summary>Pod Security Admission version pinned on the shared namespace (as on every ring's).</summary>
    public required string PsaVersion { get; init; }

    /// <summary>Where each credential comes from (<see cref="SharedSecretCatalog.Sources"/>): imported or generated.</summary>
    public IReadOnlyDictionary<string, CredentialSource> SecretSources { get; init; } = new Dictionary<string, CredentialSource>();

    /// <summary>
    /// Binds and validates the shared stack's config (short keys); throws <see cref="RingConfigException"/> with every
    /// problem. <paramref name="secretConfig"/> names the secret config keys that are set (their values stay with Pulumi).
    /// </summary>
    public static SharedStackSettings Bind(JsonObject config, string source, IReadOnlyCollection<string> secretConfig)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(secretConfig);
        var problems = new List<ConfigProblem>();
        SharedFacts? facts = null;
        try
        {
            facts = SharedFactsReader.Bind(config, source);
        }
        catch (RingConfigException e)
        {
            problems.AddRange(e.Problems);
        }

        var r = new ValueReader($"shared stack '{source}'", problems);
        var generateAppKey = config["appKey"] is JsonValue v && v.TryGetValue<string>(out var word) && word == SharedSecretCatalog.GenerateAppKey;
        foreach (var secretKey in SharedSecretCatalog.SecretConfigKeys.Where(k => config.ContainsKey(k) && !(k == "appKey" && generateAppKey)))
        {
            r.Problem(secretKey, "(value hidden)", "must be set as a secret: pulumi config set --secret " + secretKey);
        }

        var tenants = ReadTenants(r, config["tenants"]);
        var postgres = ReadPostgres(r, config["postgres"]);
        var registry = r.Map(config["registry"], "registry") ?? [];
        r.OnlyKeys(registry, "registry.", RegistryKeys);
        var server = r.String(registry["server"], "registry.server", Names.IsDnsName, "must be a registry host name such as registry.gitlab.com") ?? "registry.gitlab.com";
        var user = r.String(registry["username"], "registry.username") ?? "ringinfra-deploy";
        var psa = r.String(config["psaVersion"], "psaVersion", v => v.StartsWith("v1.", StringComparison.Ordinal), "must be a Kubernetes minor version such as v1.32") ?? "v1.32";
        var dbUser = r.String(config["dbUsername"], "dbUsername", v => v.Length is > 0 and <= 63, "must be a PostgreSQL role name") ?? "autocom_app";
        if (facts is not null)
        {
            var known = SharedSecretCatalog.AllKeys.ToHashSet(StringComparer.Ordinal);
            foreach (var key in facts.AppSecretKeys.Where(k => !known.Contains(k)))
            {
                r.Problem("appSecretKeys", key, "must be a secret the shared stack generates or is given: " + string.Join(", ", known));
            }
        }

        IReadOnlyDictionary<string, CredentialSource> sources = new Dictionary<string, CredentialSource>();
        if (facts is not null)
        {
            sources = SharedSecretCatalog.Sources(facts.AppSecretKeys, secretConfig, facts.Services, generateAppKey, postgres is not null, r);
        }

        if (problems.Count > 0 || facts is null)
        {
            throw new RingConfigException(problems);
        }

        return new SharedStackSettings
        {
            Facts = facts, Tenants = tenants, Postgres = postgres, RegistryServer = server, RegistryUsername = user, DbUsername = dbUser, PsaVersion = psa,
            SecretSources = sources,
        };
    }

    private static List<TenantDatabase> ReadTenants(ValueReader r, JsonNode? node)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var list = r.List(node, "tenants") ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            if (r.String(list[i], $"tenants[{i}]", Names.IsTenantName, Names.TenantNameRule) is { } t && !seen.Add(t))
            {
                r.Problem($"tenants[{i}]", t, "must be listed once");
            }
        }

        return [.. seen.Select(TenantDatabase.For)];
    }

    private static PostgresServer? ReadPostgres(ValueReader r, JsonNode? node)
    {
        if (r.Map(node, "postgres") is not { } pg)
        {
            return null;
        }

        r.OnlyKeys(pg, "postgres.", PostgresKeys);
        var host = r.RequiredString(pg["host"], "postgres.host", Names.IsDnsName, "must be a host name");
        var port = r.Int(pg["port"], "postgres.port", 1, 65535) ?? 5432;
        var user = r.String(pg["username"], "postgres.username") ?? "postgres";
        var database = r.String(pg["database"], "postgres.database") ?? "postgres";
        var ssl = r.String(pg["sslmode"], "postgres.sslmode", v => v is "disable" or "require" or "verify-ca" or "verify-full", "must be one of disable, require, verify-ca, verify-full") ?? "require";
        return new PostgresServer(host, port, user, database, ssl);
    }
}
