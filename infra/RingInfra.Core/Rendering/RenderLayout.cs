using System.Text.Json.Nodes;
using RingInfra.Core.Kube;

namespace RingInfra.Core.Rendering;

/// <summary>
/// The folder a ring renders to: one YAML file per object plus a <c>kustomization.yaml</c> listing
/// them, so <c>kubectl kustomize &lt;dir&gt;</c> builds the ring exactly as rendered.
/// </summary>
public static class RenderLayout
{
    public const string Kustomization = "kustomization.yaml";

    /// <summary>File name → content, in a stable order; the kustomization comes last.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Files(RenderedRing ring)
    {
        var files = ring.Objects.Select(o => new KeyValuePair<string, string>(o.FileName, o.ToYaml())).ToList();
        var kustomization = new JsonObject
        {
            ["apiVersion"] = "kustomize.config.k8s.io/v1beta1",
            ["kind"] = "Kustomization",
            ["resources"] = new JsonArray([.. files.Select(f => (JsonNode?)JsonValue.Create(f.Key))]),
        };
        files.Add(new(Kustomization, Yaml.Write(kustomization)));
        return files;
    }
}
