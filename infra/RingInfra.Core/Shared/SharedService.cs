namespace RingInfra.Core.Shared;

/// <summary>
/// One entry of the shared stack's service catalog: where the real pods are (namespace and pod
/// labels, which a NetworkPolicy can target) and the port they serve on. Rings outside the shared
/// namespace reach it by short name through an ExternalName alias.
/// </summary>
public sealed record SharedService(string Name, string Namespace, int Port, IReadOnlyList<KeyValuePair<string, string>> PodLabels)
{
    /// <summary>The in-cluster DNS name an ExternalName alias points at.</summary>
    public string Host => $"{Name}.{Namespace}.svc.cluster.local";
}
