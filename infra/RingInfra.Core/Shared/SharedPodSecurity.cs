namespace RingInfra.Core.Shared;

/// <summary>
/// Would the shared namespace's Pod Security enforce level refuse the shared services' pods? A namespace
/// label is checked only when a pod is (re)created, so enforcing <c>restricted</c> on a namespace where
/// redis, minio or meilisearch run as root (their images' default) breaks them at their next restart,
/// silently until then. What each service passes is its catalog entry's <c>podSecurity</c>.
/// </summary>
public static class SharedPodSecurity
{
    private static readonly string[] Levels = ["privileged", "baseline", "restricted"];

    /// <summary>One line per catalog service in the shared namespace the enforced level would refuse, or that the catalog says nothing about.</summary>
    public static IReadOnlyList<string> Warnings(SharedFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var enforced = Array.IndexOf(Levels, facts.NamespacePodSecurity);
        var warnings = new List<string>();
        foreach (var s in facts.Services.Where(s => s.Namespace == facts.Namespace))
        {
            if (s.PodSecurity is null)
            {
                warnings.Add($"{s.Name}: the catalog does not say which Pod Security level its pods pass; the shared namespace {facts.Namespace} enforces {facts.NamespacePodSecurity} (set services.{s.Name}.podSecurity)");
            }
            else if (Array.IndexOf(Levels, s.PodSecurity) < enforced)
            {
                warnings.Add($"{s.Name}: its pods pass only {s.PodSecurity}, and the shared namespace {facts.Namespace} enforces {facts.NamespacePodSecurity}: they will be refused at their next restart " +
                    $"(run them as non-root, or set namespacePodSecurity: {s.PodSecurity} — audit and warn stay restricted)");
            }
        }

        return warnings;
    }
}
