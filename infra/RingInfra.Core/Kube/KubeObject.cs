using System.Text.Json.Nodes;

namespace RingInfra.Core.Kube;

/// <summary>
/// One Kubernetes object in its canonical form: the exact tree that is rendered to YAML, handed to
/// Pulumi, checked by the policies and diffed by the offline preview.
/// </summary>
public sealed class KubeObject
{
    public KubeObject(JsonObject body)
    {
        Body = body;
    }

    /// <summary>The whole object (apiVersion, kind, metadata, spec/data…).</summary>
    public JsonObject Body { get; }

    public string ApiVersion => Body["apiVersion"]?.GetValue<string>() ?? "";

    public string Kind => Body["kind"]?.GetValue<string>() ?? "";

    public string Name => Body["metadata"]?["name"]?.GetValue<string>() ?? "";

    public string? Namespace => Body["metadata"]?["namespace"]?.GetValue<string>();

    /// <summary><c>Kind namespace/name</c>, or <c>Kind name</c> for cluster-scoped objects.</summary>
    public string Id => Namespace is null ? $"{Kind} {Name}" : $"{Kind} {Namespace}/{Name}";

    /// <summary>The object's labels (empty when it has none).</summary>
    public IReadOnlyDictionary<string, string> Labels =>
        (Body["metadata"]?["labels"] as JsonObject)?.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? "", StringComparer.Ordinal)
        ?? new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>File name used by <c>ringctl render</c>: kind and name, lower-case.</summary>
    public string FileName => $"{Kind.ToLowerInvariant()}-{Name}.yaml";

    public string ToYaml() => Yaml.Write(Body);

    public override string ToString() => Id;
}
