using System.Text.Json.Nodes;
using RingInfra.Core.Config;
using RingInfra.Core.Kube;

namespace RingInfra.Core.Shared;

/// <summary>
/// Reads <see cref="SharedFacts"/> from the shared stack's config (<c>stacks/shared/Pulumi.shared.yaml</c>,
/// namespace <c>ring-infra-shared</c>): the offline stand-in for the shared stack's outputs, used by
/// render, lint, plan and the offline preview. The Pulumi ring stack reads the same facts from the
/// shared stack's outputs through a StackReference instead.
/// </summary>
public static class SharedFactsReader
{
    public const string Project = "ring-infra-shared";

    /// <summary>Keys of the shared stack's config that hold the facts rings read (the rest is the shared stack's own business).</summary>
    public static readonly IReadOnlyList<string> FactKeys = ["allowIngress", "appSecretKeys", "clusterDomain", "config", "connectorCredentials", "namespace", "namespacePodSecurity", "secretsRevision", "services"];

    private static readonly string[] ServiceKeys = ["host", "image", "managed", "namespace", "podLabels", "podSecurity", "port", "replicas", "storage", "targetPort"];

    private static readonly string[] AllowKeys = ["namespace", "podLabels", "ports", "services"];

    private static readonly string[] PodSecurityLevels = ["restricted", "baseline", "privileged"];

