using System.Text.Json.Nodes;
using RingInfra.Core.Kube;

namespace RingInfra.Core.Rendering;

/// <summary>
/// The folder a ring renders to: one YAML file per object plus a <c>kustomization.yaml</c> listing them, so
/// <c>kubectl kustomize &lt;dir&gt;</c> builds the ring exactly as rendered — except its Secrets. Renders carry
/// their keys only, and <c>kubectl apply -k</c> of such a Secret would blank the live one; so they are kept
/// in <see cref="SecretsFile"/>, which no kustomization lists, under a header saying where the values come from.
/// </summary>
public static class RenderLayout
{
    public const string Kustomization = "kustomization.yaml";

    public const string SecretsFile = "secrets-from-stack.yaml";

    private const string SecretsHeader =
        "# Keys only: the values come from the shared stack's secrets, written by `pulumi up` of the stack.\n" +
        "# Not listed in kustomization.yaml, so `kubectl apply -k` can never blank a live Secret.\n";

    /// <summary>File name → content, in a stable order; the Secrets' file, then the kustomization, come last.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Files(RenderedRing ring)
    {
        ArgumentNullException.ThrowIfNull(ring);
        return Files(ring.Objects);
    }

    /// <summary>The same layout for any objects (<c>render shared --out</c>).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Files(IReadOnlyList<KubeObject> objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        var files = objects.Where(o => o.Kind != "Secret").Select(o => new KeyValuePair<string, string>(o.FileName, o.ToYaml())).ToList();
        var kustomization = new JsonObject
        {
            ["apiVersion"] = "kustomize.config.k8s.io/v1beta1",
            ["kind"] = "Kustomization",
            ["resources"] = new JsonArray([.. files.Select(f => (JsonNode?)JsonValue.Create(f.Key))]),
        };
        var secrets = objects.Where(o => o.Kind == "Secret").ToList();
        if (secrets.Count > 0)
        {
            files.Add(new(SecretsFile, SecretsHeader + Yaml.WriteAll(secrets.Select(s => (JsonNode?)s.Body))));
        }

        files.Add(new(Kustomization, Yaml.Write(kustomization)));
        return files;
    }
}
