namespace RingInfra.Core.Config;

/// <summary>
/// Where a stack's Kubernetes objects go: the cluster of a configured <c>kubernetes:context</c>, or —
/// with no context — YAML files under the repository's <c>out/&lt;stack&gt;/</c> (the provider's
/// <c>renderYamlToDirectory</c>), so <c>pulumi up</c> succeeds on a machine with no cluster. In that mode
/// Secrets are written with keys only: secret values never land on disk.
/// </summary>
public sealed record KubernetesTarget(string? Context, string? RenderDirectory)
{
    /// <summary>
    /// The render root as the provider sees it. The engine starts provider plugins in the program's
    /// directory (pulumi/pulumi: plugins run with <c>ctx.Pwd</c>, the directory of <c>main</c>), and both
    /// programs live at <c>infra/&lt;program&gt;</c>, so this is the repository's <c>out/</c>. A relative
    /// path keeps the provider's config identical in every checkout and on every CI runner: changing it
    /// would make Pulumi replace every rendered object.
    /// </summary>
    public const string RenderRoot = "../../out";

    public bool RendersToDirectory => RenderDirectory is not null;

    /// <summary>A context wins; an absent or blank one means render to <c>out/&lt;stack&gt;</c> (<see cref="RenderRoot"/>).</summary>
    public static KubernetesTarget Decide(string? context, string stack) =>
        string.IsNullOrWhiteSpace(context)
            ? new KubernetesTarget(null, $"{RenderRoot}/{stack}")
            : new KubernetesTarget(context.Trim(), null);

    /// <summary>
    /// Where one cluster of a ring goes: the unnamed cluster as <see cref="Decide(string?, string)"/> (the stack's
    /// <c>kubernetes:context</c>); a named one to its own context, or — with none — to <c>out/&lt;ring&gt;/&lt;cluster&gt;</c>.
    /// </summary>
    public static KubernetesTarget Decide(string? stackContext, string stack, ClusterSpec cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return cluster.IsUnnamed ? Decide(stackContext, stack)
            : cluster.Context is { } context ? new KubernetesTarget(context, null)
            : new KubernetesTarget(null, $"{RenderRoot}/{stack}/{cluster.Name}");
    }
}
