using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using RingCtl.Cli;
using RingInfra.Core.Config;
using RingInfra.Core.Policies;
using RingInfra.Core.Rendering;
using Spectre.Console;

namespace RingCtl.Commands;

/// <summary>
/// <c>ringctl plan [&lt;ring&gt;… | --all]</c>: render + lint + a summary per ring (objects by kind, memory,
/// hostnames, modules, tenants). Works without Pulumi; exit 3 when a policy fails.
/// </summary>
public static class PlanCommand
{
    public static Command Build(CliContext context, GlobalOptions globals)
    {
        var rings = RingArgument.Create("Rings to plan (default: all)");
        var all = new Option<bool>("--all") { Description = "Plan every ring" };
        var command = new Command("plan", "Render and lint rings and summarize what each would run; `plan shared` checks the shared stack's namespace and policies") { rings, all };
        command.SetAction(parse =>
        {
            var session = FleetSession.Open(parse, globals, context);
            if (parse.GetValue(rings) is ["shared"])
            {
                return PlanShared(context, parse.GetValue(globals.Json), session);
            }

            var (targets, violations) = session.RenderAndCheck(session.Select(parse.GetValue(rings) ?? [], parse.GetValue(all), defaultAll: true));
            if (parse.GetValue(globals.Json))
            {
                JsonOutput.Write(context, new JsonObject
                {
                    ["rings"] = new JsonArray([.. targets.Select(t => (JsonNode?)Summary(t))]),
                    ["violations"] = JsonOutput.Violations(violations),
                });
            }
            else
            {
                using (RunProfile.Phase("output"))
                {
                    foreach (var ring in targets)
                    {
                        context.Console.Write(Table(ring, violations.Count(v => ring.Objects.Any(o => o.Id == v.Object))));
                    }
                }

                foreach (var v in violations)
                {
                    context.Out.WriteLine(v.Message);
                }

                context.Err.WriteLine($"plan: {LintCommand.RingCount(targets)}, {targets.Sum(t => t.Objects.Count)} objects, {violations.Count} violation(s)");
            }

            return violations.Count == 0 ? ExitCodes.Ok : ExitCodes.PolicyViolation;
        });
        return command;
    }

    /// <summary>
    /// The shared stack's own objects: its namespace's Pod Security enforce level against what the shared services
    /// pass (warnings: a refused pod shows only at its next restart), and its policies against every ring's pods.
    /// </summary>
    private static int PlanShared(CliContext context, bool json, FleetSession session)
    {
        var facts = session.Fleet.Shared;
        var policies = SharedRenderer.IngressPolicies(facts);
        var violations = PolicySuite.CheckShared(facts, RingRenderer.RenderAll(session.Fleet));
        var managed = facts.Services.Where(s => s.Managed).ToList();
        var warnings = RingInfra.Core.Shared.SharedPodSecurity.Warnings(facts);
        if (json)
        {
            JsonOutput.Write(context, new JsonObject
            {
                ["namespace"] = facts.Namespace,
                ["enforce"] = facts.NamespacePodSecurity,
                ["policies"] = JsonOutput.Strings(policies.Select(p => p.Name)),
                ["managed"] = JsonOutput.Strings(managed.Select(s => s.Name)),
                ["external"] = JsonOutput.Strings(facts.Services.Where(s => !s.Managed).Select(s => s.Name)),
                ["warnings"] = JsonOutput.Strings(warnings),
                ["violations"] = JsonOutput.Violations(violations),
            });
        }
        else
        {
            var table = new Table().Title("shared stack").AddColumns("", "").HideHeaders();
            table.AddRow("namespace", $"{facts.Namespace} (enforces {facts.NamespacePodSecurity}; audit and warn restricted)");
            table.AddRow("managed", managed.Count == 0 ? "-" : Markup.Escape(string.Join(", ", managed.Select(s => ManagedKindIsStateful(s.Name) ? $"{s.Name} ({s.StorageSize}{(s.StorageClass is { } sc ? ", " + sc : "")})" : s.Name))));
            table.AddRow("external", string.Join(", ", facts.Services.Where(s => !s.Managed).Select(s => s.Name)));
            table.AddRow("policies", string.Join(", ", policies.Select(p => p.Name)));
            context.Console.Write(table);
            foreach (var w in warnings)
            {
                context.Err.WriteLine($"warning: {w}");
            }

            foreach (var v in violations)
            {
                context.Out.WriteLine(v.Message);
            }

            context.Err.WriteLine($"plan shared: {policies.Count} policies, {warnings.Count} warning(s), {violations.Count} violation(s)");
        }

        return violations.Count == 0 ? ExitCodes.Ok : ExitCodes.PolicyViolation;
    }

