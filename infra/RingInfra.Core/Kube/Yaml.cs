using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace RingInfra.Core.Kube;

/// <summary>
/// Converts between YAML text and the JSON node trees Core works on. Reading resolves plain scalars
/// the way YAML 1.2's core schema does (booleans, integers, floats, null); writing is deterministic
/// block-style YAML: the same tree always gives the same bytes.
/// </summary>
public static partial class Yaml
{
    /// <summary>The most characters a YAML text may have (a ring file is a few KiB; a 50,000-tenant fleet's largest file is far below).</summary>
    public const int MaxChars = 4 * 1024 * 1024;

    /// <summary>The deepest nesting of maps and lists.</summary>
    public const int MaxDepth = 64;

    /// <summary>The most nodes (scalars, maps, lists) a text may hold.</summary>
    public const int MaxNodes = 500_000;

    /// <summary>Parses every document of a YAML stream; empty documents are dropped.</summary>
    /// <exception cref="YamlFormatException">
    /// The text is not valid YAML, uses anchors or aliases (an alias bomb expands a few hundred bytes into
    /// gigabytes, a self-referencing alias recurses without end), or exceeds the size, depth or node limits.
    /// </exception>
    public static IReadOnlyList<JsonNode?> ParseDocuments(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        CheckLimits(text, source);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new YamlFormatException(source, e.Start.Line, e.Start.Column, e.Message, e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner gives up this way on some malformed flow collections; it knows no position.
            throw new YamlFormatException(source, 0, 0, "malformed YAML (an unclosed '[' or '{'?)", e);
        }

        var docs = new List<JsonNode?>();
        foreach (var doc in stream.Documents)
        {
            if (doc.RootNode is YamlScalarNode { Value: null or "" } s && s.Style == ScalarStyle.Plain)
            {
                continue;
            }

            docs.Add(ToJson(doc.RootNode, source));
        }

        return docs;
    }

    /// <summary>One pass over the parser's events, before anything is built: no anchor, no alias, bounded size.</summary>
    private static void CheckLimits(string text, string source)
    {
        if (text.Length > MaxChars)
        {
            throw new YamlFormatException(source, 0, 0, $"the file has {text.Length} characters; at most {MaxChars} are read");
        }

        var parser = new YamlDotNet.Core.Parser(new StringReader(text));
        var depth = 0;
        var nodes = 0;
        try
        {
            while (parser.MoveNext())
            {
                var e = parser.Current!;
                switch (e)
                {
                    case YamlDotNet.Core.Events.AnchorAlias alias:
                        throw new YamlFormatException(source, alias.Start.Line, alias.Start.Column, $"uses the alias *{alias.Value}: anchors and aliases are not allowed");
                    case YamlDotNet.Core.Events.NodeEvent node when !node.Anchor.IsEmpty:
                        throw new YamlFormatException(source, node.Start.Line, node.Start.Column, $"defines the anchor &{node.Anchor.Value}: anchors and aliases are not allowed");
                    case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart when ++depth > MaxDepth:
                        throw new YamlFormatException(source, e.Start.Line, e.Start.Column, $"nests deeper than {MaxDepth} levels");
                    case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                        depth--;
                        break;
                }

                if (e is YamlDotNet.Core.Events.NodeEvent && ++nodes > MaxNodes)
                {
                    throw new YamlFormatException(source, e.Start.Line, e.Start.Column, $"holds more than {MaxNodes} nodes");
                }
            }
        }
        catch (YamlException ex)
        {
            throw new YamlFormatException(source, ex.Start.Line, ex.Start.Column, ex.Message, ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new YamlFormatException(source, 0, 0, "malformed YAML (an unclosed '[' or '{'?)", ex);
        }
    }

    /// <summary>Parses a single-document YAML text (an empty text gives an empty object).</summary>
    public static JsonNode? ParseDocument(string text, string source)
    {
        var docs = ParseDocuments(text, source);
        return docs.Count switch
        {
            0 => new JsonObject(),
            1 => docs[0],
            _ => throw new YamlFormatException(source, 1, 1, $"expected one YAML document, found {docs.Count}"),
        };
    }

    private static JsonNode? ToJson(YamlNode node, string source)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (k, v) in map.Children)
                {
                    // YamlDotNet already refuses duplicate keys while loading.
                    obj[((YamlScalarNode)k).Value ?? ""] = ToJson(v, source);
                }

