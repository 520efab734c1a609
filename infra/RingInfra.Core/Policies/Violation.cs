namespace RingInfra.Core.Policies;

/// <summary>
/// One policy failure: the object (<c>Deployment autocom-canary/api</c>), the field path, the value
/// found, the rule (<c>psa-restricted/runAsNonRoot</c>) and what the rule requires.
/// </summary>
public sealed record Violation(string Object, string Path, string Value, string Rule, string Requirement)
{
    /// <summary>One line: <c>Deployment ns/api: spec…allowPrivilegeEscalation must be false (got true) [psa-restricted/allowPrivilegeEscalation]</c>.</summary>
    public string Message => $"{Object}: {Path} {Requirement} (got {Value}) [{Rule}]";

    public override string ToString() => Message;
}
