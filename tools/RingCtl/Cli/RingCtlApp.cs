using System.CommandLine;
using RingCtl.Commands;

namespace RingCtl.Cli;

/// <summary>
/// ringctl's entry: builds the command tree, reports parse errors as usage errors (exit 2), and maps
/// every failure to a documented exit code with a one-line message — never a stack trace for a user error.
/// </summary>
public static class RingCtlApp
{
    public static RootCommand Build(CliContext context)
    {
        var globals = new GlobalOptions();
        var root = new RootCommand("ringctl — deployment rings for the AutoCom SaaS: render, lint and plan rings; move tenants, promote modules and roll rings out as Pulumi stack updates over a PostgreSQL registry");
        root.Options.Add(globals.Json);
        root.Options.Add(globals.Root);
        root.Subcommands.Add(RenderCommand.Build(context, globals));
        root.Subcommands.Add(LintCommand.Build(context, globals));
        root.Subcommands.Add(PlanCommand.Build(context, globals));
        root.Options.Add(globals.Actor);
        root.Options.Add(globals.Wait);
        root.Subcommands.Add(RingCommands.Build(context, globals));
        root.Subcommands.Add(TenantCommands.Build(context, globals));
        root.Subcommands.Add(PromoteCommands.Promote(context, globals));
        root.Subcommands.Add(PromoteCommands.Rollback(context, globals));
        root.Subcommands.Add(OperationCommands.Verify(context, globals));
        root.Subcommands.Add(OperationCommands.Reconcile(context, globals));
        root.Subcommands.Add(OperationCommands.Secrets(context, globals));
        root.Subcommands.Add(OperationCommands.History(context, globals));
        root.Subcommands.Add(OperationCommands.Up(context, globals));
        root.Subcommands.Add(OperationCommands.Db(context, globals));
        root.Subcommands.Add(PreviewCommand.Build(context, globals));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken)
    {
        var root = Build(context);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await context.Err.WriteLineAsync($"ringctl: {error.Message}".AsMemory(), cancellationToken).ConfigureAwait(false);
            }

            await context.Err.WriteLineAsync("ringctl: see 'ringctl --help'".AsMemory(), cancellationToken).ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = context.Out, Error = context.Err, EnableDefaultExceptionHandler = false }, cancellationToken).ConfigureAwait(false);
        }
        catch (CommandException e)
        {
            await context.Err.WriteLineAsync($"ringctl: {e.Message}".AsMemory(), cancellationToken).ConfigureAwait(false);
            if (RingInfra.Core.Kube.ImmutableFieldAdvice.For(e.Message) is { } advice)
            {
                await context.Err.WriteLineAsync($"ringctl: {advice}".AsMemory(), CancellationToken.None).ConfigureAwait(false);
            }

            return e.ExitCode;
        }
        catch (Npgsql.NpgsqlException e)
        {
            await context.Err.WriteLineAsync($"ringctl: registry: {e.Message}".AsMemory(), CancellationToken.None).ConfigureAwait(false);
            return ExitCodes.Infrastructure;
        }
        catch (Stacks.StackRunnerUnavailableException e)
        {
            await context.Err.WriteLineAsync($"ringctl: {e.Message}".AsMemory(), CancellationToken.None).ConfigureAwait(false);
            return ExitCodes.Infrastructure;
        }
        catch (OperationCanceledException)
        {
            await context.Err.WriteLineAsync("ringctl: cancelled".AsMemory(), CancellationToken.None).ConfigureAwait(false);
            return ExitCodes.Infrastructure;
        }
        catch (IOException e)
        {
            await context.Err.WriteLineAsync($"ringctl: file system: {e.Message}".AsMemory(), cancellationToken).ConfigureAwait(false);
            return ExitCodes.Infrastructure;
        }
        catch (UnauthorizedAccessException e)
        {
            await context.Err.WriteLineAsync($"ringctl: file system: {e.Message}".AsMemory(), cancellationToken).ConfigureAwait(false);
            return ExitCodes.Infrastructure;
        }
#pragma warning disable CA1031 // The last resort: a bug must still end in a documented exit code.
        catch (Exception e)
#pragma warning restore CA1031
        {
            var detail = Environment.GetEnvironmentVariable("RINGCTL_DEBUG") == "1" ? e.ToString() : $"{e.GetType().Name}: {e.Message} (set RINGCTL_DEBUG=1 for the stack trace)";
            await context.Err.WriteLineAsync($"ringctl: internal error: {detail}".AsMemory(), CancellationToken.None).ConfigureAwait(false);
            return ExitCodes.Internal;
        }
    }
}
