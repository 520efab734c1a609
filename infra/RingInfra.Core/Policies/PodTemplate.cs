using System.Text.Json.Nodes;
using RingInfra.Core.Kube;

namespace RingInfra.Core.Policies;

/// <summary>
/// Where the pod is inside a workload object: a Pod's own metadata and spec, a Deployment's
/// (StatefulSet, DaemonSet, ReplicaSet, Job, ReplicationController) <c>spec.template</c>, or a CronJob's
/// <c>spec.jobTemplate.spec.template</c>.
/// </summary>
public sealed record PodTemplate(JsonObject? Metadata, JsonObject Spec, string SpecPath)
{
    public static readonly IReadOnlyList<string> WorkloadKinds =
        ["CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"];

    /// <summary>The pod template of <paramref name="obj"/>, or null when it is not a workload (or has no pod spec).</summary>
    public static PodTemplate? Of(JsonObject obj)
    {
        var kind = Node.Str(obj, "kind");
        switch (kind)
        {
            case "Pod":
                return Node.Obj(obj, "spec") is { } podSpec ? new PodTemplate(Node.Obj(obj, "metadata"), podSpec, "spec") : null;
            case "CronJob":
                var job = Node.Obj(Node.Obj(Node.Obj(obj, "spec"), "jobTemplate"), "spec");
                var cronTemplate = Node.Obj(job, "template");
                return Node.Obj(cronTemplate, "spec") is { } cronSpec
                    ? new PodTemplate(Node.Obj(cronTemplate, "metadata"), cronSpec, "spec.jobTemplate.spec.template.spec")
                    : null;
            case not null when WorkloadKinds.Contains(kind):
                var template = Node.Obj(Node.Obj(obj, "spec"), "template");
                return Node.Obj(template, "spec") is { } spec
                    ? new PodTemplate(Node.Obj(template, "metadata"), spec, "spec.template.spec")
                    : null;
            default:
                return null;
        }
    }

    /// <summary>Path of the pod metadata, beside the spec (<c>spec.template.metadata</c>, or <c>metadata</c> for a Pod).</summary>
    public string MetadataPath => SpecPath == "spec" ? "metadata" : SpecPath[..^"spec".Length] + "metadata";

    public bool IsWindows => Node.Str(Node.Obj(Spec, "os"), "name") == "windows";

    public JsonObject? PodSecurityContext => Node.Obj(Spec, "securityContext");

    /// <summary>Every container of every kind (regular, init, ephemeral) with its field path and name.</summary>
    public IEnumerable<(JsonObject Container, string Path, string Name)> Containers()
    {
        foreach (var group in new[] { "containers", "initContainers", "ephemeralContainers" })
        {
            var list = Node.Arr(Spec, group);
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i] is JsonObject c)
                {
                    yield return (c, $"{SpecPath}.{group}[{i}]", Node.Str(c, "name") ?? $"#{i}");
                }
            }
        }
    }
}