    /// <summary>
    /// The facts from the shared stack's outputs, as a ring stack reads them through its StackReference
    /// (untyped values: dictionaries, lists, strings, numbers). Same shape, same validation as the config.
    /// </summary>
    public static SharedFacts FromStackOutputs(IReadOnlyDictionary<string, object?> outputs, string stack)
    {
        var tree = new JsonObject();
        foreach (var key in FactKeys)
        {
            tree[key] = ObjectTree.ToJson(outputs.GetValueOrDefault(key == "services" ? SharedStackExports.ServiceCatalog : key == "connectorCredentials" ? SharedStackExports.CredentialBindings : key));
        }

        // Bindings are exported flat (credential -> ring); the config nests them (credential -> {boundTo}).
        if (tree["connectorCredentials"] is JsonObject flat)
        {
            tree["connectorCredentials"] = new JsonObject(flat.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, new JsonObject { ["boundTo"] = p.Value?.DeepClone() })));
        }

        return Bind(tree, stack);
    }

    /// <summary>Binds the shared config tree (short keys); throws <see cref="RingConfigException"/> with every problem.</summary>
    public static SharedFacts Bind(JsonObject config, string source)
    {
        var problems = new List<ConfigProblem>();
        var r = new ValueReader($"shared stack '{source}'", problems);
        r.OnlyKeys(config, "", [.. FactKeys.Concat(SharedStackSettings.OwnKeys).Concat(SharedSecretCatalog.SecretConfigKeys).Order(StringComparer.Ordinal)]);
        var ns = r.RequiredString(config["namespace"], "namespace", Names.IsDnsLabel, Names.DnsLabelRule);
        var clusterDomain = r.String(config["clusterDomain"], "clusterDomain", Names.IsDnsName, "must be a DNS name such as cluster.local") ?? "cluster.local";
        var services = new List<SharedService>();
        foreach (var (name, value) in r.Map(config["services"], "services") ?? [])
        {
            var key = $"services.{name}";
            if (!Names.IsDnsLabel(name))
            {
                r.Problem(key, name, Names.DnsLabelRule);
                continue;
            }

            if (r.Map(value ?? JsonValue.Create("null"), key) is not { } s)
            {
                continue;
            }

            r.OnlyKeys(s, key + ".", ServiceKeys);
            var port = r.Int(s["port"], key + ".port", 1, 65535);
            if (s["port"] is null)
            {
                r.Problem(key + ".port", "nothing", "is required (the container port of the shared pods)");
            }

            var labels = new List<KeyValuePair<string, string>>();
            foreach (var (lk, lv) in r.Map(s["podLabels"], key + ".podLabels") ?? [])
            {
                labels.Add(new(lk, r.String(lv, $"{key}.podLabels.{lk}") ?? ""));
            }

            if (labels.Count == 0)
            {
                r.Problem(key + ".podLabels", Node.Show(s["podLabels"]), "must name the shared pods' labels (a NetworkPolicy cannot target an ExternalName alias)");
            }

            var serviceNs = r.String(s["namespace"], key + ".namespace", Names.IsDnsLabel, Names.DnsLabelRule) ?? ns;
            var targetPort = r.Int(s["targetPort"], key + ".targetPort", 1, 65535);
            var podSecurity = r.String(s["podSecurity"], key + ".podSecurity", PodSecurityLevels.Contains, $"must be one of {string.Join(", ", PodSecurityLevels)}");
            var managed = ReadManaged(r, s, key, name, serviceNs, ns, podSecurity);
            services.Add(new SharedService(name, serviceNs, port ?? 0, [.. labels.OrderBy(l => l.Key, StringComparer.Ordinal)])
            {
                TargetPort = targetPort ?? port ?? 0,
                ClusterDomain = clusterDomain,
                PodSecurity = managed.Managed ? "restricted" : podSecurity,
                HostOverride = r.String(s["host"], key + ".host", Names.IsDnsName, "must be a DNS name"),
                Managed = managed.Managed,
                Image = managed.Image,
                Replicas = managed.Replicas,
                StorageSize = managed.StorageSize,
                StorageClass = managed.StorageClass,
            });
        }

        var cfg = new List<KeyValuePair<string, string>>();
        foreach (var (k, v) in r.Map(config["config"], "config") ?? [])
        {
            if (!Names.IsEnvName(k))
            {
                r.Problem($"config.{k}", k, Names.EnvNameRule);
            }
            else if (Names.LooksSecret(k))
            {
                r.Problem($"config.{k}", "(value hidden)", "looks like a secret; list it under appSecretKeys instead");
            }
            else
            {
                cfg.Add(new(k, Node.Show(v)));
            }
        }

        var secretKeys = new SortedSet<string>(StringComparer.Ordinal);
        var list = r.List(config["appSecretKeys"], "appSecretKeys") ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            if (r.String(list[i], $"appSecretKeys[{i}]", Names.IsEnvName, Names.EnvNameRule) is { } k)
            {
                secretKeys.Add(k);
            }
        }

        var creds = new List<KeyValuePair<string, string>>();
        foreach (var (k, v) in r.Map(config["connectorCredentials"], "connectorCredentials") ?? [])
        {
            var key = $"connectorCredentials.{k}";
            if (r.Map(v ?? JsonValue.Create("null"), key) is { } c)
            {
                r.OnlyKeys(c, key + ".", ["boundTo"]);
                if (r.RequiredString(c["boundTo"], key + ".boundTo", Names.IsDnsLabel, "must name the ring the credential is bound to") is { Length: > 0 } ring)
                {
                    creds.Add(new(k, ring));
                }
            }
        }

        var allows = ReadAllows(r, config["allowIngress"], services);
        if (problems.Count > 0)
        {
            throw new RingConfigException(problems);
        }

        return new SharedFacts
        {
            Namespace = ns,
            Services = [.. services.OrderBy(s => s.Name, StringComparer.Ordinal)],
            Config = [.. cfg.OrderBy(c => c.Key, StringComparer.Ordinal)],
            AppSecretKeys = [.. secretKeys],
            ConnectorCredentials = [.. creds.OrderBy(c => c.Key, StringComparer.Ordinal)],
            SecretsRevision = r.String(config["secretsRevision"], "secretsRevision") ?? "offline",
            AllowIngress = allows,
            NamespacePodSecurity = r.String(config["namespacePodSecurity"], "namespacePodSecurity", PodSecurityLevels.Contains, $"must be one of {string.Join(", ", PodSecurityLevels)}") ?? "restricted",
        };
    }

    private static List<SharedIngressAllow> ReadAllows(ValueReader r, JsonNode? node, List<SharedService> services)
    {
        var allows = new List<SharedIngressAllow>();
        foreach (var (name, value) in r.Map(node, "allowIngress") ?? [])
        {
            var key = $"allowIngress.{name}";
            if (!Names.IsDnsLabel(name))
            {
                r.Problem(key, name, Names.DnsLabelRule);
                continue;
            }

            if (r.Map(value ?? JsonValue.Create("null"), key) is not { } a)
            {
                continue;
            }

            r.OnlyKeys(a, key + ".", AllowKeys);
            var ns = r.RequiredString(a["namespace"], key + ".namespace", Names.IsDnsLabel, Names.DnsLabelRule);
            var labels = (r.Map(a["podLabels"], key + ".podLabels") ?? []).Select(p => new KeyValuePair<string, string>(p.Key, r.String(p.Value, $"{key}.podLabels.{p.Key}") ?? "")).ToList();
            var named = new List<string>();
            var list = r.List(a["services"], key + ".services") ?? [];
            for (var i = 0; i < list.Count; i++)
            {
                if (r.String(list[i], $"{key}.services[{i}]", v => services.Any(s => s.Name == v), "must name a service of the catalog") is { } svc)
                {
                    named.Add(svc);
                }
            }

            List<int>? ports = null;
            if (a["ports"] is not null)
            {
                ports = [];
                var p = r.List(a["ports"], key + ".ports") ?? [];
                for (var i = 0; i < p.Count; i++)
                {
                    if (r.Int(p[i], $"{key}.ports[{i}]", 1, 65535) is { } port)
                    {
                        ports.Add(port);
                    }
                }
            }

            allows.Add(new SharedIngressAllow(name, ns, [.. labels.OrderBy(l => l.Key, StringComparer.Ordinal)], named, ports));
        }

        return [.. allows.OrderBy(a => a.Name, StringComparer.Ordinal)];
    }

    private sealed record ManagedSettings(bool Managed, string? Image, int Replicas, string StorageSize, string? StorageClass);

    /// <summary><c>managed</c>, <c>image</c>, <c>replicas</c> and <c>storage: {size, storageClass}</c> of one catalog service.</summary>
    private static ManagedSettings ReadManaged(ValueReader r, JsonObject s, string key, string name, string serviceNs, string sharedNs, string? podSecurity)
    {
        var managed = r.Bool(s["managed"], key + ".managed") ?? false;
        var kind = ManagedServiceKind.Find(name);
        if (managed && kind is null)
        {
            r.Problem(key + ".managed", "true", $"is only possible for {ManagedServiceKind.Names} (PostgreSQL and anything else stay external)");
        }

        if (managed && serviceNs != sharedNs)
        {
            r.Problem(key + ".namespace", serviceNs, $"must be the shared namespace {sharedNs} for a managed service (the shared stack deploys it there)");
        }

        if (managed && podSecurity is not null and not "restricted")
        {
            r.Problem(key + ".podSecurity", podSecurity, "must be restricted (or left out) for a managed service: the shared stack's pods pass PSA restricted");
        }

        var image = r.String(s["image"], key + ".image", RingConfigBinder.IsImage, RingConfigBinder.ImageRule);
        if (managed && kind is not null && image is null && kind.DefaultImage is null)
        {
            r.Problem(key + ".image", "nothing", $"is required to deploy {name} (an image reference with an explicit tag)");
        }

        var replicas = r.Int(s["replicas"], key + ".replicas", 1, 20) ?? 2;
        if (s["replicas"] is not null && kind?.Stateful == true)
        {
            r.Problem(key + ".replicas", Node.Show(s["replicas"]), $"cannot be set for {name}: it runs one pod on its volume");
        }

        var size = "10Gi";
        string? storageClass = null;
        if (r.Map(s["storage"], key + ".storage") is { } storage)
        {
            r.OnlyKeys(storage, key + ".storage.", ["size", "storageClass"]);
            size = r.String(storage["size"], key + ".storage.size", v => Quantity.ParseMemory(v) is > 0, "must be a size such as 10Gi") ?? size;
            storageClass = r.String(storage["storageClass"], key + ".storage.storageClass", Names.IsDnsName, "must be a storage class name");
            if (kind is { Stateful: false })
            {
                r.Problem(key + ".storage", "(storage)", $"cannot be set for {name}: it is stateless");
            }
        }

        return new ManagedSettings(managed, image ?? (managed ? kind?.DefaultImage : null), replicas, size, storageClass);
    }
}
