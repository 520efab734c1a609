using RingInfra.Core.Config;
using RingInfra.Core.Locks;
using RingInfra.Core.Shared;

namespace RingInfra.Core.Fleet;

/// <summary>
/// What the Pulumi programs read, decided here so the programs stay thin: a ring from its stack's
/// config (as the engine hands it over, one string per key) and its lock file; the shared stack's
/// settings from its config. Invalid input throws <see cref="RingConfigException"/> with every problem.
/// </summary>
public static class StackInputs
{
    private static readonly HashSet<string> SharedStructured =
        ["allowIngress", "appSecretKeys", "config", "connectorCredentials", "postgres", "registry", "services", "tenants"];

    /// <param name="stack">The stack name, which is the ring name.</param>
    /// <param name="rootDirectory">The folder of Pulumi.yaml (where stacks/locks/ lives).</param>
    /// <param name="get">The config getter of the <c>ring-infra</c> namespace (Pulumi's <c>Config.Get</c>).</param>
    public static RingDefinition LoadRing(string stack, string rootDirectory, Func<string, string?> get)
    {
        var problems = new List<ConfigProblem>();
        var subject = $"ring '{stack}'";
        var layer = RawConfig.ToLayer(ConfigKeys.All.Select(k => new KeyValuePair<string, string?>(k, get(k))), subject, problems);
        // Pulumi has already applied Pulumi.yaml's defaults; the built-in layer goes underneath.
        var config = RingConfigBinder.TryBind(stack, ConfigLayers.Merge(BuiltInDefaults.Layer(), layer), problems);
        var lockPath = $"stacks/locks/{stack}.lock.json";
        var full = Path.Combine(rootDirectory, lockPath);
        ModuleLock? moduleLock = null;
        if (!File.Exists(full))
        {
            problems.Add(new ConfigProblem(subject, "lock", lockPath, "must exist (every ring has a lock manifest)"));
        }
        else
        {
            moduleLock = ModuleLockParser.TryParse(File.ReadAllText(full), stack, lockPath, problems);
        }

        var ring = config is not null && moduleLock is not null ? FleetLoader.Define(config, moduleLock, problems) : null;
        return problems.Count == 0 && ring is not null ? ring : throw new RingConfigException(problems);
    }

    /// <summary>
    /// The shared stack's settings from its config getter (namespace <c>ring-infra-shared</c>) and which secret config
    /// keys are set (<paramref name="hasSecret"/>: presence only, no value is read here).
    /// </summary>
    public static SharedStackSettings LoadShared(string stack, Func<string, string?> get, Func<string, bool> hasSecret)
    {
        ArgumentNullException.ThrowIfNull(get);
        ArgumentNullException.ThrowIfNull(hasSecret);
        var problems = new List<ConfigProblem>();
        var keys = SharedFactsReader.FactKeys.Concat(SharedStackSettings.OwnKeys).Distinct();
        var layer = RawConfig.ToLayer(keys.Select(k => new KeyValuePair<string, string?>(k, get(k))), $"shared stack '{stack}'", problems, SharedStructured);
        if (problems.Count > 0)
        {
            throw new RingConfigException(problems);
        }

        // appKey is either the plain word `generate` or a secret (an imported key, which never reads "generate": Laravel's are base64:…).
        var generate = get("appKey") == SharedSecretCatalog.GenerateAppKey;
        if (generate)
        {
            layer["appKey"] = SharedSecretCatalog.GenerateAppKey;
        }

        var secrets = SharedSecretCatalog.SecretConfigKeys.Where(k => k == "appKey" ? !generate && hasSecret(k) : hasSecret(k)).ToList();
        return SharedStackSettings.Bind(layer, stack, secrets);
    }
}
