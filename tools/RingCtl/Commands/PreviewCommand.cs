using System.CommandLine;
using RingCtl.Cli;
using RingCtl.Preview;
using RingCtl.Stacks;

namespace RingCtl.Commands;

/// <summary>
/// <c>ringctl preview [--base REV] [--head REV] [--ring R…] [--format markdown|text|json] [--offline]</c>: what a
/// change does to every ring it affects, as the pull-request comment. Online through the Automation
/// API's preview; offline (or where Pulumi is not available) from Core renders of both revisions.
/// </summary>
public static class PreviewCommand
{
    /// <summary>
    /// Where a registry is configured (RINGCTL_DATABASE_URL), what it assigns — so that a hand-edited tenant list can
    /// be shown against it. The pull-request preview runs without one; then nothing is read and nothing is started.
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, RingInfra.Core.Fleet.RingAssignment>?> RegistryAssignmentsAsync(CliContext context, IProgress<string> progress, CancellationToken ct)
    {
        if (context.DatabaseUrl is null)
        {
            return null;
        }

        try
        {
            await using var db = new Registry.RegistryDatabase(Registry.DatabaseUrl.Parse(context.DatabaseUrl).ConnectionString);
            return await new Registry.RingRegistry(db).AssignmentsAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or CommandException or InvalidOperationException)
        {
            progress.Report($"the registry could not be read for the preview ({e.GetType().Name}); tenant lists are shown without it");
            return null;
        }
    }

    public static Command Build(CliContext context, GlobalOptions globals)
    {
        var baseRev = new Option<string?>("--base") { Description = "Base revision (default: where HEAD left main, else HEAD~1)" };
        var headRev = new Option<string>("--head") { Description = "Head revision", DefaultValueFactory = _ => "HEAD" };
        var rings = new Option<string[]>("--ring") { Description = "Only these rings", AllowMultipleArgumentsPerToken = true };
        var format = new Option<string>("--format") { Description = "markdown (the PR comment), text or json", DefaultValueFactory = _ => "markdown" };
        format.AcceptOnlyFromAmong("markdown", "text", "json");
        var offline = new Option<bool>("--offline") { Description = "Diff Core renders of both revisions; needs no backend or credentials" };
        var output = new Option<string?>("--out") { Description = "Write to this file instead of stdout" };
        var command = new Command("preview", "Preview what a change does to each ring it affects (the pull-request comment)") { baseRev, headRev, rings, format, offline, output };
        command.SetAction(async (parse, ct) =>
        {
            var root = RepositoryRoot.Find(parse.GetValue(globals.Root), context.WorkingDirectory);
            var git = new GitRepository(root);
            var progress = new LineProgress(context.Err, [.. context.Redact]);
            IStackRunner? online = null;
            if (!parse.GetValue(offline))
            {
                online = context.StackRunnerFactory(root);
                if (online is UnavailableStackRunner unavailable)
                {
                    progress.Report($"offline preview: {unavailable.Reason}");
                    online = null;
                }
            }

            var report = await new PreviewBuilder(git, [.. context.Redact], await RegistryAssignmentsAsync(context, progress, ct).ConfigureAwait(false)).BuildAsync(parse.GetValue(baseRev) ?? git.DefaultBase(), parse.GetValue(headRev)!,
                parse.GetValue(rings) ?? [], online, progress, ct).ConfigureAwait(false);
            var fmt = parse.GetValue(globals.Json) ? "json" : parse.GetValue(format)!;
            var text = fmt switch
            {
                "json" => PreviewText.Json(report).ToJsonString(RingInfra.Core.Kube.JsonOptions.Indented) + "\n",
                "text" => PreviewText.Render(report),
                _ => PreviewMarkdown.Render(report),
            };
            if (parse.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(Path.GetFullPath(file, context.WorkingDirectory), text, ct).ConfigureAwait(false);
            }
            else
            {
                await context.Out.WriteAsync(text.AsMemory(), ct).ConfigureAwait(false);
            }

            return report.HasErrors ? ExitCodes.Usage : ExitCodes.Ok;
        });
        return command;
    }
}
