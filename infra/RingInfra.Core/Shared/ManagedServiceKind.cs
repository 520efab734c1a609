namespace RingInfra.Core.Shared;

/// <summary>
/// How the shared stack runs a catalog service it manages (issue 15): the six services of doc 000 and our catalog.
/// Stateful ones (Redis, MinIO, Meilisearch) run one pod on a PersistentVolumeClaim and read their credentials from
/// the same secret values the rings receive; stateless ones (frontend, docs, indian-post) run the configured image.
/// PostgreSQL stays external: tenant databases and roles are managed with Pulumi.PostgreSql.
/// </summary>
public sealed record ManagedServiceKind(
    string Name,
    string? DefaultImage,
    int Uid,
    IReadOnlyList<string> Command,
    IReadOnlyList<KeyValuePair<string, string>> Env,
    IReadOnlyList<KeyValuePair<string, string>> Credentials,
    string? DataPath)
{
    public bool Stateful => DataPath is not null;

    /// <summary>The services the stack can manage, by catalog name.</summary>
    public static readonly IReadOnlyList<ManagedServiceKind> All =
    [
        // The password reaches redis-server through the environment, never a rendered argument.
        new("redis", "redis:7.4-alpine", 999,
            ["sh", "-c", "exec redis-server --port \"$PORT\" --requirepass \"$REDIS_PASSWORD\" --dir /data --appendonly yes"],
            [],
            [new("REDIS_PASSWORD", "REDIS_PASSWORD")],
            "/data"),
        new("minio", "quay.io/minio/minio:RELEASE.2025-04-22T22-12-26Z", 1000,
            ["sh", "-c", "exec minio server /data --address \":$PORT\" --console-address :9001 --certs-dir /tmp/certs"],
            [],
            [new("MINIO_ROOT_USER", "AWS_ACCESS_KEY_ID"), new("MINIO_ROOT_PASSWORD", "AWS_SECRET_ACCESS_KEY")],
            "/data"),
        new("meilisearch", "getmeili/meilisearch:v1.12", 1000,
            ["sh", "-c", "cd /meili_data && exec meilisearch --http-addr \"0.0.0.0:$PORT\" --db-path /meili_data/data.ms"],
            [new("MEILI_ENV", "production"), new("MEILI_NO_ANALYTICS", "true")],
            [new("MEILI_MASTER_KEY", "MEILISEARCH_KEY")],
            "/meili_data"),
        new("frontend", null, 1000, [], [], [], null),
        new("docs", null, 1000, [], [], [], null),
        new("indian-post", null, 1000, [], [], [], null),
    ];

    public static ManagedServiceKind? Find(string name) => All.FirstOrDefault(k => k.Name == name);

    public static string Names => string.Join(", ", All.Select(k => k.Name));
}
