using RingCtl.Cli;
using RingInfra.Core.Config;
using RingInfra.Core.Fleet;

namespace RingCtl.Operations;

/// <summary>
/// What a ring's rollout checks after each of its clusters (doc 003: a failing region halts the rest): the cluster's
/// <c>/api/health</c> through its URL, and — for a ring with metric gates — those gates for that cluster now, with
/// <c>$cluster</c> and <c>$region</c> substituted. A failure throws; <see cref="OperationContext.UpdateRingAsync"/> then
/// stops before the next cluster and names this one.
/// </summary>
public static class ClusterVerification
{
    /// <summary>
    /// A cluster's base URL: the operator's <c>--url</c> with <c>$cluster</c> and <c>$region</c> substituted, else the cluster's
    /// configured <c>url</c>; null when neither is known (no health check for it). A ring without clusters: <c>--url</c> as given.
    /// </summary>
    public static string? Url(string? template, ClusterSpec cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return cluster.AddressFrom(template);
    }

    /// <summary>
    /// <c>--url</c> for a ring with several clusters must tell them apart (<c>$cluster</c> or <c>$region</c>), or every
    /// cluster would be verified through one address. Checked before anything changes.
    /// </summary>
    public static void CheckTemplate(string? template, RingDefinition ring)
    {
        ArgumentNullException.ThrowIfNull(ring);
        if (template is not null && !ClusterSpec.TellsApart(template, ring.Config.Clusters))
        {
            throw new CommandException(ExitCodes.Usage,
                $"--url: '{template}' is one address for {ring.Name}'s {ring.Config.Clusters.Count} clusters ({string.Join(", ", ring.Config.Clusters.Select(c => c.Name))}); put $cluster or $region in it (https://{ring.Name}.$cluster.acme.io), or leave it out to use each cluster's url");
        }
    }

    /// <summary>
    /// The check run after each cluster of <paramref name="ring"/> is updated (none for a ring without clusters: its
    /// promotion verifies after the update as it always did). Made before anything changes: a ring with gates and no
    /// Prometheus is a usage error here.
    /// </summary>
    public static Func<ClusterSpec, CancellationToken, Task>? For(OperationContext ctx, RingDefinition ring, string? urlTemplate)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(ring);
        if (!ring.Config.HasClusters)
        {
            return null;
        }

        CheckTemplate(urlTemplate, ring);
        var prometheus = ring.Config.Gates.Any ? ctx.Prometheus(ring) : null;
        return async (cluster, ct) =>
        {
            if (Url(urlTemplate, cluster) is { } url)
            {
                var report = await RingHealth.CheckAsync(ctx.Http, url, ring.Name, ring.Config.PodLockPath, ring.Config.Health.Custom, ct).ConfigureAwait(false);
                ctx.Progress.Report($"verified {ring.Name} in {cluster.Describe()}: {report.Url} ok");
            }

            if (prometheus is not null)
            {
                var now = ctx.Clock.Now;
                var verdicts = await prometheus.JudgeAsync(ring, now, now, ct, cluster).ConfigureAwait(false);
                if (verdicts.FirstOrDefault(v => !v.Passed) is { } failed)
                {
                    throw new CommandException(ExitCodes.GateRefused, $"metric gate {failed.Gate.Name}: {failed.Failure}");
                }

                ctx.Progress.Report($"verified {ring.Name} in {cluster.Describe()}: {verdicts.Count} metric gate(s) hold");
            }
        };
    }
}
