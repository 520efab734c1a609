using System.Diagnostics;
using RingCtl.Cli;
using RingInfra.Core.Fleet;
using RingInfra.Core.Locks;

namespace RingCtl.Preview;

/// <summary>Reads a git repository's revisions without touching its working tree (git show, ls-tree, diff).</summary>
public sealed class GitRepository
{
    public GitRepository(string root)
    {
        Root = root;
    }

    public string Root { get; }

    /// <summary>The commit a revision names; a usage error when git does not know it.</summary>
    public string Resolve(string revision)
    {
        var (code, output, error) = Git("rev-parse", "--verify", "--quiet", revision + "^{commit}");
        return code == 0 ? output.Trim() : throw new CommandException(ExitCodes.Usage, $"revision: git does not know '{revision}' {error.Trim()}".Trim());
    }

    /// <summary>The default base: where HEAD left main (or master), else the previous commit.</summary>
    public string DefaultBase()
    {
        foreach (var branch in new[] { "origin/main", "main", "origin/master", "master" })
        {
            var (code, output, _) = Git("merge-base", "HEAD", branch);
            if (code == 0 && output.Trim() != Resolve("HEAD"))
            {
                return output.Trim();
            }
        }

        return Resolve("HEAD~1");
    }

    public IReadOnlyList<string> ChangedPaths(string baseCommit, string headCommit)
    {
        var (code, output, error) = Git("diff", "--name-only", "--no-renames", baseCommit, headCommit);
        return code == 0
            ? [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries)]
            : throw new CommandException(ExitCodes.Infrastructure, $"git diff {baseCommit} {headCommit}: {error.Trim()}");
    }

    /// <summary>
    /// Each committed version of <paramref name="path"/> (relative to <see cref="Root"/>), oldest first, with its
    /// commit time, up to <paramref name="revision"/>; empty when git or the history is unavailable (not a repository, a shallow clone's edge is fine).
    /// </summary>
    public IReadOnlyList<(DateTimeOffset Time, string? Text)> History(string path, string revision = "HEAD")
    {
        (int Code, string Output, string Error) log;
        try
        {
            log = Git("log", "--reverse", "--format=%H %ct", revision, "--", path);
        }
        catch (CommandException)
        {
            return [];
        }

        if (log.Code != 0)
        {
            return [];
        }

        var result = new List<(DateTimeOffset, string?)>();
        foreach (var line in log.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ');
            var (code, text, _) = Git("show", $"{parts[0]}:./{path}");
            result.Add((DateTimeOffset.FromUnixTimeSeconds(long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)), code == 0 ? text : null));
        }

        return result;
    }

    /// <summary>
    /// When each module's version in <paramref name="ring"/>'s lock entered it, from the lock's history up to
    /// <paramref name="revision"/> (<see cref="LockHistory.Landings"/>); a version no commit carries has no time.
    /// </summary>
    public IReadOnlyDictionary<string, DateTimeOffset> LockLandings(RingDefinition ring, string revision = "HEAD") =>
        LockHistory.Landings(History(ring.Config.LockPath, revision).Select(h => (h.Time, h.Text is null ? null : ModuleLockParser.TryParse(h.Text, ring.Name, "history", []))), ring.Lock);

    /// <summary>The repository's files as they are at <paramref name="commit"/>.</summary>
    public IRepositoryFiles At(string commit) => new GitFiles(this, commit);

    internal (int Code, string Output, string Error) Git(params string[] args)
    {
        var result = Run(Root, args);
        return result.Code == MissingGit ? throw new CommandException(ExitCodes.Infrastructure, $"git is needed for previews: {result.Error}") : result;
    }

    /// <summary>The exit code <see cref="Run"/> reports when no <c>git</c> can be started.</summary>
    public const int MissingGit = 127;

    /// <summary>Runs <c>git</c> in <paramref name="root"/> to completion: its exit code and output (<see cref="MissingGit"/> when git is not installed).</summary>
    public static (int Code, string Output, string Error) Run(string root, params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        try
        {
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEndAsync();
            var error = p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, output.Result, error);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (MissingGit, "", $"git is not available: {e.Message}");
        }
    }

    private sealed class GitFiles(GitRepository git, string commit) : IRepositoryFiles
    {
        public string? ReadText(string path)
        {
            var (code, output, _) = git.Git("show", $"{commit}:{path}");
            return code == 0 ? output : null;
        }

        public IReadOnlyList<string> ListFiles(string directory)
        {
            var (code, output, _) = git.Git("ls-tree", "--name-only", commit, directory.Length == 0 ? "." : directory.TrimEnd('/') + "/");
            return code == 0
                ? [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Contains('/', StringComparison.Ordinal) ? p[(p.LastIndexOf('/') + 1)..] : p).Order(StringComparer.Ordinal)]
                : [];
        }
    }
}
