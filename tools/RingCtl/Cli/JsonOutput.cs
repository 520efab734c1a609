using System.Text.Json.Nodes;
using RingInfra.Core.Kube;
using RingInfra.Core.Policies;

namespace RingCtl.Cli;

/// <summary>Writes --json results: one indented JSON document on stdout.</summary>
public static class JsonOutput
{
    public static void Write(CliContext context, JsonNode node) =>
        context.Out.WriteLine(node.ToJsonString(JsonOptions.Indented));

    public static JsonArray Violations(IEnumerable<Violation> violations) =>
        new([.. violations.Select(v => (JsonNode?)new JsonObject
        {
            ["object"] = v.Object,
            ["path"] = v.Path,
            ["value"] = v.Value,
            ["rule"] = v.Rule,
            ["requirement"] = v.Requirement,
            ["message"] = v.Message,
        })]);

    public static JsonArray Strings(IEnumerable<string> items) => new([.. items.Select(i => (JsonNode?)JsonValue.Create(i))]);
}