    private static bool ManagedKindIsStateful(string name) => RingInfra.Core.Shared.ManagedServiceKind.Find(name)?.Stateful == true;

    private static Table Table(RenderedRing ring, int violations)
    {
        var c = ring.Config;
        var table = new Table().Title($"ring {ring.Ring}").AddColumns("", "").HideHeaders();
        table.AddRow("namespace", c.Namespace + (c.InSharedNamespace ? " (shared)" : ""));
        table.AddRow("tier / order", $"{c.Tier.ToString().ToLowerInvariant()} / {c.PromotionOrder.ToString(CultureInfo.InvariantCulture)}{(c.IsDefault ? " (default)" : "")}{(c.Protected ? " (protected)" : "")}");
        table.AddRow("modules", $"{ring.ModuleCount.ToString(CultureInfo.InvariantCulture)} ({ring.LockHash[..19]}…)");
        table.AddRow("tenants", ring.Tenants.Count == 0 ? "-" : Listed(ring.Tenants));
        table.AddRow("hostnames", Markup.Escape(Listed(ring.Hostnames)));
        foreach (var (kind, w) in ring.Workloads.OrderBy(w => w.Key))
        {
            var replicas = w.Settings.MaxReplicas is { } max ? $"{w.Settings.Replicas}-{max} (HPA)" : w.Settings.Replicas.ToString(CultureInfo.InvariantCulture);
            table.AddRow(RingLabels.Name(kind), $"{replicas} x {Quantity.FormatCpu(w.Settings.CpuMillis)} cpu, memory {Quantity.FormatMemory(w.MemoryRequestBytes)} / limit {Quantity.FormatMemory(w.MemoryLimitBytes)}");
        }

        table.AddRow("objects", string.Join(", ", ring.Objects.GroupBy(o => o.Kind).Select(g => $"{g.Key} {g.Count()}")));
        table.AddRow("violations", violations.ToString(CultureInfo.InvariantCulture));
        return table;
    }

    /// <summary>The most names a plan table lists (a ring with 500 tenants is a count, not a page of names; --json lists all).</summary>
    private const int ListedNames = 10;

    private static string Listed(IReadOnlyList<string> names) => names.Count <= ListedNames
        ? string.Join(", ", names)
        : string.Join(", ", names.Take(ListedNames)) + $", … ({names.Count.ToString(CultureInfo.InvariantCulture)} in all; plan --json lists every one)";

    private static JsonObject Summary(RenderedRing ring)
    {
        var workloads = new JsonObject();
        foreach (var (kind, w) in ring.Workloads.OrderBy(w => w.Key))
        {
            workloads[RingLabels.Name(kind)] = new JsonObject
            {
                ["replicas"] = w.Settings.Replicas,
                ["maxReplicas"] = w.Settings.MaxReplicas,
                ["cpu"] = Quantity.FormatCpu(w.Settings.CpuMillis),
                ["memoryRequest"] = Quantity.FormatMemory(w.MemoryRequestBytes),
                ["memoryLimit"] = Quantity.FormatMemory(w.MemoryLimitBytes),
            };
        }

        var kinds = new JsonObject();
        foreach (var g in ring.Objects.GroupBy(o => o.Kind))
        {
            kinds[g.Key] = g.Count();
        }

        return new JsonObject
        {
            ["ring"] = ring.Ring,
            ["namespace"] = ring.Namespace,
            ["tier"] = ring.Config.Tier.ToString().ToLowerInvariant(),
            ["promotionOrder"] = ring.Config.PromotionOrder,
            ["default"] = ring.Config.IsDefault,
            ["modules"] = ring.ModuleCount,
            ["lockHash"] = ring.LockHash,
            ["tenants"] = JsonOutput.Strings(ring.Tenants),
            ["hostnames"] = JsonOutput.Strings(ring.Hostnames),
            ["workloads"] = workloads,
            ["objects"] = kinds,
        };
    }
}
