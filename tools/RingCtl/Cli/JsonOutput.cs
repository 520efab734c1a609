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

    /// <summary>Refusals (or overridden gates) as <c>{gate, reason}</c>, the gate named as on the command line.</summary>
    public static JsonArray Gates(IEnumerable<RingInfra.Core.Promotion.GateRefusal> refusals) =>
        new([.. refusals.Select(r => (JsonNode?)new JsonObject { ["gate"] = RingInfra.Core.Promotion.GateTable.Name(r.Gate), ["reason"] = r.Reason })]);

    /// <summary>The verdicts as JSON: ring, gate, bound, passed, failure and every step.</summary>
    public static JsonArray Metrics(IEnumerable<RingInfra.Core.Metrics.MetricVerdict> verdicts) => new([.. verdicts.Select(v => (JsonNode?)new JsonObject
    {
        ["ring"] = v.Ring,
        ["gate"] = v.Gate.Name,
        ["bound"] = v.Gate.Bound,
        ["passed"] = v.Passed,
        ["failure"] = v.Failure,
        ["steps"] = new JsonArray([.. v.Steps.Select(s => (JsonNode?)new JsonObject { ["at"] = RingInfra.Core.Metrics.MetricJudge.When(s.At), ["value"] = s.Value, ["ok"] = s.Ok })]),
    })]);
}
