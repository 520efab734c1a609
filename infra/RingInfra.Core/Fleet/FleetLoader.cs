using System.Text.Json.Nodes;
using RingInfra.Core.Config;
using RingInfra.Core.Kube;
using RingInfra.Core.Locks;
using RingInfra.Core.Rendering;
using RingInfra.Core.Shared;

namespace RingInfra.Core.Fleet;

/// <summary>
/// Loads every ring of a repository: <c>Pulumi.yaml</c> defaults, each <c>Pulumi.&lt;ring&gt;.yaml</c>, each
/// lock and the shared stack's config; validates each ring and then the fleet as a whole. Every
/// problem in every file is reported together.
/// </summary>
public static class FleetLoader
{
    public const string ProjectFile = "Pulumi.yaml";
    public const string SharedStackFile = "stacks/shared/Pulumi.shared.yaml";

    /// <summary>Loads and validates; throws <see cref="RingConfigException"/> listing every problem.</summary>
    /// <param name="files">The repository.</param>
    /// <param name="assignments">
    /// The registry's tenants, default and active flags, which replace the stack files' copies before the
    /// fleet-wide rules run (a tenant in exactly one ring, one default): the registry is the truth for them.
    /// </param>
    /// <param name="tenantRules">False to skip the tenant rules (the files' tenant lists are a copy the registry replaces).</param>
    public static RingFleet Load(IRepositoryFiles files, IReadOnlyDictionary<string, RingAssignment>? assignments = null, bool tenantRules = true)
    {
        var problems = new List<ConfigProblem>();
        var fleet = TryLoad(files, problems, assignments, tenantRules);
        return problems.Count == 0 && fleet is not null ? fleet : throw new RingConfigException(problems);
    }

    public static RingFleet? TryLoad(IRepositoryFiles files, List<ConfigProblem> problems, IReadOnlyDictionary<string, RingAssignment>? assignments = null, bool tenantRules = true)
    {
        var projectText = files.ReadText(ProjectFile);
        if (projectText is null)
        {
            throw new RingConfigException($"{ProjectFile} not found: run ringctl from the repository root or pass --root");
        }

        var projectDefaults = ReadSafely(problems, ProjectFile, () => StackFiles.ReadProjectDefaults(projectText, ProjectFile, ConfigKeys.Project, problems)) ?? [];
        var shared = LoadShared(files, problems);
        var rings = new List<RingDefinition>();
        // Ring files are independent: read and bound on every core, their problems reported in file order.
        var loaded = Parallelism.Map([.. files.ListFiles("").Where(IsRingFile)], file =>
        {
            var own = new List<ConfigProblem>();
            return (Ring: LoadRing(files, file["Pulumi.".Length..^".yaml".Length], file, projectDefaults, own), Problems: own);
        });
        foreach (var (ring, own) in loaded)
        {
            problems.AddRange(own);
            if (ring is not null)
            {
                rings.Add(ring);
            }
        }

        rings.Sort((a, b) => a.Config.PromotionOrder != b.Config.PromotionOrder
            ? a.Config.PromotionOrder.CompareTo(b.Config.PromotionOrder)
            : string.CompareOrdinal(a.Name, b.Name));
        if (assignments is not null)
        {
            rings = [.. Assignments.Apply(rings, assignments)];
        }

        var regional = LoadRegional(files, rings, problems);
        FleetRules.Check(rings, shared, problems, tenantRules);
        return problems.Count == 0 && shared is not null ? new RingFleet(rings, shared) { Regional = regional } : null;
    }

    /// <summary>
    /// One ring from its files alone (project defaults, its stack file, its lock) — what a stack update of it reads — or
    /// null when they do not validate (the problems are added to <paramref name="problems"/>).
    /// </summary>
    public static RingDefinition? LoadOne(IRepositoryFiles files, string ring, List<ConfigProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(files);
        var projectText = files.ReadText(ProjectFile);
        var file = $"Pulumi.{ring}.yaml";
        if (projectText is null || files.ReadText(file) is null)
        {
            problems.Add(new ConfigProblem($"ring '{ring}'", "file", projectText is null ? ProjectFile : file, "must exist"));
            return null;
        }

        var projectDefaults = ReadSafely(problems, ProjectFile, () => StackFiles.ReadProjectDefaults(projectText, ProjectFile, ConfigKeys.Project, problems)) ?? [];
        return LoadRing(files, ring, file, projectDefaults, problems);
    }

    /// <summary>True for <c>Pulumi.&lt;ring&gt;.yaml</c> (not the project file).</summary>
    public static bool IsRingFile(string fileName) =>
        fileName.StartsWith("Pulumi.", StringComparison.Ordinal) && fileName.EndsWith(".yaml", StringComparison.Ordinal) && fileName != ProjectFile;

    /// <summary>The config layers of one ring merged in order: built-in &lt; project &lt; ring file.</summary>
    public static JsonObject Layer(JsonObject projectDefaults, JsonObject ringFile) =>
        ConfigLayers.Merge(BuiltInDefaults.Layer(), projectDefaults, ringFile);

