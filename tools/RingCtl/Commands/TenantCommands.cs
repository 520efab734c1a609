using System.CommandLine;
using System.Text.Json.Nodes;
using RingCtl.Cli;
using RingCtl.Operations;
using RingInfra.Core.Diff;
using RingInfra.Core.Fleet;

namespace RingCtl.Commands;

/// <summary><c>tenant assign &lt;tenant&gt; &lt;ring&gt;</c> (doc 000's ring:assign), <c>tenant move</c> (waves), <c>tenant add | remove</c> and <c>tenant show &lt;tenant&gt;</c>.</summary>
public static class TenantCommands
{
    public static Command Build(CliContext context, GlobalOptions globals)
    {
        var tenant = new Command("tenant", "Tenants and their ring");
        tenant.Subcommands.Add(Assign(context, globals));
        tenant.Subcommands.Add(TenantMoveCommand.Build(context, globals));
        tenant.Subcommands.Add(Add(context, globals));
        tenant.Subcommands.Add(Remove(context, globals));
        tenant.Subcommands.Add(Show(context, globals));
        return tenant;
    }

    private static Command Add(CliContext context, GlobalOptions globals)
    {
        var name = new Argument<string>("tenant") { Description = "The new tenant (a DNS label)" };
        var ring = new Option<string?>("--ring") { Description = "Its ring (default: the default ring)" };
        var (yes, reason, dryRun, commit) = (CommonOptions.Yes(), CommonOptions.Reason(), CommonOptions.DryRun(), CommonOptions.Commit());
        var command = new Command("add", "Onboard a tenant: registry, the shared stack's tenant list (its database and role), then its ring's stack") { name, ring, yes, reason, dryRun, commit };
        command.SetAction(async (parse, ct) =>
        {
            var tenant = parse.GetValue(name)!;
            if (!RingInfra.Core.Config.Names.IsTenantName(tenant))
            {
                throw new CommandException(ExitCodes.Usage, $"tenant: {RingInfra.Core.Config.Names.TenantNameRule} (got {tenant})");
            }

            await using var session = await RegistrySession.OpenAsync(parse, globals, context, ct).ConfigureAwait(false);
            var lifecycle = new TenantLifecycle(session.Operations);
            var target = await lifecycle.PlanAddAsync(tenant, parse.GetValue(ring), ct).ConfigureAwait(false);
            var json = parse.GetValue(globals.Json);
            var data = new JsonObject { ["tenant"] = tenant, ["ring"] = target, ["dryRun"] = parse.GetValue(dryRun) };
            if (parse.GetValue(dryRun))
            {
                Report(context, json, data, $"would add {tenant} to {target}: the shared stack's tenant list (its database and role), then {target}'s stack");
                return ExitCodes.Ok;
            }

            var changes = RepositoryChanges.Begin(session.Root, parse.GetValue(commit));
            Confirmation.Require(context, $"add tenant {tenant} to {target}?", parse.GetValue(yes));
            var id = await lifecycle.AddAsync(tenant, target, parse.GetValue(reason)!, ct).ConfigureAwait(false);
            data["operation"] = id;
            Done(context, json, data, $"tenant {tenant} added to {target} (operation #{id}): its database and role by the shared stack, its hosts on {target}",
                changes, $"tenant(add): {tenant}", session.Operations.Actor);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Remove(CliContext context, GlobalOptions globals)
    {
        var name = new Argument<string>("tenant") { Description = "The tenant to offboard" };
        var (yes, reason, dryRun, commit) = (CommonOptions.Yes(), CommonOptions.Reason(), CommonOptions.DryRun(), CommonOptions.Commit());
        reason.Description = "Why (required: offboarding is logged)";
        var command = new Command("remove", "Offboard a tenant: off its ring's Ingress; its database and role are kept") { name, yes, reason, dryRun, commit };
        command.SetAction(async (parse, ct) =>
        {
            var tenant = parse.GetValue(name)!;
            if (string.IsNullOrWhiteSpace(parse.GetValue(reason)))
            {
                throw new CommandException(ExitCodes.Usage, $"--reason: offboarding {tenant} needs a reason, for the operations log");
            }

            await using var session = await RegistrySession.OpenAsync(parse, globals, context, ct).ConfigureAwait(false);
            var lifecycle = new TenantLifecycle(session.Operations);
            var ring = await lifecycle.PlanRemoveAsync(tenant, parse.GetValue(reason)!, ct).ConfigureAwait(false);
            var json = parse.GetValue(globals.Json);
            var data = new JsonObject { ["tenant"] = tenant, ["ring"] = ring, ["dryRun"] = parse.GetValue(dryRun), ["databaseKept"] = true };
            if (parse.GetValue(dryRun))
            {
                Report(context, json, data, $"would take {tenant} off {ring}'s Ingress; {TenantLifecycle.DropAdvice(tenant)}");
                return ExitCodes.Ok;
            }

            var changes = RepositoryChanges.Begin(session.Root, parse.GetValue(commit));
            Confirmation.Require(context, $"remove tenant {tenant} from {ring}?", parse.GetValue(yes));
            var id = await lifecycle.RemoveAsync(tenant, ring, parse.GetValue(reason)!, ct).ConfigureAwait(false);
            data["operation"] = id;
            Done(context, json, data, $"tenant {tenant} removed from {ring} (operation #{id}); {TenantLifecycle.DropAdvice(tenant)}",
                changes, $"tenant(remove): {tenant}", session.Operations.Actor);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Assign(CliContext context, GlobalOptions globals)
    {
        var name = new Argument<string>("tenant") { Description = "The tenant to move" };
        var ring = new Argument<string?>("ring") { Description = "The ring to move it to (leave it out with --region)", Arity = ArgumentArity.ZeroOrOne };
        var region = new Option<string?>("--region") { Description = "Change the tenant's home region instead (a region of its ring's clusters, or 'none'): only the Ingresses of the clusters involved change" };
        var yes = CommonOptions.Yes();
        var reason = CommonOptions.Reason();
        var dryRun = CommonOptions.DryRun();
        var commit = CommonOptions.Commit();
        var command = new Command("assign", "Move a tenant to a ring (registry compare-and-set, then the target stack, then the source stack), or with --region change its home region") { name, ring, region, yes, reason, dryRun, commit };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(region) is { } home)
            {
                return await AssignRegionAsync(context, globals, parse, parse.GetValue(name)!, parse.GetValue(ring), TenantRegion.Parse(home),
                    (parse.GetValue(yes), parse.GetValue(reason)!, parse.GetValue(dryRun), parse.GetValue(commit)), ct).ConfigureAwait(false);
            }

            if (parse.GetValue(ring) is null)
            {
                throw new CommandException(ExitCodes.Usage, "tenant assign: give the ring to move the tenant to, or --region to change its home region");
            }

            await using var session = await RegistrySession.OpenAsync(parse, globals, context, ct).ConfigureAwait(false);
            var move = new TenantMove(session.Operations);
            var plan = await move.PlanAsync(parse.GetValue(name)!, parse.GetValue(ring)!, ct).ConfigureAwait(false);
            var json = parse.GetValue(globals.Json);
            if (plan is null)
            {
                Report(context, json, new JsonObject { ["tenant"] = parse.GetValue(name), ["ring"] = parse.GetValue(ring), ["changed"] = false }, $"{parse.GetValue(name)} is already in {parse.GetValue(ring)}: nothing to do");
                return ExitCodes.Ok;
            }

            if (parse.GetValue(dryRun))
            {
                var changes = OfflineChanges(await session.Operations.LoadFleetAsync(ct).ConfigureAwait(false), plan);
                Report(context, json, new JsonObject
                {
                    ["tenant"] = plan.Tenant,
                    ["from"] = plan.From,
                    ["to"] = plan.To,
                    ["dryRun"] = true,
                    ["changes"] = JsonOutput.Strings(changes.Select(c => c.Summary)),
                }, $"would move {plan.Tenant}: {plan.From} → {plan.To} (stacks {plan.To}, then {plan.From}); objects that change:{string.Concat(changes.Select(c => $"\n  {c.Summary} {string.Join(", ", c.Paths)}"))}");
                return ExitCodes.Ok;
            }

            var written = RepositoryChanges.Begin(session.Root, parse.GetValue(commit));
            Confirmation.Require(context, $"move {plan.Tenant} from {plan.From} to {plan.To}?", parse.GetValue(yes));
            var id = await move.RunAsync(plan, parse.GetValue(reason)!, ct).ConfigureAwait(false);
            Done(context, json, new JsonObject { ["tenant"] = plan.Tenant, ["from"] = plan.From, ["to"] = plan.To, ["operation"] = id, ["changed"] = true },
                $"{plan.Tenant}: {plan.From} → {plan.To} (operation #{id})", written, $"move({plan.Tenant}): {plan.From} → {plan.To}", session.Operations.Actor);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary><c>tenant assign &lt;tenant&gt; --region R</c>: the tenant's home region (it stays in its ring).</summary>
    private static async Task<int> AssignRegionAsync(CliContext context, GlobalOptions globals, ParseResult parse, string tenant, string? ring, string? region,
        (bool Yes, string Reason, bool DryRun, bool Commit) o, CancellationToken ct)
    {
        await using var session = await RegistrySession.OpenAsync(parse, globals, context, ct).ConfigureAwait(false);
        var change = new TenantRegion(session.Operations);
        var current = await session.Operations.Registry.RingOfTenantAsync(tenant, ct).ConfigureAwait(false);
        if (ring is not null && current is not null && ring != current)
        {
            throw new CommandException(ExitCodes.Usage, $"tenant assign {tenant} {ring} --region: one change at a time; {tenant} is in {current}: move it first (tenant assign {tenant} {ring}), then set its home region");
        }

        var plan = await change.PlanAsync(tenant, region, ct).ConfigureAwait(false);
        var json = parse.GetValue(globals.Json);
        if (plan is null)
        {
            Report(context, json, new JsonObject { ["tenant"] = tenant, ["region"] = region, ["changed"] = false }, $"{tenant}'s home region is already {region ?? TenantRegion.None}: nothing to do");
            return ExitCodes.Ok;
        }

        var data = new JsonObject { ["tenant"] = tenant, ["ring"] = plan.Ring, ["from"] = plan.From, ["to"] = plan.To };
        if (o.DryRun)
        {
            var changes = TenantRegion.Changes(await session.Operations.LoadFleetAsync(ct).ConfigureAwait(false), plan);
            data["dryRun"] = true;
            data["changes"] = JsonOutput.Strings(changes.Select(c => c.Summary));
            Report(context, json, data, $"would {plan.What}; objects that change:{(changes.Count == 0 ? " none" : string.Concat(changes.Select(c => $"\n  {c.Summary} {string.Join(", ", c.Paths)}")))}");
            return ExitCodes.Ok;
        }

        var written = RepositoryChanges.Begin(session.Root, o.Commit);
        Confirmation.Require(context, $"{plan.What}?", o.Yes);
        var id = await change.RunAsync(plan, o.Reason, ct).ConfigureAwait(false);
        data["operation"] = id;
        data["changed"] = true;
        Done(context, json, data, $"{plan.What} (operation #{id})", written, $"region({tenant}): {plan.From ?? TenantRegion.None} → {plan.To ?? TenantRegion.None}", session.Operations.Actor);
        return ExitCodes.Ok;
    }

    private static Command Show(CliContext context, GlobalOptions globals)
    {
        var name = new Argument<string>("tenant") { Description = "The tenant" };
        var command = new Command("show", "Which ring serves a tenant, and its hostnames") { name };
        command.SetAction(async (parse, ct) =>
        {
            await using var session = await RegistrySession.OpenAsync(parse, globals, context, ct).ConfigureAwait(false);
            var tenant = parse.GetValue(name)!;
            var (ring, home) = await session.Operations.Registry.TenantHomeAsync(tenant, ct).ConfigureAwait(false)
                ?? throw new CommandException(ExitCodes.Usage, $"tenant: '{tenant}' is not in the registry");
            var record = await session.Operations.Registry.FindRingAsync(ring, ct).ConfigureAwait(false);
            var def = session.Operations.TryLoadFleet(context.Err)?.Find(ring);
            var hosts = def is null ? [] : new[] { $"{tenant}.{record!.HostnameSegment}.{def.Config.Domain}", $"{tenant}.{def.Config.Domain}" };
            // Which of its ring's clusters serve it (doc 004: only those of its home region, or all of them without one).
            var clusters = def is { Config.HasClusters: true } ? RingInfra.Core.Tenants.HomeRegions.Serving(def.Config, home).Select(c => c.Name).ToList() : [];
            Report(context, parse.GetValue(globals.Json), new JsonObject
            {
                ["tenant"] = tenant,
                ["ring"] = ring,
                ["homeRegion"] = home,
                ["clusters"] = JsonOutput.Strings(clusters),
                ["hostnames"] = JsonOutput.Strings(hosts),
            }, $"{tenant}: ring {ring}{(home is null ? "" : $"; home region {home}")}{(clusters.Count == 0 ? "" : $"; served in cluster(s) {string.Join(", ", clusters)}")}; {string.Join(", ", hosts)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The objects the move changes in each ring, from renders of the fleet before and after.</summary>
    public static IReadOnlyList<ObjectChange> OfflineChanges(RingFleet fleet, TenantMove.Plan plan) =>
        FleetChanges.Compare(fleet, FleetChanges.MoveTenant(fleet, plan.Tenant, plan.From, plan.To), [plan.From, plan.To]);

    /// <summary>
    /// Reports a changing command's success after committing what it wrote (<see cref="RepositoryChanges"/>): the
    /// commit (or the git command to make it) goes to stderr, and into the JSON as <c>commit</c>.
    /// </summary>
    internal static void Done(CliContext context, bool json, JsonObject data, string text, RepositoryChanges changes, string message, string actor)
    {
        var (note, commit) = changes.Finish(message, actor);
        if (commit is not null)
        {
            data["commit"] = commit;
        }

        Report(context, json, data, text);
        if (note is not null)
        {
            context.Err.WriteLine(note);
        }
    }

    internal static void Report(CliContext context, bool json, JsonObject data, string text)
    {
        if (json)
        {
            JsonOutput.Write(context, data);
        }
        else
        {
            context.Out.WriteLine(text);
        }
    }
}
