namespace RingInfra.Core.Config;

/// <summary>
/// Where a stack's Kubernetes objects go: the cluster of a configured <c>kubernetes:context</c>, or —
/// with no context — YAML files under <c>out/&lt;stack&gt;/</c> (the provider's <c>renderYamlToDirectory</c>),
/// so <c>pulumi up</c> succeeds on a machine with no cluster. In that mode Secrets are written with
/// keys only: secret values never land on disk.
/// </summary>
public sealed record KubernetesTarget(string? Context, string? RenderDirectory)
{
    public bool RendersToDirectory => RenderDirectory is not null;

    /// <summary>
    /// A context wins; an absent or blank one means render to <c>out/&lt;stack&gt;</c> under <paramref name="repositoryRoot"/>
    /// (absolute, so it does not depend on the working directory the engine gives the provider).
    /// </summary>
    public static KubernetesTarget Decide(string? context, string stack, string repositoryRoot) =>
        string.IsNullOrWhiteSpace(context)
            ? new KubernetesTarget(null, Path.Combine(repositoryRoot, "out", stack))
            : new KubernetesTarget(context.Trim(), null);
}
