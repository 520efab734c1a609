using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace RingCtl.Cli;

/// <summary>
/// What a changing command wrote to the repository — ring stack files, locks, the shared stack file — found by
/// comparing their contents before and after, and committing exactly those files (<c>--commit</c>) with the
/// operation's message, or naming the <c>git</c> command that would. With <c>--commit</c>, those files must have
/// no uncommitted changes when the command starts (checked before anything else), so that the commit holds only
/// what the command wrote.
/// </summary>
public sealed class RepositoryChanges
{
    private readonly string _root;
    private readonly bool _commit;
    private readonly Dictionary<string, string?> _before;

    private RepositoryChanges(string root, bool commit, Dictionary<string, string?> before)
    {
        _root = root;
        _commit = commit;
        _before = before;
    }

    /// <summary>Records the files' contents; with <paramref name="commit"/>, checks the repository can take the commit.</summary>
    public static RepositoryChanges Begin(string root, bool commit)
    {
        if (commit)
        {
            var (code, _, error) = Git(root, "rev-parse", "--is-inside-work-tree");
            if (code != 0)
            {
                throw new CommandException(ExitCodes.Usage, $"--commit: {root} is not a git working tree ({error.Trim()})");
            }

            var (_, dirty, _) = Git(root, ["status", "--porcelain", "--", .. Patterns]);
            var files = dirty.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Length > 3 ? l[3..] : l).ToList();
            if (files.Count > 0)
            {
                throw new CommandException(ExitCodes.Usage, $"--commit: {string.Join(", ", files)} {(files.Count == 1 ? "has" : "have")} uncommitted changes; commit or stash them first, so that the commit holds only what ringctl writes");
            }
        }

        return new RepositoryChanges(root, commit, Candidates(root).ToDictionary(p => p, p => Hash(root, p), StringComparer.Ordinal));
    }

    /// <summary>The files ringctl writes: every ring's stack file and lock, and the shared stack's file.</summary>
    private static readonly string[] Patterns = ["Pulumi.*.yaml", "stacks/locks/*.lock.json", "stacks/shared/Pulumi.shared.yaml"];

    private static IEnumerable<string> Candidates(string root)
    {
        IEnumerable<string> In(string dir, string pattern) =>
            Directory.Exists(Path.Combine(root, dir)) ? Directory.EnumerateFiles(Path.Combine(root, dir), pattern).Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')) : [];
        return In(".", "Pulumi.*.yaml").Select(p => p.TrimStart('.', '/')).Concat(In("stacks/locks", "*.lock.json")).Append("stacks/shared/Pulumi.shared.yaml");
    }

    private static string? Hash(string root, string path)
    {
        var full = Path.Combine(root, path);
        return File.Exists(full) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(full))) : null;
    }

    /// <summary>The files whose content the command changed (written, created or deleted), sorted.</summary>
    public IReadOnlyList<string> Changed() =>
        [.. _before.Keys.Union(Candidates(_root)).Distinct(StringComparer.Ordinal).Where(p => _before.GetValueOrDefault(p) != Hash(_root, p)).Order(StringComparer.Ordinal)];

    /// <summary>
    /// After the command succeeded: commits the changed files (<c>--commit</c>) or says how to. Returns what to tell
    /// the operator (null when nothing was written) and the same as JSON.
    /// </summary>
    public (string? Text, JsonObject? Json) Finish(string message, string actor)
    {
        var files = Changed();
        if (files.Count == 0)
        {
            return (null, null);
        }

        var command = $"git add -A -- {string.Join(' ', files.Select(Quote))} && git commit -m {Quote(message)} -- {string.Join(' ', files.Select(Quote))}";
        if (!_commit)
        {
            return ($"wrote {string.Join(", ", files)}; to commit them: {command}", new JsonObject { ["files"] = JsonOutput.Strings(files), ["message"] = message, ["committed"] = false, ["command"] = command });
        }

        Require(Git(_root, ["add", "-A", "--", .. files]), "git add");
        // An author for machines without one configured (CI): the actor, as the log has it.
        var identity = Git(_root, "config", "user.name").Output.Trim().Length > 0 ? [] : new[] { "-c", $"user.name={actor}", "-c", $"user.email={actor.Replace(' ', '-')}@ringctl" };
        Require(Git(_root, [.. identity, "commit", "-q", "-m", message, "--", .. files]), "git commit");
        var sha = Git(_root, "rev-parse", "--short", "HEAD").Output.Trim();
        return ($"committed {sha}: {message} ({string.Join(", ", files)})", new JsonObject { ["files"] = JsonOutput.Strings(files), ["message"] = message, ["committed"] = true, ["commit"] = sha });
    }

    private static void Require((int Code, string Output, string Error) result, string what)
    {
        if (result.Code != 0)
        {
            throw new CommandException(ExitCodes.Infrastructure, $"--commit: {what} failed: {result.Error.Trim()} (the operation itself succeeded and is logged; commit the files by hand)");
        }
    }

    private static string Quote(string s) => s.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '/' or '-' or '_') ? s : "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static (int Code, string Output, string Error) Git(string root, params string[] args) => Preview.GitRepository.Run(root, args);
}
