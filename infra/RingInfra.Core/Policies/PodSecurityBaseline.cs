using System.Text.Json.Nodes;
using RingInfra.Core.Kube;

namespace RingInfra.Core.Policies;

/// <summary>
/// The Pod Security Standards <em>baseline</em> checks, as kubernetes/pod-security-admission defines
/// them for v1.32: host namespaces, privileged, capabilities, hostPath, host ports, AppArmor,
/// SELinux, /proc mount, seccomp, sysctls and Windows HostProcess.
/// </summary>
internal static class PodSecurityBaseline
{
    private static readonly HashSet<string> AllowedCapabilities =
    [
        "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
        "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
    ];

    private static readonly HashSet<string> SafeSysctls =
    [
        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem",
    ];

    private static readonly HashSet<string> SeLinuxTypes = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"];

    private const string AppArmorPrefix = "container.apparmor.security.beta.kubernetes.io/";

    public static void Check(PodTemplate pod, Action<string, string, string, string> fail)
    {
        var spec = pod.Spec;
        var p = pod.SpecPath;
        foreach (var ns in new[] { "hostNetwork", "hostPID", "hostIPC" })
        {
            if (Node.Bool(spec, ns) == true)
            {
                fail($"{p}.{ns}", "true", "baseline/hostNamespaces", "must be false or unset");
            }
        }

        var volumes = Node.Arr(spec, "volumes");
        for (var i = 0; i < volumes.Count; i++)
        {
            if (volumes[i] is JsonObject v && v.ContainsKey("hostPath"))
            {
                fail($"{p}.volumes[{i}].hostPath", Node.Str(Node.Obj(v, "hostPath"), "path") ?? "set", "baseline/hostPathVolumes", "must not be used");
            }
        }

        foreach (var (key, value) in Node.Obj(pod.Metadata, "annotations") ?? [])
        {
            var profile = Node.Show(value);
            if (key.StartsWith(AppArmorPrefix, StringComparison.Ordinal)
                && !(profile.Length == 0 || profile == "runtime/default" || profile.StartsWith("localhost/", StringComparison.Ordinal)))
            {
                fail($"{pod.MetadataPath}.annotations[{key}]", profile, "baseline/appArmorProfile", "must be runtime/default or localhost/<profile>");
            }
        }

        var psc = pod.PodSecurityContext;
        CheckContext(psc, $"{p}.securityContext", fail);
        var sysctls = Node.Arr(psc, "sysctls");
        for (var i = 0; i < sysctls.Count; i++)
        {
            var name = Node.Str(sysctls[i], "name") ?? "";
            if (!SafeSysctls.Contains(name))
            {
                fail($"{p}.securityContext.sysctls[{i}].name", name, "baseline/sysctls", "must be one of the safe sysctls (" + string.Join(", ", SafeSysctls.Order(StringComparer.Ordinal)) + ")");
            }
        }

        foreach (var (c, path, name) in pod.Containers())
        {
            CheckContainer(c, path, name, fail);
        }
    }

    private static void CheckContainer(JsonObject c, string path, string name, Action<string, string, string, string> fail)
    {
        var sc = Node.Obj(c, "securityContext");
        var scPath = $"{path}.securityContext";
        if (Node.Bool(sc, "privileged") == true)
        {
            fail($"{scPath}.privileged", "true", "baseline/privileged", $"must be false or unset (container '{name}')");
        }

        var add = Node.Arr(Node.Obj(sc, "capabilities"), "add");
        for (var i = 0; i < add.Count; i++)
        {
            var cap = Node.Show(add[i]);
            if (!AllowedCapabilities.Contains(cap))
            {
                fail($"{scPath}.capabilities.add[{i}]", cap, "baseline/capabilities", $"must be one of {string.Join(", ", AllowedCapabilities.Order(StringComparer.Ordinal))} (container '{name}')");
            }
        }

        var procMount = Node.Str(sc, "procMount");
        if (procMount is not null && procMount != "Default")
        {
            fail($"{scPath}.procMount", procMount, "baseline/procMount", $"must be Default or unset (container '{name}')");
        }

        CheckContext(sc, scPath, fail);
        var ports = Node.Arr(c, "ports");
        for (var i = 0; i < ports.Count; i++)
        {
            if (Node.Int(ports[i], "hostPort") is { } hp && hp != 0)
            {
                fail($"{path}.ports[{i}].hostPort", hp.ToString(System.Globalization.CultureInfo.InvariantCulture), "baseline/hostPorts", $"must be 0 or unset (container '{name}')");
            }
        }
    }

    /// <summary>Fields that exist at pod and container level alike: SELinux, seccomp, AppArmor, Windows HostProcess.</summary>
    private static void CheckContext(JsonObject? sc, string path, Action<string, string, string, string> fail)
    {
        if (sc is null)
        {
            return;
        }

        if (Node.Obj(sc, "seLinuxOptions") is { } se)
        {
            var type = Node.Str(se, "type") ?? "";
            if (!SeLinuxTypes.Contains(type))
            {
                fail($"{path}.seLinuxOptions.type", type, "baseline/seLinuxOptions", "must be unset or one of container_t, container_init_t, container_kvm_t, container_engine_t");
            }

            foreach (var field in new[] { "user", "role" })
            {
                if (Node.Str(se, field) is { Length: > 0 } v)
                {
                    fail($"{path}.seLinuxOptions.{field}", v, "baseline/seLinuxOptions", "must be unset");
                }
            }
        }

        if (Node.Str(Node.Obj(sc, "seccompProfile"), "type") == "Unconfined")
        {
            fail($"{path}.seccompProfile.type", "Unconfined", "baseline/seccompProfile", "must not be Unconfined");
        }

        if (Node.Str(Node.Obj(sc, "appArmorProfile"), "type") is { } aa && aa is not ("RuntimeDefault" or "Localhost"))
        {
            fail($"{path}.appArmorProfile.type", aa, "baseline/appArmorProfile", "must be RuntimeDefault or Localhost");
        }

        if (Node.Bool(Node.Obj(sc, "windowsOptions"), "hostProcess") == true)
        {
            fail($"{path}.windowsOptions.hostProcess", "true", "baseline/windowsHostProcess", "must be false or unset");
        }
    }
}
