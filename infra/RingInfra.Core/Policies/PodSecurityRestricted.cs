using System.Text.Json.Nodes;
using RingInfra.Core.Kube;

namespace RingInfra.Core.Policies;

/// <summary>
/// The Pod Security Standards <em>restricted</em> checks beyond baseline (v1.32): volume types,
/// allowPrivilegeEscalation, runAsNonRoot, runAsUser, seccomp and capabilities. As upstream, the
/// privilege-escalation, seccomp and capabilities checks do not apply to Windows pods.
/// </summary>
internal static class PodSecurityRestricted
{
    private static readonly HashSet<string> AllowedVolumeSources =
        ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

    public static void Check(PodTemplate pod, Action<string, string, string, string> fail)
    {
        var p = pod.SpecPath;
        var volumes = Node.Arr(pod.Spec, "volumes");
        for (var i = 0; i < volumes.Count; i++)
        {
            foreach (var (source, _) in volumes[i] as JsonObject ?? [])
            {
                if (source != "name" && !AllowedVolumeSources.Contains(source))
                {
                    fail($"{p}.volumes[{i}].{source}", Node.Str(volumes[i], "name") ?? $"#{i}", "restricted/volumes", "must be one of " + string.Join(", ", AllowedVolumeSources.Order(StringComparer.Ordinal)));
                }
            }
        }

        var psc = pod.PodSecurityContext;
        var podNonRoot = Node.Bool(psc, "runAsNonRoot");
        if (podNonRoot == false)
        {
            fail($"{p}.securityContext.runAsNonRoot", "false", "restricted/runAsNonRoot", "must be true");
        }

        if (Node.Int(psc, "runAsUser") == 0)
        {
            fail($"{p}.securityContext.runAsUser", "0", "restricted/runAsUser", "must not be 0 (root)");
        }

        var podSeccomp = Node.Str(Node.Obj(psc, "seccompProfile"), "type");
        var podSeccompOk = IsRestrictedSeccomp(podSeccomp);
        if (!pod.IsWindows && podSeccomp is not null && !podSeccompOk)
        {
            fail($"{p}.securityContext.seccompProfile.type", podSeccomp, "restricted/seccompProfile", "must be RuntimeDefault or Localhost");
        }

        foreach (var (c, path, name) in pod.Containers())
        {
            var sc = Node.Obj(c, "securityContext");
            var scPath = $"{path}.securityContext";
            var nonRoot = Node.Bool(sc, "runAsNonRoot");
            if (nonRoot == false || (nonRoot is null && podNonRoot != true))
            {
                fail($"{scPath}.runAsNonRoot", Show(nonRoot), "restricted/runAsNonRoot", $"must be true here or at pod level (container '{name}')");
            }

            if (Node.Int(sc, "runAsUser") == 0)
            {
                fail($"{scPath}.runAsUser", "0", "restricted/runAsUser", $"must not be 0 (root) (container '{name}')");
            }

            if (pod.IsWindows)
            {
                continue;
            }

            if (Node.Bool(sc, "allowPrivilegeEscalation") != false)
            {
                fail($"{scPath}.allowPrivilegeEscalation", Show(Node.Bool(sc, "allowPrivilegeEscalation")), "restricted/allowPrivilegeEscalation", $"must be false (container '{name}')");
            }

            var seccomp = Node.Str(Node.Obj(sc, "seccompProfile"), "type");
            if ((seccomp is not null && !IsRestrictedSeccomp(seccomp)) || (seccomp is null && !podSeccompOk))
            {
                fail($"{scPath}.seccompProfile.type", seccomp ?? "unset", "restricted/seccompProfile", $"must be RuntimeDefault or Localhost here or at pod level (container '{name}')");
            }

            CheckCapabilities(Node.Obj(sc, "capabilities"), $"{scPath}.capabilities", name, fail);
        }
    }

    private static void CheckCapabilities(JsonObject? caps, string path, string name, Action<string, string, string, string> fail)
    {
        var drop = Node.Arr(caps, "drop").Select(Node.Show).ToList();
        if (!drop.Contains("ALL"))
        {
            fail($"{path}.drop", drop.Count == 0 ? "unset" : string.Join(",", drop), "restricted/capabilities", $"must include ALL (container '{name}')");
        }

        var add = Node.Arr(caps, "add");
        for (var i = 0; i < add.Count; i++)
        {
            if (Node.Show(add[i]) != "NET_BIND_SERVICE")
            {
                fail($"{path}.add[{i}]", Node.Show(add[i]), "restricted/capabilities", $"may only add NET_BIND_SERVICE (container '{name}')");
            }
        }
    }

    private static bool IsRestrictedSeccomp(string? type) => type is "RuntimeDefault" or "Localhost";

    private static string Show(bool? b) => b switch { null => "unset", true => "true", false => "false" };
}
