using System.Text.Json;
using System.Text.RegularExpressions;
using RingInfra.Core.Config;

namespace RingInfra.Core.Locks;

/// <summary>
/// Reads and validates a lock manifest: JSON with exactly the keys <c>ring</c> and <c>modules</c>; each
/// module has exactly <c>version</c> (SemVer), <c>artifact</c> (a .zip name) and <c>sha256</c> (64 hex).
/// Duplicate and unknown keys are errors. Every problem is reported, each naming the file and key.
/// </summary>
public static partial class ModuleLockParser
{
    private static readonly string[] RootKeys = ["modules", "ring"];
    private static readonly string[] ModuleKeys = ["artifact", "sha256", "version"];

    /// <summary>Parses <paramref name="json"/>; throws <see cref="RingConfigException"/> with every problem.</summary>
    public static ModuleLock Parse(string json, string expectedRing, string source)
    {
        var problems = new List<ConfigProblem>();
        var lockFile = TryParse(json, expectedRing, source, problems);
        return problems.Count == 0 && lockFile is not null ? lockFile : throw new RingConfigException(problems);
    }

    public static ModuleLock? TryParse(string json, string expectedRing, string source, List<ConfigProblem> problems)
    {
        var before = problems.Count;
        var subject = $"lock '{source}'";
        if (json.Length > Kube.Yaml.MaxChars)
        {
            problems.Add(new ConfigProblem(subject, "(file)", $"{json.Length} characters", $"must be at most {Kube.Yaml.MaxChars} characters"));
            return null;
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, MaxDepth = Kube.Yaml.MaxDepth });
        }
        catch (JsonException e)
        {
            problems.Add(new ConfigProblem(subject, "(file)", $"line {(e.LineNumber ?? 0) + 1}", $"must be valid JSON: {FirstSentence(e.Message)}"));
            return null;
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problems.Add(new ConfigProblem(subject, "(root)", root.ValueKind.ToString().ToLowerInvariant(), "must be an object with keys ring and modules"));
                return null;
            }

            CheckKeys(root, "", RootKeys, subject, problems);
            var ring = root.TryGetProperty("ring", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : null;
            if (ring is null)
            {
                problems.Add(new ConfigProblem(subject, "ring", Show(root, "ring"), "must be the ring's name as a string"));
            }
            else if (ring != expectedRing)
            {
                problems.Add(new ConfigProblem(subject, "ring", ring, $"must be '{expectedRing}' (the ring the file belongs to)"));
            }

            var modules = new List<LockedModule>();
            if (!root.TryGetProperty("modules", out var mods) || mods.ValueKind != JsonValueKind.Object)
            {
                problems.Add(new ConfigProblem(subject, "modules", Show(root, "modules"), "must be an object of module alias -> {version, artifact, sha256}"));
            }
            else
            {
                foreach (var m in mods.EnumerateObject())
                {
                    if (ParseModule(m, subject, problems) is { } module)
                    {
                        modules.Add(module);
                    }
                }
            }

            return problems.Count > before ? null : new ModuleLock(expectedRing, modules);
        }
    }

    private static LockedModule? ParseModule(JsonProperty m, string subject, List<ConfigProblem> problems)
    {
        var before = problems.Count;
        var key = $"modules.{m.Name}";
        if (!Names.IsDnsLabel(m.Name))
        {
            problems.Add(new ConfigProblem(subject, key, m.Name, "must be a module alias: " + Names.DnsLabelRule));
        }

        if (m.Value.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new ConfigProblem(subject, key, m.Value.GetRawText(), "must be an object {version, artifact, sha256}"));
            return null;
        }

        CheckKeys(m.Value, key + ".", ModuleKeys, subject, problems);
        var version = Field(m.Value, "version");
        var artifact = Field(m.Value, "artifact");
        var sha = Field(m.Value, "sha256");
        SemanticVersion? semver = null;
        if (version is null || !SemanticVersion.TryParse(version, out semver))
        {
            problems.Add(new ConfigProblem(subject, key + ".version", version ?? Show(m.Value, "version"), "must be a semantic version MAJOR.MINOR.PATCH such as 1.6.0"));
        }

        if (artifact is null || !ArtifactPattern().IsMatch(artifact))
        {
            problems.Add(new ConfigProblem(subject, key + ".artifact", artifact ?? Show(m.Value, "artifact"), "must be a release archive name such as Orders-1.6.0.zip"));
        }

        if (sha is null || !ShaPattern().IsMatch(sha))
        {
            problems.Add(new ConfigProblem(subject, key + ".sha256", sha ?? Show(m.Value, "sha256"), "must be 64 lower-case hex digits"));
        }

        return problems.Count > before ? null : new LockedModule(m.Name, semver!, artifact!, sha!);
    }

    private static void CheckKeys(JsonElement obj, string prefix, string[] allowed, string subject, List<ConfigProblem> problems)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in obj.EnumerateObject())
        {
            if (!seen.Add(p.Name))
            {
                problems.Add(new ConfigProblem(subject, prefix + p.Name, p.Value.GetRawText(), "must appear once (duplicate key)"));
            }
            else if (allowed.Length > 0 && !allowed.Contains(p.Name, StringComparer.Ordinal) && prefix != "modules.")
            {
                problems.Add(new ConfigProblem(subject, prefix + p.Name, p.Value.GetRawText(), $"is not a known key; allowed: {string.Join(", ", allowed)}"));
            }
        }

        if (prefix == "" && obj.TryGetProperty("modules", out var mods) && mods.ValueKind == JsonValueKind.Object)
        {
            CheckKeys(mods, "modules.", [], subject, problems);
        }
    }

    private static string? Field(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Show(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) ? v.GetRawText() : "nothing";

    private static string FirstSentence(string message)
    {
        var i = message.IndexOf(". ", StringComparison.Ordinal);
        return i > 0 ? message[..i] : message.TrimEnd('.');
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*\.zip$")]
    private static partial Regex ArtifactPattern();

    [GeneratedRegex("^[a-f0-9]{64}$")]
    private static partial Regex ShaPattern();
}