    private static RingDefinition? LoadRing(IRepositoryFiles files, string ring, string file, JsonObject projectDefaults, List<ConfigProblem> problems)
    {
        var subject = $"ring '{ring}'";
        var text = files.ReadText(file) ?? "";
        var stack = ReadSafely(problems, file, () => StackFiles.ReadStackConfig(text, file, ConfigKeys.Project, subject, problems));
        if (stack is null)
        {
            return null;
        }

        var config = RingConfigBinder.TryBind(ring, Layer(projectDefaults, stack.Own), problems);
        var lockPath = $"stacks/locks/{ring}.lock.json";
        var lockText = files.ReadText(lockPath);
        ModuleLock? moduleLock = null;
        if (lockText is null)
        {
            problems.Add(new ConfigProblem(subject, "lock", lockPath, "must exist (every ring has a lock manifest)"));
        }
        else
        {
            moduleLock = ModuleLockParser.TryParse(lockText, ring, lockPath, problems);
        }

        if (config is null || moduleLock is null)
        {
            return null;
        }

        return Define(config, moduleLock, problems);
    }

    /// <summary>A ring from its config and lock, after the rules that need both (the Octane memory floor).</summary>
    public static RingDefinition? Define(RingConfig config, ModuleLock moduleLock, List<ConfigProblem> problems)
    {
        var before = problems.Count;
        CheckMemoryFloor(config, moduleLock, problems);
        return problems.Count > before ? null : new RingDefinition(config, moduleLock);
    }

    private static void CheckMemoryFloor(RingConfig config, ModuleLock moduleLock, List<ConfigProblem> problems)
    {
        var floor = MemoryTuning.FloorBytes(moduleLock.Modules.Count);
        foreach (var kind in new[] { WorkloadKind.Api, WorkloadKind.Horizon })
        {
            var w = config.Workloads[kind];
            if (w.MemoryOverridden && w.MemoryBytes < floor)
            {
                problems.Add(new ConfigProblem(
                    $"ring '{config.Name}'",
                    $"workloads.{kind.ToString().ToLowerInvariant()}.memory",
                    Quantity.FormatMemory(w.MemoryBytes),
                    $"must be >= {Quantity.FormatMemory(floor)} for {moduleLock.Modules.Count} modules (Octane loads every module at boot)"));
            }
        }
    }

    /// <summary>The shared stack's whole settings from its file (where each credential comes from included); throws <see cref="RingConfigException"/>.</summary>
    public static SharedStackSettings LoadSharedSettings(IRepositoryFiles files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var problems = new List<ConfigProblem>();
        var settings = LoadSharedSettings(files, problems);
        return problems.Count == 0 && settings is not null ? settings : throw new RingConfigException(problems);
    }

    private static SharedFacts? LoadShared(IRepositoryFiles files, List<ConfigProblem> problems) => LoadSharedSettings(files, problems)?.Facts;

    /// <summary>The offline file of a shared stack: <c>stacks/shared/Pulumi.&lt;stack&gt;.yaml</c> (the last segment of its name).</summary>
    public static string SharedFileOf(string stackName) => $"stacks/shared/Pulumi.{stackName[(stackName.LastIndexOf('/') + 1)..]}.yaml";

    /// <summary>Whether a shared stack is a regional one (<c>shared-eu</c>, …), not the plain <c>shared</c> stack whose file is <see cref="SharedStackFile"/>.</summary>
    public static bool IsRegional(string stackName) => SharedFileOf(stackName) != SharedStackFile;

    /// <summary>The facts of every regional shared stack the rings' <c>sharedStack</c> maps name (other than the plain one's file).</summary>
    private static Dictionary<string, SharedFacts> LoadRegional(IRepositoryFiles files, List<RingDefinition> rings, List<ConfigProblem> problems)
    {
        var regional = new Dictionary<string, SharedFacts>(StringComparer.Ordinal);
        foreach (var stack in rings.SelectMany(r => r.Config.SharedStacks.Values).Where(IsRegional).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (LoadSharedSettings(files, problems, SharedFileOf(stack)) is { } settings)
            {
                regional[stack] = settings.Facts;
            }
        }

        return regional;
    }

    private static SharedStackSettings? LoadSharedSettings(IRepositoryFiles files, List<ConfigProblem> problems, string file = SharedStackFile)
    {
        var text = files.ReadText(file);
        if (text is null)
        {
            problems.Add(new ConfigProblem("shared stack", "file", file, "must exist (the offline source of the shared stack's catalog and config)"));
            return null;
        }

        return ReadSafely(problems, file, () =>
        {
            var stack = StackFiles.ReadStackConfig(text, file, SharedFactsReader.Project, $"shared stack '{file}'", problems, secretsAllowed: true);
            return SharedStackSettings.Bind(stack.Own, file, stack.SecretKeys);
        });
    }

    private static T? ReadSafely<T>(List<ConfigProblem> problems, string source, Func<T> read)
        where T : class
    {
        try
        {
            return read();
        }
        catch (YamlFormatException e)
        {
            problems.Add(new ConfigProblem($"file '{source}'", e.Line > 0 ? $"line {e.Line}, column {e.Column}" : "(file)", e.Reason, "must be valid YAML"));
        }
        catch (RingConfigException e)
        {
            problems.AddRange(e.Problems);
        }

        return null;
    }
}
