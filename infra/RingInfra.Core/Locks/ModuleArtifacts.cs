namespace RingInfra.Core.Locks;

/// <summary>Release archive names as the module release pipeline produces them (doc 000: <c>ShippingIndiaPost-1.6.0.zip</c>).</summary>
public static class ModuleArtifacts
{
    public static string NameFor(string alias, SemanticVersion version) =>
        string.Concat(alias.Split('-').Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..])) + $"-{version}.zip";
}
