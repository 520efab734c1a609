namespace RingInfra.Core.Shared;

/// <summary>
/// Who else may reach the shared services besides the rings: the ingress controller (frontend, docs),
/// the CNPG operator (its instances' status port), monitoring (scrapes). From a namespace (and pod labels,
/// when given), to the named catalog services (all of them when none are named), on the given ports
/// (each service's <c>targetPort</c> when none are given; every port when the list is empty).
/// </summary>
public sealed record SharedIngressAllow(
    string Name,
    string Namespace,
    IReadOnlyList<KeyValuePair<string, string>> PodLabels,
    IReadOnlyList<string> Services,
    IReadOnlyList<int>? Ports);
