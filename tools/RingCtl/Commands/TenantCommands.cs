using System.CommandLine;
using System.Text.Json.Nodes;
using RingCtl.Cli;
using RingCtl.Operations;
using RingInfra.Core.Diff;
using RingInfra.Core.Fleet;

namespace RingCtl.Commands;

/// <summary><c>tenant assign &lt;tenant&gt; &lt;ring&gt;</c> (doc 000's ring:assign) and <c>tenant show &lt;tenant&gt;</c>.</summary>
public static class TenantCommands
{
    public static Command Build(CliContext context, GlobalOptions globals)
    {
        var tenant = new Command("tenant", "Tenants and their ring");
        tenant.Subcommands.Add(Assign(context, globals));
        tenant.Subcommands.Add(Show(context, globals));
        return tenant;
    }

    private static Command Assign(CliContext context, GlobalOptions globals)
    {
        var name = new Argument<string>("tenant") { Description = "The tenant to move" };
        var ring = new Argument<string>("ring") { Description = "The ring to move it to" };
        var yes = CommonOptions.Yes();
        var reason = CommonOptions.Reason();
        var dryRun = CommonOptions.DryRun();
        var command = new Command("assign", "Move a tenant to a ring: registry compare-and-set, then the target stack, then the source stack") { name, ring, yes, reason, dryRun };
        command.SetAction(async (parse, ct) =>
        {
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
                    ["changes"] = JsonOutput.Strings(changes.Select(c => $"{c.Change.ToString().ToLowerInvariant()} {c.Id}")),
                }, $"would move {plan.Tenant}: {plan.From} → {plan.To} (stacks {plan.To}, then {plan.From}); objects that change:{string.Concat(changes.Select(c => $"\n  {c.Change.ToString().ToLowerInvariant()} {c.Id} {string.Join(", ", c.Paths)}"))}");
                return ExitCodes.Ok;
            }

            Confirmation.Require(context, $"move {plan.Tenant} from {plan.From} to {plan.To}?", parse.GetValue(yes));
            var id = await move.RunAsync(plan, parse.GetValue(reason)!, ct).ConfigureAwait(false);
            Report(context, json, new JsonObject { ["tenant"] = plan.Tenant, ["from"] = plan.From, ["to"] = plan.To, ["operation"] = id, ["changed"] = true },
                $"{plan.Tenant}: {plan.From} → {plan.To} (operation #{id})");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show(CliContext context, GlobalOptions globals)
    {
        var name = new Argument<string>("tenant") { Description = "The tenant" };
        var command = new Command("show", "Which ring serves a tenant, and its hostnames") { name };
        command.SetAction(async (parse, ct) =>
        {
            await using var session = await RegistrySession.OpenAsync(parse, globals, context, ct).ConfigureAwait(false);
            var tenant = parse.GetValue(name)!;
            var ring = await session.Operations.Registry.RingOfTenantAsync(tenant, ct).ConfigureAwait(false)
                ?? throw new CommandException(ExitCodes.Usage, $"tenant: '{tenant}' is not in the registry");
            var def = session.Operations.LoadFleet().Find(ring);
            var hosts = def is null ? [] : new[] { $"{tenant}.{def.Config.HostnameSegment}.{def.Config.Domain}", $"{tenant}.{def.Config.Domain}" };
            Report(context, parse.GetValue(globals.Json), new JsonObject { ["tenant"] = tenant, ["ring"] = ring, ["hostnames"] = JsonOutput.Strings(hosts) },
                $"{tenant}: ring {ring}; {string.Join(", ", hosts)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The objects the move changes in each ring, from renders of the fleet before and after.</summary>
    public static IReadOnlyList<ObjectChange> OfflineChanges(RingFleet fleet, TenantMove.Plan plan) =>
        FleetChanges.Compare(fleet, FleetChanges.MoveTenant(fleet, plan.Tenant, plan.From, plan.To), [plan.From, plan.To]);

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
