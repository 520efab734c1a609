using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using RingCtl.Cli;
using RingCtl.Operations;
using RingCtl.Registry;
using RingInfra.Core.Config;
using Spectre.Console;

namespace RingCtl.Commands;

/// <summary><c>ring list | show | add | retire | set-default</c> (doc 000's ring:list, ring:show and its six-step runbook).</summary>
public static class RingCommands
{
    public static Command Build(CliContext context, GlobalOptions globals)
    {
        var ring = new Command("ring", "Rings of the registry");
        ring.Subcommands.Add(List(context, globals));
        ring.Subcommands.Add(Show(context, globals));
        ring.Subcommands.Add(Add(context, globals));
        ring.Subcommands.Add(Retire(context, globals));
        ring.Subcommands.Add(SetDefault(context, globals));
        ring.Subcommands.Add(Diff(context, globals));
        return ring;
    }

    private static Command List(CliContext context, GlobalOptions globals)
    {
        var command = new Command("list", "All rings with their tenant counts");
        command.SetAction(async (parse, ct) =>
        {
            await using var session = await RegistrySession.OpenAsync(parse, globals, context, ct).ConfigureAwait(false);
            IReadOnlyList<Registry.RingRecord> rings;
            using (RunProfile.Phase("query"))
            {
                rings = await session.Operations.Registry.ListRingsAsync(ct).ConfigureAwait(false);
            }

            using var output = RunProfile.Phase("output");
            if (parse.GetValue(globals.Json))
            {
                JsonOutput.Write(context, new JsonArray([.. rings.Select(r => (JsonNode?)RingJson(r))]));
                return ExitCodes.Ok;
            }

            var table = new TextTable("ring", "order", "namespace", "segment", "default", "active", "held", "tenants");
            foreach (var r in rings)
            {
                table.AddRow(r.Name, r.PromotionOrder.ToString(CultureInfo.InvariantCulture), r.K8sNamespace, r.HostnameSegment, r.IsDefault ? "yes" : "", r.IsActive ? "yes" : "retired",
                    r.Held ? "HELD" : "", r.TenantCount.ToString(CultureInfo.InvariantCulture));
            }

            table.Write(context);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show(CliContext context, GlobalOptions globals)
    {
        var name = new Argument<string>("ring") { Description = "The ring" };
        var tenants = new Option<bool>("--tenants") { Description = "List its tenants" };
        var modules = new Option<bool>("--modules") { Description = "List the module versions of its lock, with when each landed" };
        var command = new Command("show", "One ring in detail") { name, tenants, modules };
        command.SetAction(async (parse, ct) =>
        {
            await using var session = await RegistrySession.OpenAsync(parse, globals, context, ct).ConfigureAwait(false);
            var ops = session.Operations;
            var ring = await ops.Registry.FindRingAsync(parse.GetValue(name)!, ct).ConfigureAwait(false)
                ?? throw new CommandException(ExitCodes.Usage, $"ring: '{parse.GetValue(name)}' is not a ring of the registry");
            var data = RingJson(ring);
            // Its metric gates, and whether a Prometheus would judge them (the rollout runs verify --metrics when both are there).
            if (ops.TryLoadFleet(context.Err)?.Find(ring.Name) is { } def)
            {
                data["metricGates"] = JsonOutput.Strings(def.Config.Gates.Metrics.Select(g => $"{g.Name} ({g.Bound} per {RingConfigBinder.FormatDuration(g.Step)})"));
                data["prometheus"] = (ops.PrometheusUrl ?? def.Config.PrometheusUrl) is not null;
            }

            if (parse.GetValue(tenants))
            {
                data["tenants"] = JsonOutput.Strings((await ops.Registry.TenantsAsync(ring.Name, ct).ConfigureAwait(false)).Select(t => t.Tenant));
            }

            // The ring's own lock file, read alone: a problem elsewhere in the files does not hide it.
            var lockPath = LockFiles.PathOf(ops.Root, ring.Name);
            if (parse.GetValue(modules) && File.Exists(lockPath) && RingInfra.Core.Locks.ModuleLockParser.TryParse(await File.ReadAllTextAsync(lockPath, ct).ConfigureAwait(false), ring.Name, lockPath, []) is { } moduleLock)
            {
                var list = new JsonArray();
                foreach (var m in moduleLock.Modules)
                {
                    var landing = await ops.Registry.LandingAsync(ring.Name, m.Alias, ct).ConfigureAwait(false);
                    list.Add(new JsonObject { ["module"] = m.Alias, ["version"] = m.Version.ToString(), ["landedAt"] = landing?.LandedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) });
                }

                data["modules"] = list;
            }

            if (parse.GetValue(globals.Json))
            {
                JsonOutput.Write(context, data);
                return ExitCodes.Ok;
            }

            var table = new Table().HideHeaders().AddColumns("", "");
            foreach (var (k, v) in data.Where(p => p.Value is not JsonArray))
            {
                table.AddRow(k, Markup.Escape(v?.ToString() ?? "-"));
            }

            context.Console.Write(table);
            foreach (var t in data["tenants"]?.AsArray() ?? [])
            {
                context.Out.WriteLine($"tenant {t}");
            }

            foreach (var g in data["metricGates"]?.AsArray() ?? [])
            {
                context.Out.WriteLine($"metric gate {g}");
            }

            foreach (var m in data["modules"]?.AsArray() ?? [])
            {
                context.Out.WriteLine($"module {m!["module"]} {m["version"]} (landed {m["landedAt"]?.ToString() ?? "unknown"})");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Add(CliContext context, GlobalOptions globals)
    {
        var name = new Argument<string>("name") { Description = "The new ring's name (a DNS label)" };
        var order = new Option<int>("--order") { Description = "Promotion order (unique; 0 = most conservative)", Required = true };
        var segment = new Option<string>("--segment") { Description = "Hostname segment (*.<segment>.<domain>)", Required = true };
        var ns = new Option<string?>("--namespace") { Description = "Namespace (default: <shared namespace>-<name>)" };
        var from = new Option<string?>("--from") { Description = "Ring whose lock the new ring starts from (default: the default ring)" };
        var tier = new Option<string>("--tier") { Description = "dev, staging or production", DefaultValueFactory = _ => "dev" };
        var bake = new Option<string>("--bake-time") { Description = "Bake time (30m, 24h, 7d)", DefaultValueFactory = _ => "24h" };
        var display = new Option<string?>("--display-name") { Description = "Display name" };
        var description = new Option<string>("--description") { Description = "Description", DefaultValueFactory = _ => "" };
        var noUp = new Option<bool>("--no-up") { Description = "Register and write the files, but do not create the stack now" };
        var (yes, dryRun, reason, commit) = (CommonOptions.Yes(), CommonOptions.DryRun(), CommonOptions.Reason(), CommonOptions.Commit());
        var command = new Command("add", "Add a ring: registry row, lock from a source ring, stack file, stack created and updated") { name, order, segment, ns, from, tier, bake, display, description, noUp, yes, dryRun, reason, commit };
        command.SetAction(async (parse, ct) =>
        {
            // The input first (files only), then the registry.
            var ringName = parse.GetValue(name)!;
            if (!Names.IsDnsLabel(ringName))
            {
                throw new CommandException(ExitCodes.Usage, $"name: {Names.DnsLabelRule} (got {ringName})");
            }

            var fleet = FleetSession.Open(parse, globals, context, tenantsFromRegistry: true).Fleet;
            var tierText = parse.GetValue(tier)!;
            var newRing = new RingFileTemplate.NewRing(
                ringName,
                parse.GetValue(order),
                parse.GetValue(segment)!,
                parse.GetValue(ns) ?? $"{fleet.Shared.Namespace}-{ringName}",
                tierText switch { "dev" => Tier.Dev, "staging" => Tier.Staging, "production" => Tier.Production, _ => throw new CommandException(ExitCodes.Usage, $"--tier: must be one of dev, staging, production (got {tierText})") },
                RingConfigBinder.ParseDuration(parse.GetValue(bake)!) ?? throw new CommandException(ExitCodes.Usage, $"--bake-time: must be a duration such as 30m, 24h or 7d (got {parse.GetValue(bake)})"),
                parse.GetValue(display) ?? CultureInfo.InvariantCulture.TextInfo.ToTitleCase(ringName),
                parse.GetValue(description)!);
            await using var session = await RegistrySession.OpenAsync(parse, globals, context, ct).ConfigureAwait(false);
            var lifecycle = new RingLifecycle(session.Operations);
            var plan = lifecycle.PlanAdd(newRing, parse.GetValue(from));
            var runnerReady = session.Operations.Stacks is not Stacks.UnavailableStackRunner;
            var up = runnerReady && !parse.GetValue(noUp);
            var json = parse.GetValue(globals.Json);
            var summary = new JsonObject { ["ring"] = ringName, ["from"] = plan.SourceRing, ["files"] = JsonOutput.Strings([plan.StackFile, plan.LockFile]), ["stackUpdated"] = up, ["dryRun"] = parse.GetValue(dryRun) };
            if (parse.GetValue(dryRun))
            {
                var decision = await lifecycle.DecideAddAsync(plan, ct).ConfigureAwait(false);
                if (!decision.Allowed)
                {
                    throw ChangeGuard.Refusal($"ring add {ringName}", decision);
                }

                TenantCommands.Report(context, json, summary, $"would add ring {ringName} (order {newRing.Order}, *.{newRing.Segment}, namespace {newRing.Namespace}) from {plan.SourceRing}'s lock: writes {plan.StackFile}, {plan.LockFile}{(up ? ", then creates and updates its stack" : "")}");
                return ExitCodes.Ok;
            }

            var written = RepositoryChanges.Begin(session.Root, parse.GetValue(commit));
            Confirmation.Require(context, $"add ring {ringName}?", parse.GetValue(yes));
            var id = await lifecycle.AddAsync(plan, up, parse.GetValue(reason)!, ct).ConfigureAwait(false);
            summary["operation"] = id;
            var note = up ? "stack created and updated" : runnerReady ? "stack not created (--no-up): run `ringctl up " + ringName + "`"
                : $"stack not created ({((Stacks.UnavailableStackRunner)session.Operations.Stacks).Reason}): run `ringctl up {ringName}` where Pulumi is installed";
            TenantCommands.Done(context, json, summary, $"ring {ringName} added (operation #{id}): registry row, {plan.LockFile} (from {plan.SourceRing}), {plan.StackFile}; {note}",
                written, $"ring(add): {ringName}", session.Operations.Actor);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Retire(CliContext context, GlobalOptions globals)
    {
        var name = new Argument<string>("ring") { Description = "The ring to retire" };
        var (yes, reason, dryRun) = (CommonOptions.Yes(), CommonOptions.Reason(), CommonOptions.DryRun());
        var commit = CommonOptions.Commit();
        var command = new Command("retire", "Retire a ring: destroy and remove its stack, delete its stack file and lock, mark it retired (refused while it has tenants or is the default)") { name, yes, reason, dryRun, commit };
        command.SetAction(async (parse, ct) =>
        {
            await using var session = await RegistrySession.OpenAsync(parse, globals, context, ct).ConfigureAwait(false);
            var ring = parse.GetValue(name)!;
            var lifecycle = new RingLifecycle(session.Operations);
            await lifecycle.PlanRetireAsync(ring, ct).ConfigureAwait(false);
            var files = RingLifecycle.RetiredFiles(ring);
            var data = new JsonObject { ["ring"] = ring, ["files"] = JsonOutput.Strings(files), ["dryRun"] = parse.GetValue(dryRun) };
            if (parse.GetValue(dryRun))
            {
                TenantCommands.Report(context, parse.GetValue(globals.Json), data, $"would destroy and remove the stack {ring}, delete {string.Join(" and ", files)}, and mark {ring} retired in the registry (its history is kept)");
                return ExitCodes.Ok;
            }

            var written = RepositoryChanges.Begin(session.Root, parse.GetValue(commit));
            Confirmation.Require(context, $"retire ring {ring} (its stack is destroyed)?", parse.GetValue(yes));
            var id = await lifecycle.RetireAsync(ring, parse.GetValue(reason)!, ct).ConfigureAwait(false);
            data["operation"] = id;
            TenantCommands.Done(context, parse.GetValue(globals.Json), data, $"ring {ring} retired (operation #{id}): stack destroyed and removed, {string.Join(" and ", files)} deleted",
                written, $"ring(retire): {ring}", session.Operations.Actor);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command SetDefault(CliContext context, GlobalOptions globals)
    {
        var name = new Argument<string>("ring") { Description = "The ring that becomes the default" };
        var (yes, reason, dryRun) = (CommonOptions.Yes(), CommonOptions.Reason(), CommonOptions.DryRun());
        var commit = CommonOptions.Commit();
        var command = new Command("set-default", "Make a ring the default: new tenants land there and it serves *.<domain>; both rings' stacks are updated") { name, yes, reason, dryRun, commit };
        command.SetAction(async (parse, ct) =>
        {
            await using var session = await RegistrySession.OpenAsync(parse, globals, context, ct).ConfigureAwait(false);
            var ring = parse.GetValue(name)!;
            var lifecycle = new RingLifecycle(session.Operations);
            var (from, _) = await lifecycle.PlanSetDefaultAsync(ring, ct).ConfigureAwait(false);
            var data = new JsonObject { ["ring"] = ring, ["from"] = from, ["dryRun"] = parse.GetValue(dryRun) };
            if (parse.GetValue(dryRun))
            {
                TenantCommands.Report(context, parse.GetValue(globals.Json), data, $"would make {ring} the default instead of {from}: the registry flag, then {ring}'s stack (takes *.<domain>), then {from}'s");
                return ExitCodes.Ok;
            }

            var written = RepositoryChanges.Begin(session.Root, parse.GetValue(commit));
            Confirmation.Require(context, $"make {ring} the default ring instead of {from}?", parse.GetValue(yes));
            var (id, _) = await lifecycle.SetDefaultAsync(ring, parse.GetValue(reason)!, ct).ConfigureAwait(false);
            data["operation"] = id;
            TenantCommands.Done(context, parse.GetValue(globals.Json), data, $"{ring} is the default ring (operation #{id}); {from} no longer is",
                written, $"ring(default): {ring}", session.Operations.Actor);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static JsonObject RingJson(RingRecord r) => new()
    {
        ["name"] = r.Name,
        ["displayName"] = r.DisplayName,
        ["description"] = r.Description,
        ["promotionOrder"] = r.PromotionOrder,
        ["namespace"] = r.K8sNamespace,
        ["service"] = r.K8sService,
        ["hostnameSegment"] = r.HostnameSegment,
        ["manifestPath"] = r.ManifestPath,
        ["default"] = r.IsDefault,
        ["active"] = r.IsActive,
        ["held"] = r.Held,
        ["heldReason"] = r.HeldReason,
        ["tenantCount"] = r.TenantCount,
    };

    /// <summary><c>ring diff A B [--json]</c>: modules, env vars, feature flags and workload settings that differ (Core's <see cref="RingInfra.Core.Diff.RingDiff"/>).</summary>
    private static Command Diff(CliContext context, GlobalOptions globals)
    {
        var left = new Argument<string>("a") { Description = "A ring" };
        var right = new Argument<string>("b") { Description = "Another ring" };
        var command = new Command("diff", "What differs between two rings: module versions and artifacts, env vars, feature flags, workload settings") { left, right };
        command.SetAction(parse =>
        {
            var session = FleetSession.Open(parse, globals, context);
            var (a, b) = (parse.GetValue(left)!, parse.GetValue(right)!);
            var rings = session.Select([a, b], all: false, defaultAll: false);
            var differences = RingInfra.Core.Diff.RingDiff.Compare(rings.Single(r => r.Name == a), rings.Single(r => r.Name == b));
            if (parse.GetValue(globals.Json))
            {
                JsonOutput.Write(context, new JsonObject
                {
                    ["a"] = a,
                    ["b"] = b,
                    ["differences"] = new JsonArray([.. differences.Select(d => (JsonNode?)new JsonObject { ["section"] = d.Section, ["key"] = d.Key, [a] = d.Left, [b] = d.Right })]),
                });
            }
            else
            {
                var width = Math.Max(3, differences.Select(d => d.Section.Length + 1 + d.Key.Length).DefaultIfEmpty(0).Max());
                var column = Math.Max(a.Length, differences.Select(d => (d.Left ?? "-").Length).DefaultIfEmpty(0).Max());
                context.Out.WriteLine($"{"".PadRight(width)}  {a.PadRight(column)}  {b}");
                foreach (var d in differences)
                {
                    context.Out.WriteLine($"{(d.Section + " " + d.Key).PadRight(width)}  {(d.Left ?? "-").PadRight(column)}  {d.Right ?? "-"}");
                }

                context.Err.WriteLine($"ring diff {a} {b}: {differences.Count} difference(s)");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
