using System.Text.Json.Nodes;
using RingInfra.Core.Config;

namespace RingInfra.Core.Rendering;

/// <summary>The labels and annotation keys every rendered object carries, and the selectors built from them.</summary>
public static class RingLabels
{
    public const string Ring = "ringinfra.io/ring";
    public const string PartOf = "app.kubernetes.io/part-of";
    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string Component = "app.kubernetes.io/name";
    public const string App = "app";
    public const string LockHash = "ringinfra.io/lock-hash";
    public const string SecretsRevision = "ringinfra.io/secrets-revision";
    public const string ConfigHash = "ringinfra.io/config-hash";

    /// <summary>The cluster an object belongs to (only for a ring that declares clusters).</summary>
    public const string Cluster = "ringinfra.io/cluster";

    /// <summary>Labels common to every object of the ring.</summary>
    public static JsonObject Common(string ring) => new()
    {
        [PartOf] = "autocom",
        [ManagedBy] = "ringinfra",
        [Ring] = ring,
    };

    /// <summary>Common labels plus the workload's own (<c>app</c> and <c>app.kubernetes.io/name</c>).</summary>
    public static JsonObject ForWorkload(string ring, WorkloadKind kind)
    {
        var labels = new JsonObject { [App] = Name(kind), [Component] = Name(kind) };
        foreach (var (k, v) in Common(ring))
        {
            labels[k] = v?.DeepClone();
        }

        return labels;
    }

    /// <summary>The selector of a workload's pods: its app label and its ring.</summary>
    public static JsonObject Selector(string ring, WorkloadKind kind) => new() { [App] = Name(kind), [Ring] = ring };

    public static string Name(WorkloadKind kind) => kind.ToString().ToLowerInvariant();
}
