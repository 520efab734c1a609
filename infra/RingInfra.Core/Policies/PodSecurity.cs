using System.Text.Json.Nodes;
using RingInfra.Core.Kube;

namespace RingInfra.Core.Policies;

/// <summary>
/// Pod Security Admission <em>restricted</em> (which includes baseline) over any workload object,
/// with the upstream semantics of kubernetes/pod-security-admission v1.32: pod- and container-level
/// fields, init, ephemeral and regular containers. Agrees file by file with the upstream fixture corpus.
/// </summary>
public static class PodSecurity
{
    /// <summary>Every violation of <paramref name="obj"/>; empty when it passes or is not a workload.</summary>
    public static IReadOnlyList<Violation> CheckRestricted(JsonObject obj)
    {
        var pod = PodTemplate.Of(obj);
        if (pod is null)
        {
            return [];
        }

        var id = new KubeObject(obj).Id;
        var found = new List<Violation>();
        void Fail(string path, string value, string rule, string requirement) =>
            found.Add(new Violation(id, path, value, "psa-" + rule, requirement));
        PodSecurityBaseline.Check(pod, Fail);
        PodSecurityRestricted.Check(pod, Fail);
        return found;
    }
}
