using System.Text.Json.Nodes;
using RingInfra.Core.Config;
using RingInfra.Core.Locks;

namespace RingInfra.Core.Rendering;

/// <summary>
/// The module upgrade Job (issue 16): when a ring's lock brings module versions no ring has upgraded to yet, the ring
/// runs <c>php artisan module:upgrade</c> once, with the api's image, environment, config and Secrets and the new lock,
/// before its api and horizon roll (the ring program makes every other object wait for it, and the provider waits for
/// the Job to complete, so a failed upgrade fails the stack update before any pod rolls). Migrations are forward-only:
/// a rollback never renders one, nor does a lock change that only removes modules.
/// </summary>
public static class UpgradeObjects
{
    public const string App = "module-upgrade";

    /// <summary>The pod annotation the Job's lock file is projected from (the new lock, canonical form).</summary>
    public const string LockAnnotation = "ringinfra.io/lock";

    /// <summary>How long a finished Job (and its logs) stays before the TTL controller deletes it.</summary>
    public const int KeepFinishedSeconds = 7 * 24 * 3600;

    /// <summary>
    /// The aliases <paramref name="next"/> adds or raises against <paramref name="previous"/>: removals and lower versions
    /// upgrade nothing (migrations are forward-only).
    /// </summary>
    public static IReadOnlyList<string> Changed(ModuleLock previous, ModuleLock next)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(next);
        return [.. next.Modules.Where(m => previous.Find(m.Alias) is not { } p || m.Version.CompareTo(p.Version) > 0).Select(m => m.Alias).Order(StringComparer.Ordinal)];
    }

    /// <summary>The Job's name: <c>module-upgrade-</c> and the first 10 hex digits of the lock hash.</summary>
    public static string JobName(string lockHash) => "module-upgrade-" + lockHash[(lockHash.IndexOf(':', StringComparison.Ordinal) + 1)..][..10];

    /// <summary>Whether the ring renders the Job: its <c>upgrade</c> entry is for this very lock and names modules (known without the shared stack).</summary>
    public static bool Renders(Fleet.RingDefinition ring)
    {
        ArgumentNullException.ThrowIfNull(ring);
        return ring.Config.Upgrade is { Modules.Count: > 0 } upgrade && upgrade.LockHash == ring.Lock.Hash;
    }

    /// <summary>The Job, when <see cref="Renders"/>; else null.</summary>
    internal static JsonObject? Job(RenderContext c)
    {
        if (!Renders(c.Ring) || c.Config.Upgrade is not { } upgrade)
        {
            return null;
        }

        var name = JobName(c.Ring.Lock.Hash);
        var labels = RingLabels.Common(c.Name);
        labels[RingLabels.App] = App;
        var job = K.Object("batch/v1", "Job", name, c.Ns, labels);
        var container = WorkloadObjects.UpgradeContainer(c, ["php", "artisan", "module:upgrade", $"--ring={c.Name}", "--modules=" + string.Join(",", upgrade.Modules), "--force"]);
        var pod = WorkloadObjects.AppPodSpec(c, container);
        pod["restartPolicy"] = "Never";
        pod["volumes"] = K.Array(new JsonObject
        {
            ["name"] = "module-lock",
            ["downwardAPI"] = new JsonObject
            {
                ["items"] = K.Array(new JsonObject
                {
                    ["path"] = $"{c.Name}.lock.json",
                    ["fieldRef"] = new JsonObject { ["fieldPath"] = $"metadata.annotations['{LockAnnotation}']" },
                }),
            },
        });
        var podLabels = RingLabels.Common(c.Name);
        podLabels[RingLabels.App] = App;
        job["spec"] = new JsonObject
        {
            ["backoffLimit"] = 0,
            ["activeDeadlineSeconds"] = c.Config.UpgradeDeadlineSeconds,
            ["ttlSecondsAfterFinished"] = KeepFinishedSeconds,
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["labels"] = podLabels,
                    ["annotations"] = new JsonObject
                    {
                        [LockAnnotation] = c.Ring.Lock.CanonicalJson,
                        [RingLabels.LockHash] = c.Ring.Lock.Hash,
                        ["ringinfra.io/modules"] = string.Join(",", upgrade.Modules),
                    },
                },
                ["spec"] = pod,
            },
        };
        return job;
    }
}
