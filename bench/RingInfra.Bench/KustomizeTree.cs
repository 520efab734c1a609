using System.Text.Json.Nodes;
using RingInfra.Core.Kube;
using RingInfra.Core.Rendering;

namespace RingInfra.Bench;

/// <summary>
/// The status quo's equivalent of a rendered fleet, in doc 000's layout: <c>k8s/base/per-ring</c> with the
/// objects every ring shares, and <c>k8s/overlays/rings/&lt;ring&gt;</c> per ring — namespace, ring label,
/// the ring's ConfigMaps (env, lock, shared config, nginx conf) and Secrets from generators, its Ingress
/// with its tenant hosts, the namespace, aliases and quota, and a patch carrying the lock hash.
/// </summary>
public static class KustomizeTree
{
    private static readonly HashSet<string> PerRingKinds = ["Ingress", "Namespace", "ResourceQuota", "ConfigMap", "Secret"];

    public static void Write(string dir, IReadOnlyList<RenderedRing> rings)
    {
        var baseDir = Path.Combine(dir, "k8s", "base", "per-ring");
        Directory.CreateDirectory(baseDir);
        var template = rings.First(r => !r.Config.InSharedNamespace);
        var shared = template.Objects.Where(o => !PerRingKinds.Contains(o.Kind) && !IsAlias(o)).ToList();
        foreach (var o in shared)
        {
            var body = (JsonObject)o.Body.DeepClone();
            ((JsonObject)body["metadata"]!).Remove("namespace");
            File.WriteAllText(Path.Combine(baseDir, o.FileName), Yaml.Write(body));
        }

        File.WriteAllText(Path.Combine(baseDir, "kustomization.yaml"), Yaml.Write(new JsonObject
        {
            ["apiVersion"] = "kustomize.config.k8s.io/v1beta1",
            ["kind"] = "Kustomization",
            ["resources"] = new JsonArray([.. shared.Select(o => (JsonNode?)o.FileName)]),
        }));
        foreach (var ring in rings)
        {
            WriteOverlay(OverlayOf(dir, ring), ring);
        }
    }

    /// <summary>A ring's overlay: <c>k8s/overlays/rings/&lt;ring&gt;</c>, or one per cluster, <c>k8s/overlays/rings/&lt;ring&gt;/&lt;cluster&gt;</c>.</summary>
    public static string OverlayOf(string dir, RenderedRing ring) => ring.Cluster.IsUnnamed
        ? Path.Combine(dir, "k8s", "overlays", "rings", ring.Ring)
        : Path.Combine(dir, "k8s", "overlays", "rings", ring.Ring, ring.Cluster.Name);

    private static JsonObject Pairs(RenderedRing ring) => ring.Cluster.IsUnnamed
        ? new JsonObject { [RingLabels.Ring] = ring.Ring }
        : new JsonObject { [RingLabels.Ring] = ring.Ring, [RingLabels.Cluster] = ring.Cluster.Name };

    private static bool IsAlias(KubeObject o) => o.Kind == "Service" && Node.Str(Node.Obj(o.Body, "spec"), "type") == "ExternalName";

    private static void WriteOverlay(string dir, RenderedRing ring)
    {
        Directory.CreateDirectory(dir);
        var own = ring.Objects.Where(o => o.Kind is "Ingress" or "Namespace" or "ResourceQuota" || IsAlias(o)).ToList();
        foreach (var o in own)
        {
            File.WriteAllText(Path.Combine(dir, o.FileName), o.ToYaml());
        }

        var generators = new JsonArray();
        foreach (var cm in ring.Objects.Where(o => o.Kind == "ConfigMap"))
        {
            var files = new JsonArray();
            var literals = new JsonArray();
            foreach (var (k, v) in Node.Obj(cm.Body, "data") ?? [])
            {
                if (Node.Show(v).Contains('\n', StringComparison.Ordinal))
                {
                    File.WriteAllText(Path.Combine(dir, k), Node.Show(v));
                    files.Add(k);
                }
                else
                {
                    literals.Add($"{k}={Node.Show(v)}");
                }
            }

            generators.Add(new JsonObject { ["name"] = cm.Name, ["literals"] = literals, ["files"] = files, ["options"] = new JsonObject { ["disableNameSuffixHash"] = true } });
        }

        var secrets = new JsonArray([.. ring.Objects.Where(o => o.Kind == "Secret").Select(s => (JsonNode?)new JsonObject
        {
            ["name"] = s.Name,
            ["type"] = Node.Str(s.Body, "type"),
            ["literals"] = new JsonArray([.. (Node.Obj(s.Body, "data") ?? []).Select(kv => (JsonNode?)JsonValue.Create($"{kv.Key}="))]),
            ["options"] = new JsonObject { ["disableNameSuffixHash"] = true },
        })]);
        var patches = new JsonArray([.. new[] { "api", "horizon" }.Select(d => (JsonNode?)new JsonObject
        {
            ["target"] = new JsonObject { ["kind"] = "Deployment", ["name"] = d },
            ["patch"] = $"- op: add\n  path: /spec/template/metadata/annotations/ringinfra.io~1lock-hash\n  value: \"{ring.LockHash}\"\n",
        })]);
        File.WriteAllText(Path.Combine(dir, "kustomization.yaml"), Yaml.Write(new JsonObject
        {
            ["apiVersion"] = "kustomize.config.k8s.io/v1beta1",
            ["kind"] = "Kustomization",
            ["namespace"] = ring.Namespace,
            ["resources"] = new JsonArray([(JsonNode?)(ring.Cluster.IsUnnamed ? "../../../base/per-ring" : "../../../../base/per-ring"), .. own.Select(o => (JsonNode?)o.FileName)]),
            ["labels"] = new JsonArray(new JsonObject { ["pairs"] = Pairs(ring), ["includeSelectors"] = false }),
            ["configMapGenerator"] = generators,
            ["secretGenerator"] = secrets,
            ["patches"] = patches,
        }));
    }
}
