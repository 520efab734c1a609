using System.CommandLine;
using RingCtl.Commands;

namespace RingCtl.Cli;

/// <summary>
/// ringctl's entry: builds the command tree, reports parse errors as usage errors (exit 2), and maps
/// every failure to a documented exit code with a one-line message — never a stack trace for a user error.
/// </summary>
public static class RingCtlApp
{
    public static RootCommand Build(CliContext context) => Build(context, new GlobalOptions());

    private static RootCommand Build(CliContext context, GlobalOptions globals)
    {
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
        root.Subcommands.Add(MetricsCommand.Build(context, globals));
        root.Subcommands.Add(StatusCommand.Build(context, globals));
        root.Subcommands.Add(ReportCommand.Build(context, globals));
        root.Subcommands.Add(CompletionCommand.Build(context));
        root.Subcommands.Add(CompletionCommand.Callback(context, () => Build(context, new GlobalOptions())));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken)
    {
        var globals = new GlobalOptions();
        ParseResult parse;
        using (RunProfile.Phase("parse"))
        {
            parse = Build(context, globals).Parse(args);
        }

        // --json asks for machine output: an error is then also a JSON document on stdout (the message still goes to stderr).
        var json = parse.Errors.Count == 0 ? parse.GetValue(globals.Json) : args.Contains("--json", StringComparer.Ordinal);
        if (parse.Errors.Count > 0)
        {
            return await FailAsync(context, json, ExitCodes.Usage, [.. parse.Errors.Select(e => e.Message), "see 'ringctl --help'"]).ConfigureAwait(false);
        }

        if (parse.GetValue(globals.Actor) is { } actor && (string.IsNullOrWhiteSpace(actor) || actor.Any(char.IsControl)))
        {
            return await FailAsync(context, json, ExitCodes.Usage, [$"--actor: must name who acts, for the operations log (got '{actor.Trim()}')"]).ConfigureAwait(false);
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = context.Out, Error = context.Err, EnableDefaultExceptionHandler = false }, cancellationToken).ConfigureAwait(false);
        }
        catch (CommandException e)
        {
            var lines = new List<string> { e.Message };
            if (RingInfra.Core.Kube.ImmutableFieldAdvice.For(e.Message) is { } advice)
            {
                lines.Add(advice);
            }

            return await FailAsync(context, json, e.ExitCode, lines).ConfigureAwait(false);
        }
        catch (Npgsql.NpgsqlException e)
        {
            return await FailAsync(context, json, ExitCodes.Infrastructure, [$"registry: {e.Message}"]).ConfigureAwait(false);
        }
        catch (Stacks.StackRunnerUnavailableException e)
        {
            return await FailAsync(context, json, ExitCodes.Infrastructure, [e.Message]).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return await FailAsync(context, json, ExitCodes.Infrastructure, ["cancelled"]).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            return await FailAsync(context, json, ExitCodes.Infrastructure, [$"file system: {e.Message}"]).ConfigureAwait(false);
        }
        catch (UnauthorizedAccessException e)
        {
            return await FailAsync(context, json, ExitCodes.Infrastructure, [$"file system: {e.Message}"]).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The last resort: a bug must still end in a documented exit code.
        catch (Exception e)
#pragma warning restore CA1031
        {
            var detail = Environment.GetEnvironmentVariable("RINGCTL_DEBUG") == "1" ? e.ToString() : $"{e.GetType().Name}: {e.Message} (set RINGCTL_DEBUG=1 for the stack trace)";
            return await FailAsync(context, json, ExitCodes.Internal, [$"internal error: {detail}"]).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reports a failure: each message line on stderr (<c>ringctl: …</c>), and with <c>--json</c> also one document on
    /// stdout, <c>{"error": {"code": N, "message": first line, "problems": [the listed problems]}}</c>.
    /// </summary>
    private static async Task<int> FailAsync(CliContext context, bool json, int code, IReadOnlyList<string> messages)
    {
        foreach (var message in messages)
        {
            await context.Err.WriteLineAsync($"ringctl: {message}".AsMemory(), CancellationToken.None).ConfigureAwait(false);
        }

        if (json)
        {
            var first = messages[0].Split('\n');
            var problems = first.Skip(1).Select(l => l.Trim()).Where(l => l.Length > 0).Concat(messages.Skip(1));
            JsonOutput.Write(context, new System.Text.Json.Nodes.JsonObject
            {
                ["error"] = new System.Text.Json.Nodes.JsonObject
                {
                    ["code"] = code,
                    ["message"] = first[0].TrimEnd('\r', ':'),
                    ["problems"] = JsonOutput.Strings(problems),
                },
            });
        }

        return code;
    }
}
