using System.CommandLine;
using System.Text.Json.Nodes;
using RingCtl.Cli;
using RingInfra.Core.Kube;
using RingInfra.Core.Policies;

namespace RingCtl.Commands;

/// <summary>
/// <c>ringctl lint [&lt;ring&gt;… | --all]</c> runs every policy on the rendered rings;
/// <c>ringctl lint --manifests PATH…</c> runs PSA restricted on any workload YAML (files or folders).
/// One line per violation; exit 3 when there is any.
/// </summary>
public static class LintCommand
{
    public static Command Build(CliContext context, GlobalOptions globals)
    {
        var rings = RingArgument.Create("Rings to lint (default: all)");
        var all = new Option<bool>("--all") { Description = "Lint every ring" };
        var manifests = new Option<string[]>("--manifests") { Description = "Lint these YAML files or folders (Pod, Deployment, StatefulSet, DaemonSet, Job, CronJob…) against PSA restricted", AllowMultipleArgumentsPerToken = true };
        var command = new Command("lint", "Check rendered rings (or any workload manifests) against the policies") { rings, all, manifests };
        command.SetAction(parse =>
        {
            var json = parse.GetValue(globals.Json);
            if (parse.GetValue(manifests) is { Length: > 0 } paths)
            {
                if ((parse.GetValue(rings) ?? []).Length > 0 || parse.GetValue(all))
                {
                    throw new CommandException(ExitCodes.Usage, "--manifests: cannot be combined with ring names or --all");
                }

                return LintManifests(context, paths, json);
            }

            var session = FleetSession.Open(parse, globals, context);
            if (parse.GetValue(rings) is ["shared"])
            {
                return LintShared(context, session, json);
            }

            var (targets, violations) = session.RenderAndCheck(session.Select(parse.GetValue(rings) ?? [], parse.GetValue(all), defaultAll: true));
            var objects = targets.Sum(r => r.Objects.Count);
            if (json)
            {
                JsonOutput.Write(context, new JsonObject
                {
                    ["rings"] = JsonOutput.Strings(targets.Select(t => t.Ring)),
                    ["objects"] = objects,
                    ["violations"] = JsonOutput.Violations(violations),
                });
            }
            else
            {
                foreach (var v in violations)
                {
                    context.Out.WriteLine(v.Message);
                }

                context.Err.WriteLine($"lint: {RingCount(targets)}, {objects} objects, {violations.Count} violation(s)");
            }

            return violations.Count == 0 ? ExitCodes.Ok : ExitCodes.PolicyViolation;
        });
        return command;
    }

    /// <summary><c>lint shared</c>: PSA restricted on the services the shared stack deploys, its policies against every ring's pods.</summary>
    private static int LintShared(CliContext context, FleetSession session, bool json)
    {
        var objects = RingInfra.Core.Rendering.SharedRenderer.Objects(session.Fleet.Shared);
        var violations = PolicySuite.CheckShared(session.Fleet.Shared, RingInfra.Core.Rendering.RingRenderer.RenderAll(session.Fleet));
        if (json)
        {
            JsonOutput.Write(context, new JsonObject { ["objects"] = objects.Count, ["violations"] = JsonOutput.Violations(violations) });
        }
        else
        {
            foreach (var v in violations)
            {
                context.Out.WriteLine(v.Message);
            }

            context.Err.WriteLine($"lint shared: {objects.Count} objects, {violations.Count} violation(s)");
        }

        return violations.Count == 0 ? ExitCodes.Ok : ExitCodes.PolicyViolation;
    }

    private static int LintManifests(CliContext context, string[] paths, bool json)
    {
        var files = ManifestFiles.Expand(paths, context.WorkingDirectory);
        var results = new JsonArray();
        var total = 0;
        var workloads = 0;
        foreach (var file in files)
        {
            IReadOnlyList<JsonNode?> docs;
            try
            {
                docs = Yaml.ParseDocuments(File.ReadAllText(file), file);
            }
            catch (YamlFormatException e)
            {
                throw new CommandException(ExitCodes.Usage, e.Message);
            }

            var violations = docs.OfType<JsonObject>().SelectMany(PodSecurity.CheckRestricted).ToList();
            var fileWorkloads = docs.OfType<JsonObject>().Count(d => PodTemplate.Of(d) is not null);
            workloads += fileWorkloads;
            total += violations.Count;
            var shown = Path.GetRelativePath(context.WorkingDirectory, file);
            results.Add(new JsonObject { ["file"] = shown, ["workloads"] = fileWorkloads, ["violations"] = JsonOutput.Violations(violations) });
            if (!json)
            {
                foreach (var v in violations)
                {
                    context.Out.WriteLine($"{shown}: {v.Message}");
                }
            }
        }

        if (json)
        {
            JsonOutput.Write(context, new JsonObject { ["files"] = results, ["workloads"] = workloads, ["violations"] = total });
        }
        else
        {
            context.Err.WriteLine($"lint: {files.Count} file(s), {workloads} workload(s), {total} violation(s)");
        }

        return total == 0 ? ExitCodes.Ok : ExitCodes.PolicyViolation;
    }

    /// <summary><c>3 ring(s)</c>, or with clusters <c>3 ring(s) in 7 cluster render(s)</c> (each cluster of a ring is rendered and judged on its own).</summary>
    internal static string RingCount(IReadOnlyList<RingInfra.Core.Rendering.RenderedRing> renders)
    {
        var rings = renders.Select(r => r.Ring).Distinct(StringComparer.Ordinal).Count();
        return rings == renders.Count ? $"{rings} ring(s)" : $"{rings} ring(s) in {renders.Count} cluster render(s)";
    }
}
