using System.Text.RegularExpressions;

namespace RingInfra.Core.Kube;

/// <summary>
/// What to do when an update fails because a live object has an immutable field RingInfra would change —
/// typically a platform's existing Deployment whose <c>spec.selector</c> differs from the ring's (the API
/// server answers "field is immutable" to kubectl apply and to Pulumi's server-side apply alike).
/// </summary>
public static partial class ImmutableFieldAdvice
{
    /// <summary>The documented migration for the error in <paramref name="message"/>, or null when it is not such an error.</summary>
    public static string? For(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!message.Contains("field is immutable", StringComparison.Ordinal))
        {
            return null;
        }

        var m = Invalid().Match(message);
        var kind = m.Success ? m.Groups["kind"].Value : "object";
        var name = m.Success ? m.Groups["name"].Value : "<name>";
        var field = m.Success ? m.Groups["field"].Value : "an immutable field";
        var lower = kind.ToLowerInvariant();
        var keep = kind == "Deployment" && field.StartsWith("spec.selector", StringComparison.Ordinal)
            ? $" Or keep the live selector: set the ring's selectorLabels.{name} to it (README \"Moving an existing platform\")."
            : "";
        return $"the live {kind} '{name}' has a different {field}, which Kubernetes does not let change. " +
            $"Replace it without stopping its pods: kubectl -n <the ring's namespace> delete {lower} {name} --cascade=orphan, run the update again, " +
            $"and once the new pods are ready delete the orphaned ReplicaSet.{keep}";
    }

    [GeneratedRegex("(?<kind>[A-Z][A-Za-z]+)(\\.[a-z.]+)? \"(?<name>[^\"]+)\" is invalid: (?<field>[a-zA-Z.\\[\\]0-9]+): ")]
    private static partial Regex Invalid();
}
