using RingInfra.Core.Config;

namespace RingCtl.Operations;

/// <summary>
/// A ring's rollout stopped at one of its clusters (its update or its verification failed): the clusters after it were not
/// touched. The message names the cluster, its region and how far the rollout got.
/// </summary>
public sealed class ClusterRolloutException : Exception
{
    public ClusterRolloutException(string ring, ClusterSpec cluster, int index, int count, Exception inner)
        : base($"{ring}'s rollout stopped at {cluster.Describe()} ({index + 1} of {count}; {(index + 1 < count ? $"{count - index - 1} later cluster(s) not touched" : "the last cluster")}): {inner?.Message}", inner)
    {
        Ring = ring;
        Cluster = cluster;
    }

    public ClusterRolloutException()
    {
        Ring = "";
        Cluster = ClusterSpec.Unnamed;
    }

    public ClusterRolloutException(string message)
        : base(message)
    {
        Ring = "";
        Cluster = ClusterSpec.Unnamed;
    }

    public ClusterRolloutException(string message, Exception inner)
        : base(message, inner)
    {
        Ring = "";
        Cluster = ClusterSpec.Unnamed;
    }

    public string Ring { get; }

    public ClusterSpec Cluster { get; }
}
