using System.CommandLine;
using System.CommandLine.Completions;
using RingCtl.Cli;
using RingInfra.Core.Fleet;

namespace RingCtl.Commands;

/// <summary>
/// Shell completion (issue 17): <c>ringctl completion bash|zsh</c> prints a script to source; it calls back
/// <c>ringctl __complete INDEX WORD…</c>, which completes commands and options from the command tree and ring names and
/// module aliases from the repository (its stack files and locks; no registry, no network).
/// </summary>
public static class CompletionCommand
{
    public static Command Build(CliContext context)
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", "Print the shell completion script: `source <(ringctl completion bash)`, or for zsh `source <(ringctl completion zsh)`") { shell };
        command.SetAction(parse =>
        {
            context.Out.Write(parse.GetValue(shell) == "zsh" ? Zsh : Bash);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The hidden callback: the words of the command line (without <c>ringctl</c>) and the index of the one being completed.</summary>
    public static Command Callback(CliContext context, Func<RootCommand> root)
    {
        var index = new Argument<int>("index");
        var words = new Argument<string[]>("words") { Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("__complete", "Shell completion callback") { index, words };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            var all = parse.GetValue(words) ?? [];
            var at = Math.Clamp(parse.GetValue(index), 1, all.Length + 1);
            var upTo = all.Take(at).ToArray();
            if (upTo.Length < at)
            {
                upTo = [.. upTo, ""];
            }

            var current = upTo[^1];
            // As typed: the words before the cursor, and the partial one under it (the parser completes at a text position).
            var line = string.Join(' ', upTo.Select(w => w.Contains(' ', StringComparison.Ordinal) ? $"\"{w}\"" : w));
            var result = root().Parse(line);
            foreach (var label in result.GetCompletions(line.Length).Select(c => c.Label).Where(l => l.StartsWith(current, StringComparison.Ordinal) && !l.StartsWith("__", StringComparison.Ordinal) && !l.StartsWith('/') && l != "-?").Distinct())
            {
                context.Out.WriteLine(label);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Ring names from the repository's stack files (<c>Pulumi.&lt;ring&gt;.yaml</c>).</summary>
    public static IEnumerable<CompletionItem> Rings(CompletionContext _) => Repository(root =>
        new DirectoryFiles(root).ListFiles("").Where(FleetLoader.IsRingFile).Select(f => f["Pulumi.".Length..^".yaml".Length]));

    /// <summary>Module aliases from every lock of the repository.</summary>
    public static IEnumerable<CompletionItem> Modules(CompletionContext _) => Repository(root =>
        Directory.EnumerateFiles(Path.Combine(root, "stacks", "locks"), "*.lock.json")
            .SelectMany(f => System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(f))?["modules"]?.AsObject().Select(m => m.Key) ?? []));

    private static IEnumerable<CompletionItem> Repository(Func<string, IEnumerable<string>> read)
    {
        try
        {
            var root = RepositoryRoot.Find(null, Directory.GetCurrentDirectory());
            return [.. read(root).Distinct().Order(StringComparer.Ordinal).Select(n => new CompletionItem(n))];
        }
#pragma warning disable CA1031 // Completion never fails a shell: outside a repository there is simply nothing to offer.
        catch (Exception)
#pragma warning restore CA1031
        {
            return [];
        }
    }

    private const string Bash = """
        # ringctl completion for bash: source <(ringctl completion bash)
        _ringctl() {
          local IFS=$'\n'
          COMPREPLY=($(ringctl __complete "$COMP_CWORD" "${COMP_WORDS[@]:1}" 2>/dev/null))
        }
        complete -o default -F _ringctl ringctl

        """;

    private const string Zsh = """
        #compdef ringctl
        # ringctl completion for zsh: source <(ringctl completion zsh)
        _ringctl() {
          local -a completions
          completions=("${(@f)$(ringctl __complete "$((CURRENT - 1))" "${words[@]:1}" 2>/dev/null)}")
          compadd -a completions
        }
        compdef _ringctl ringctl

        """;
}
