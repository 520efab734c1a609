using System.Text.Json;
using System.Text.Json.Nodes;
using RingInfra.Core.Config;
using RingInfra.Core.Fleet;
using RingInfra.Core.Shared;

using RingInfra.Core.Tests.Support;

namespace RingInfra.Tests.Support;

/// <summary>
/// Stack config as the Pulumi engine hands it to a program (PULUMI_CONFIG: "ns:key" → string), built
/// from the repository's real Pulumi.yaml and stack files, the way the CLI layers them.
/// </summary>
public static class PulumiConfig
{
    /// <summary>The ring's config: Pulumi.yaml defaults under the ring file, plus extra "ns:key" entries.</summary>
    public static Dictionary<string, string> ForRing(string ring, Action<JsonObject>? change = null, IDictionary<string, string>? extra = null, string? root = null)
    {
        root ??= Repo.Root;
        var problems = new List<ConfigProblem>();
        var project = StackFiles.ReadProjectDefaults(File.ReadAllText(Path.Combine(root, "Pulumi.yaml")), "Pulumi.yaml", ConfigKeys.Project, problems);
        var file = $"Pulumi.{ring}.yaml";
        var own = StackFiles.ReadStackConfig(File.ReadAllText(Path.Combine(root, file)), file, ConfigKeys.Project, ring, problems).Own;
        problems.ShouldBeEmpty();
        var layered = ConfigLayers.Merge(project, own);
        change?.Invoke(layered);
        var result = RawConfig.FromLayer(layered).ToDictionary(kv => $"{ConfigKeys.Project}:{kv.Key}", kv => kv.Value);
        foreach (var (k, v) in extra ?? new Dictionary<string, string>())
        {
            result[k] = v;
        }

        return result;
    }

    /// <summary>The shared stack's config from stacks/shared/Pulumi.shared.yaml, plus extra "ns:key" entries.</summary>
    public static Dictionary<string, string> ForShared(IDictionary<string, string>? extra = null)
    {
        var problems = new List<ConfigProblem>();
        var own = StackFiles.ReadStackConfig(File.ReadAllText(Path.Combine(Repo.Root, FleetLoader.SharedStackFile)), "shared", SharedFactsReader.Project, "shared", problems, secretsAllowed: true).Own;
        problems.ShouldBeEmpty();
        var result = RawConfig.FromLayer(own).ToDictionary(kv => $"{SharedFactsReader.Project}:{kv.Key}", kv => kv.Value);
        foreach (var (k, v) in extra ?? new Dictionary<string, string>())
        {
            result[k] = v;
        }

        return result;
    }

    /// <summary>Sets PULUMI_CONFIG (and the secret keys) for the next Deployment; the tests run serially.</summary>
    public static void Apply(IDictionary<string, string> config, IEnumerable<string>? secretKeys = null)
    {
        Environment.SetEnvironmentVariable("PULUMI_CONFIG", JsonSerializer.Serialize(config));
        Environment.SetEnvironmentVariable("PULUMI_CONFIG_SECRET_KEYS", JsonSerializer.Serialize((secretKeys ?? []).ToArray()));
    }
}
