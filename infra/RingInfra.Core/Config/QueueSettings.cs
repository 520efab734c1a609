namespace RingInfra.Core.Config;

/// <summary>
/// What keeps a ring's queue work its own on the one shared Redis: the Redis key prefix (queues
/// included), Horizon's prefix, the cache prefix (where <c>illuminate:queue:restart</c> lives, so a
/// worker restart stays in the ring) and the default queue's name. Derived from the ring; overridable.
/// </summary>
public sealed record QueueSettings(string RedisPrefix, string HorizonPrefix, string CachePrefix, string Queue)
{
    /// <summary>The env vars Laravel and Horizon read them from, in <c>ring-env</c>.</summary>
    public IEnumerable<KeyValuePair<string, string>> Env() =>
    [
        new("REDIS_PREFIX", RedisPrefix),
        new("HORIZON_PREFIX", HorizonPrefix),
        new("CACHE_PREFIX", CachePrefix),
        new("REDIS_QUEUE", Queue),
    ];

    /// <summary>The ring's defaults: <c>&lt;shared namespace&gt;_&lt;ring&gt;_</c> and friends, and the ring's name as its queue.</summary>
    public static QueueSettings For(string sharedNamespace, string ring)
    {
        var stem = $"{sharedNamespace}_{ring}".Replace('-', '_');
        return new QueueSettings($"{stem}_", $"{stem}_horizon:", $"{stem}_cache_", ring);
    }
}
