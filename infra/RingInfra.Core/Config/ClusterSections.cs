using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace RingInfra.Core.Config;

/// <summary>
/// The geography of a ring (doc 003, doc 004): <c>clusters</c>, <c>sharedStack</c> (one stack, or region → stack) and
/// <c>tenantRegions</c>, read and checked together — every problem at once, each naming the key, the value and what is allowed.
/// </summary>
internal static partial class ClusterSections
{
    private static readonly string[] ClusterKeys = ["context", "name", "region", "url"];

    internal const string RegionRule = "must be a region name such as eu or us-east (a DNS label: lower-case letters, digits and '-', starting with a letter)";

    private const string StackRule = "must be a stack name such as organization/ring-infra-shared/shared";

    internal sealed record Geography(IReadOnlyList<ClusterSpec> Clusters, string SharedStack, IReadOnlyDictionary<string, string> SharedStacks, IReadOnlyDictionary<string, string> TenantRegions);

    internal static Geography Read(ValueReader r, JsonNode? clustersNode, JsonNode? sharedNode, JsonNode? regionsNode, IReadOnlyList<string> tenants)
    {
        var stacks = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var single = "";
        if (sharedNode is JsonObject map)
        {
            if (map.Count == 0)
            {
                r.Problem(ConfigKeys.SharedStack, "{}", $"must be a stack name or a map region → stack name with at least one region");
            }

            foreach (var (region, value) in map)
            {
                if (!Names.IsDnsLabel(region))
                {
                    r.Problem($"{ConfigKeys.SharedStack}.{region}", region, "must be keyed by a region: " + RegionRule);
                }
                else if (r.String(value, $"{ConfigKeys.SharedStack}.{region}", v => StackNamePattern().IsMatch(v), StackRule) is { } stack)
                {
                    stacks[region] = stack;
                }
            }
        }
        else
        {
            single = r.RequiredString(sharedNode, ConfigKeys.SharedStack, v => StackNamePattern().IsMatch(v), StackRule + " (or a map region → stack name)");
        }

        var clusters = ReadClusters(r, clustersNode, stacks, sharedNode is JsonObject);
        if (stacks.Count > 0)
        {
            if (clusters.Count == 1 && clusters[0].IsUnnamed)
            {
                r.Problem(ConfigKeys.SharedStack, sharedNode, "may be a map region → stack only for a ring with clusters (each names its region); without clusters give one stack name");
            }

            single = clusters.Select(c => c.Region).OfType<string>().Select(region => stacks.GetValueOrDefault(region)).FirstOrDefault(s => s is not null) ?? stacks.Values.First();
        }

        return new Geography(clusters, single, stacks, ReadTenantRegions(r, regionsNode, tenants, clusters));
    }

    private static List<ClusterSpec> ReadClusters(ValueReader r, JsonNode? node, SortedDictionary<string, string> stacks, bool mapped)
    {
        if (node is null)
        {
            return [ClusterSpec.Unnamed];
        }

        var list = new List<ClusterSpec>();
        var arr = r.List(node, ConfigKeys.Clusters);
        if (arr is not null && arr.Count == 0)
        {
            r.Problem(ConfigKeys.Clusters, "[]", "must list at least one cluster (leave it out for the one unnamed cluster)");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var anyContext = false;
        for (var i = 0; arr is not null && i < arr.Count; i++)
        {
            var key = $"{ConfigKeys.Clusters}[{i}]";
            if (r.Map(arr[i], key) is not { } c)
            {
                continue;
            }

            r.OnlyKeys(c, key + ".", ClusterKeys);
            var name = r.RequiredString(c["name"], key + ".name", Names.IsDnsLabel, Names.DnsLabelRule);
            if (name.Length > 0 && !names.Add(name))
            {
                r.Problem(key + ".name", name, "must be unique within the ring (listed twice)");
            }

            var context = r.String(c["context"], key + ".context", v => v.Trim().Length > 0, "must be a kubeconfig context name (leave it out to render YAML)");
            anyContext |= context is not null;
            var region = r.RequiredString(c["region"], key + ".region", Names.IsDnsLabel, RegionRule);
            if (mapped && region.Length > 0 && Names.IsDnsLabel(region) && !stacks.ContainsKey(region))
            {
                r.Problem(key + ".region", region, $"has no shared stack: sharedStack maps only {(stacks.Count == 0 ? "no region" : string.Join(", ", stacks.Keys))} (every region needs its shared stack)");
            }

            var url = r.String(c["url"], key + ".url", RingConfigBinder.IsHttpUrl, "must be an http:// or https:// URL such as https://edge.eu-1.acme.io (where ringctl verifies this cluster)");
            if (name.Length > 0 && region.Length > 0)
            {
                list.Add(new ClusterSpec(name, context?.Trim(), region, url));
            }
        }

        if (anyContext && list.Any(c => c.Context is null))
        {
            r.Problem(ConfigKeys.Clusters, string.Join(", ", list.Where(c => c.Context is null).Select(c => c.Name)),
                "must give every cluster a context, or none (with no context at all every cluster renders YAML to out/<ring>/<cluster>/)");
        }

        return list.Count == 0 ? [ClusterSpec.Unnamed] : list;
    }

    private static SortedDictionary<string, string> ReadTenantRegions(ValueReader r, JsonNode? node, IReadOnlyList<string> tenants, List<ClusterSpec> clusters)
    {
        var regions = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (tenant, value) in r.Map(node, ConfigKeys.TenantRegions) ?? [])
        {
            var key = $"{ConfigKeys.TenantRegions}.{tenant}";
            if (!tenants.Contains(tenant, StringComparer.Ordinal))
            {
                r.Problem(key, tenant, "must be a tenant the ring pins (listed in tenants): ringctl writes the registry's home regions here");
                continue;
            }

            if (r.String(value, key, Names.IsDnsLabel, RegionRule) is not { } region)
            {
                continue;
            }

            if (!clusters.Any(c => c.Serves(region)))
            {
                r.Problem(key, region, Tenants.HomeRegions.NotServed(clusters));
            }

            regions[tenant] = region;
        }

        return regions;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")]
    private static partial Regex StackNamePattern();
}
