using System.Text.Json.Nodes;
using RingInfra.Core.Kube;

namespace RingInfra.Core.Config;

/// <summary>
/// Edits a Pulumi stack file as text: one key of <c>config:</c> is replaced (or added) and every other
/// line — comments, order, other keys — is kept. Values are written as structured YAML with every
/// string that could read back as something else quoted, so a tenant named <c>007</c> or <c>123</c>
/// stays a string for the engine too. (<c>pulumi config set --path</c> would store <c>123</c> as an
/// integer and <c>true</c> as a boolean: pulumi/pulumi's <c>adjustObjectValue</c>.)
/// </summary>
public static class StackFileEditor
{
    private const string ConfigSection = "config";

    /// <summary>The stack file with <paramref name="key"/> (full key, e.g. <c>ring-infra:tenants</c>) set to <paramref name="value"/>.</summary>
    public static string SetConfig(string text, string key, JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = Lines(text);
        var section = FindTopLevel(lines, ConfigSection);
        if (section < 0)
        {
            lines.Add(ConfigSection + ":");
            section = lines.Count - 1;
        }
        else if (lines[section].TrimEnd() is var head && head != ConfigSection + ":" && head.StartsWith(ConfigSection + ": {}", StringComparison.Ordinal))
        {
            lines[section] = ConfigSection + ":";
        }

        var end = BlockEnd(lines, section, 0);
        var indent = ChildIndent(lines, section + 1, end);
        var entry = Entry(key, value).Select(l => new string(' ', indent) + l).ToList();

        var at = FindChild(lines, section + 1, end, indent, key);
        if (at < 0)
        {
            lines.InsertRange(LastContent(lines, section, end) + 1, entry);
        }
        else
        {
            var entryEnd = BlockEnd(lines, at, indent);
            lines.RemoveRange(at, entryEnd - at);
            lines.InsertRange(at, entry);
        }

        return Join(lines);
    }

    /// <summary>The stack file without the top-level <paramref name="key"/> (e.g. <c>encryptionsalt</c>) and its block.</summary>
    public static string RemoveTopLevel(string text, string key)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = Lines(text);
        var at = FindTopLevel(lines, key);
        if (at < 0)
        {
            return text;
        }

        lines.RemoveRange(at, BlockEnd(lines, at, 0) - at);
        return Join(lines);
    }

    /// <summary>Whether the stack file has the top-level <paramref name="key"/>.</summary>
    public static bool HasTopLevel(string text, string key) => FindTopLevel(Lines(text ?? ""), key) >= 0;

    /// <summary>
    /// The entry's lines; a list of scalars puts its items under the key (<c>key:\n  - a</c>), as the stack
    /// files and the CLI write them, so replacing a list changes only the items that changed.
    /// </summary>
    private static IEnumerable<string> Entry(string key, JsonNode? value)
    {
        if (value is JsonArray { Count: > 0 } list && list.All(i => i is JsonValue))
        {
            return [Yaml.ScalarText(key) + ":", .. list.Select(i => "  - " + Yaml.Write(i).TrimEnd('\n'))];
        }

        return Yaml.Write(new JsonObject { [key] = value?.DeepClone() }).TrimEnd('\n').Split('\n');
    }

    private static List<string> Lines(string text)
    {
        var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        var lines = normalized.Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines;
    }

    private static string Join(List<string> lines) => string.Join('\n', lines) + "\n";

    private static int Indent(string line) => line.Length - line.TrimStart(' ').Length;

    private static bool IsContent(string line) => line.Trim().Length > 0 && !line.TrimStart().StartsWith('#');

    private static bool StartsKey(string line, int indent, string key)
    {
        if (Indent(line) != indent)
        {
            return false;
        }

        var rest = line[indent..];
        return rest.StartsWith(key + ":", StringComparison.Ordinal)
            || rest.StartsWith($"\"{key}\":", StringComparison.Ordinal)
            || rest.StartsWith($"'{key}':", StringComparison.Ordinal);
    }

    private static int FindTopLevel(List<string> lines, string key) => lines.FindIndex(l => StartsKey(l, 0, key));

    private static int FindChild(List<string> lines, int from, int to, int indent, string key)
    {
        for (var i = from; i < to; i++)
        {
            if (StartsKey(lines[i], indent, key))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// The line after the block that starts at <paramref name="start"/>: content lines indented deeper than
    /// <paramref name="indent"/>, or sequence items at that indent (YAML allows <c>key:\n- a</c>). Trailing
    /// comments and blank lines stay outside: they belong to what follows.
    /// </summary>
    private static int BlockEnd(List<string> lines, int start, int indent)
    {
        var last = start;
        for (var i = start + 1; i < lines.Count; i++)
        {
            var line = lines[i];
            if (!IsContent(line))
            {
                continue;
            }

            var deeper = Indent(line) > indent || (Indent(line) == indent && line[indent..].StartsWith("- ", StringComparison.Ordinal) && indent > 0);
            if (!deeper)
            {
                break;
            }

            last = i;
        }

        return last + 1;
    }

    private static int LastContent(List<string> lines, int from, int to)
    {
        for (var i = to - 1; i > from; i--)
        {
            if (IsContent(lines[i]))
            {
                return i;
            }
        }

        return from;
    }

    private static int ChildIndent(List<string> lines, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            if (IsContent(lines[i]))
            {
                return Indent(lines[i]);
            }
        }

        return 2;
    }
}
