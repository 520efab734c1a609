using System.Text.Json;
using System.Text.Json.Nodes;
using RingInfra.Core.Config;

namespace RingCtl.Stacks;

/// <summary>
/// ringctl's config (a tenant list, the active flag) is written straight into the stack's settings file,
/// typed as the ring files type it: <c>pulumi config set</c> stores <c>false</c> as the string "false",
/// which ringctl's own validation then refuses, and <c>config set --path</c> coerces a tenant named
/// <c>123</c> to an integer. Comments and other keys stay.
/// </summary>
public static class StackConfigFile
{
    /// <summary>The stack's settings file: <c>Pulumi.&lt;ring&gt;.yaml</c> at the root, or the shared project's.</summary>
    public static string PathOf(string repositoryRoot, StackId stack) =>
        Path.Combine(ProjectDirectory(repositoryRoot, stack), $"Pulumi.{stack.Name}.yaml");

    /// <summary>Where the stack's <c>Pulumi.yaml</c> is.</summary>
    public static string ProjectDirectory(string repositoryRoot, StackId stack) =>
        stack.Shared ? Path.Combine(repositoryRoot, "stacks", "shared") : repositoryRoot;

    /// <summary>
    /// A value as <see cref="IStackRunner.SetConfigAsync"/> takes it: JSON text (<c>false</c>, <c>["acme"]</c>,
    /// <c>"text"</c>); anything that is not JSON is a plain string.
    /// </summary>
    public static JsonNode? Parse(string value)
    {
        try
        {
            return JsonNode.Parse(value);
        }
        catch (JsonException)
        {
            return JsonValue.Create(value);
        }
    }

    /// <summary>Sets <paramref name="key"/> in the stack file (created with a bare <c>config:</c> when missing); atomic.</summary>
    public static void Set(string repositoryRoot, StackId stack, string key, JsonNode? value)
    {
        var path = PathOf(repositoryRoot, stack);
        var text = File.Exists(path) ? File.ReadAllText(path) : "config:\n";
        WriteAtomically(path, StackFileEditor.SetConfig(text, key, value));
    }

    /// <summary>
    /// The stack file's own config (this project's keys, by short key: <c>tenants</c>, <c>default</c>, …), as the
    /// engine would read it; empty when the file does not exist.
    /// </summary>
    public static System.Text.Json.Nodes.JsonObject ReadOwn(string repositoryRoot, StackId stack)
    {
        var path = PathOf(repositoryRoot, stack);
        if (!File.Exists(path))
        {
            return [];
        }

        var project = stack.Shared ? RingInfra.Core.Shared.SharedFactsReader.Project : ConfigKeys.Project;
        return StackFiles.ReadStackConfig(File.ReadAllText(path), path, project, stack.Name, [], secretsAllowed: true).Own;
    }

    /// <summary>The ring stack file's copy of the registry's assignment: its tenants, default flag (missing: false) and active flag (missing: true).</summary>
    public static RingInfra.Core.Fleet.RingAssignment ReadAssignment(string repositoryRoot, StackId stack)
    {
        var own = ReadOwn(repositoryRoot, stack);
        static bool Flag(JsonNode? node, bool missing) => node is JsonValue v && v.TryGetValue<bool>(out var b) ? b : missing;
        return new([.. own[ConfigKeys.Tenants] is JsonArray list ? list.Select(t => t?.ToString() ?? "") : []], Flag(own[ConfigKeys.Default], false), Flag(own[ConfigKeys.Active], true))
        {
            Regions = own[ConfigKeys.TenantRegions] is JsonObject regions
                ? new SortedDictionary<string, string>(regions.ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? "", StringComparer.Ordinal), StringComparer.Ordinal)
                : new SortedDictionary<string, string>(StringComparer.Ordinal),
        };
    }

    /// <summary>Writes beside the file, then renames over it: a reader never sees half a file.</summary>
    public static void WriteAtomically(string path, string text)
    {
        var temp = path + ".ringctl-tmp";
        File.WriteAllText(temp, text);
        if (!OperatingSystem.IsWindows() && File.Exists(path))
        {
            // A tracked file keeps the mode it had (the temp file got the default one).
            File.SetUnixFileMode(temp, File.GetUnixFileMode(path));
        }

        File.Move(temp, path, overwrite: true);
    }
}