                return obj;
            case YamlSequenceNode seq:
                var arr = new JsonArray();
                foreach (var item in seq.Children)
                {
                    arr.Add(ToJson(item, source));
                }

                return arr;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new YamlFormatException(source, node.Start.Line, node.Start.Column, "unsupported YAML node");
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var v = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(v);
        }

        if (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value == "tag:yaml.org,2002:str")
        {
            return JsonValue.Create(v);
        }

        switch (v)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return JsonValue.Create(l);
        }

        if (LooksLikeFloat(v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return JsonValue.Create(d);
        }

        return JsonValue.Create(v);
    }

    private static bool LooksLikeFloat(string v) =>
        v.Length > 0 && (char.IsDigit(v[0]) || v[0] is '-' or '+' or '.') && v.Any(char.IsDigit) && v.All(c => char.IsDigit(c) || c is '.' or 'e' or 'E' or '-' or '+');

    /// <summary>Writes one node as a YAML document (no leading <c>---</c>).</summary>
    public static string Write(JsonNode? node)
    {
        var sb = new StringBuilder(256);
        Write(sb, node);
        return sb.ToString();
    }

    /// <summary>Appends one node as a YAML document (no leading <c>---</c>) to <paramref name="sb"/>.</summary>
    public static void Write(StringBuilder sb, JsonNode? node)
    {
        ArgumentNullException.ThrowIfNull(sb);
        WriteBlock(sb, node, 0, indentFirst: true);
    }

    /// <summary>Writes several nodes as one YAML stream, separated by <c>---</c>.</summary>
    public static string WriteAll(IEnumerable<JsonNode?> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var sb = new StringBuilder(4096);
        var first = true;
        foreach (var node in nodes)
        {
            if (!first)
            {
                sb.Append("---\n");
            }

            first = false;
            Write(sb, node);
        }

        return sb.ToString();
    }

    /// <summary>Appends <paramref name="node"/> at <paramref name="indent"/> spaces.</summary>
    /// <param name="sb">Where the text goes.</param>
    /// <param name="node">The node.</param>
    /// <param name="indent">The indentation of its lines.</param>
    /// <param name="indentFirst">False when the first line continues a list item's <c>- </c> (its first key shares the dash's line).</param>
    private static void WriteBlock(StringBuilder sb, JsonNode? node, int indent, bool indentFirst)
    {
        switch (node)
        {
            case JsonObject obj when obj.Count > 0:
                foreach (var (key, value) in obj)
                {
                    if (indentFirst)
                    {
                        sb.Append(' ', indent);
                    }

                    indentFirst = true;
                    AppendScalar(sb, key).Append(':');
                    WriteValueAfterKey(sb, value, indent);
                }

                break;
            case JsonArray arr when arr.Count > 0:
                foreach (var item in arr)
                {
                    if (indentFirst)
                    {
                        sb.Append(' ', indent);
                    }

                    indentFirst = true;
                    sb.Append('-');
                    WriteValueAfterDash(sb, item, indent);
                }

                break;
            default:
                if (indentFirst)
                {
                    sb.Append(' ', indent);
                }

                AppendInline(sb, node).Append('\n');
                break;
        }
    }

    private static void WriteValueAfterKey(StringBuilder sb, JsonNode? value, int indent)
    {
        switch (value)
        {
            case JsonObject o when o.Count > 0:
                sb.Append('\n');
                WriteBlock(sb, o, indent + 2, indentFirst: true);
                break;
            case JsonArray a when a.Count > 0:
                sb.Append('\n');
                WriteBlock(sb, a, indent, indentFirst: true);
                break;
            case JsonValue v when v.TryGetValue<string>(out var s) && s.Contains('\n', StringComparison.Ordinal):
                WriteLiteral(sb, s, indent + 2);
                break;
            default:
                AppendInline(sb.Append(' '), value).Append('\n');
                break;
        }
    }

    private static void WriteValueAfterDash(StringBuilder sb, JsonNode? item, int indent)
    {
        switch (item)
        {
            case JsonObject o when o.Count > 0:
                // The first key shares the dash's line; the others align under it.
                sb.Append(' ');
                WriteBlock(sb, o, indent + 2, indentFirst: false);
                break;
            case JsonArray a when a.Count > 0:
                sb.Append('\n');
                WriteBlock(sb, a, indent + 2, indentFirst: true);
                break;
            case JsonValue v when v.TryGetValue<string>(out var s) && s.Contains('\n', StringComparison.Ordinal):
                WriteLiteral(sb, s, indent + 2);
                break;
            default:
                AppendInline(sb.Append(' '), item).Append('\n');
                break;
        }
    }

    private static void WriteLiteral(StringBuilder sb, string s, int indent)
    {
        var keep = s.EndsWith('\n') ? "" : "-";
        var body = s.EndsWith('\n') ? s[..^1] : s;
        if (body.StartsWith(' ') || body.Contains('\r', StringComparison.Ordinal) || body.EndsWith('\n'))
        {
            // Block scalars cannot carry these faithfully; a quoted scalar can.
            sb.Append(' ').Append(Quote(s)).Append('\n');
            return;
        }

        sb.Append(" |").Append(keep).Append('\n');
        foreach (var line in body.Split('\n'))
        {
            if (line.Length > 0)
            {
                sb.Append(' ', indent).Append(line);
            }

            sb.Append('\n');
        }
    }

    private static StringBuilder AppendInline(StringBuilder sb, JsonNode? node) => node switch
    {
        null => sb.Append("null"),
        JsonObject => sb.Append("{}"),
        JsonArray => sb.Append("[]"),
        JsonValue v when v.TryGetValue<bool>(out var b) => sb.Append(b ? "true" : "false"),
        JsonValue v when v.TryGetValue<string>(out var s) => AppendScalar(sb, s),
        _ => sb.Append(node.ToJsonString()),
    };

    private static StringBuilder AppendScalar(StringBuilder sb, string s) => IsSafePlain(s) ? sb.Append(s) : sb.Append(Quote(s));

    /// <summary>A string as a YAML scalar: plain when that reads back as the same string, quoted otherwise.</summary>
    public static string ScalarText(string s) => IsSafePlain(s) ? s : Quote(s);

    private static string Quote(string s) => JsonValue.Create(s)!.ToJsonString(JsonOptions.Relaxed);

    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    };

    private static bool IsSafePlain(string s)
    {
        if (s.Length == 0 || !(char.IsAsciiLetterOrDigit(s[0]) || s[0] is '/' or '_') || s.EndsWith(':') || Reserved.Contains(s))
        {
            return false;
        }

        // Only a text starting with a digit (or '.', refused above) can read as a number or a timestamp.
        if (char.IsAsciiDigit(s[0]) && (NumberLike().IsMatch(s) || TimestampLike().IsMatch(s)))
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or '@' or '+' or ':' or '='))
            {
                return false;
            }
        }

        return true;
    }

    // Anything a YAML 1.1 or 1.2 reader could take for a number (incl. hex, octal, sexagesimal, .inf).
    [System.Text.RegularExpressions.GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9][0-9_:]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+|0[bB][01_]+|\.(inf|Inf|INF|nan|NaN|NAN))$")]
    private static partial System.Text.RegularExpressions.Regex NumberLike();

    [System.Text.RegularExpressions.GeneratedRegex(@"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")]
    private static partial System.Text.RegularExpressions.Regex TimestampLike();
}
