using RingInfra.Core.Tests.Support;

namespace RingCtl.Tests.Support;

/// <summary>A real temporary git repository holding the ring files, locks and shared stack, for preview and CI-script tests.</summary>
public sealed class GitRepo : IDisposable
{
    /// <param name="committedAgo">How long ago the first commit (every file, the locks included) was made; default now.</param>
    public GitRepo(TimeSpan? committedAgo = null)
    {
        Files = new TempRepo();
        File.WriteAllText(Files.PathOf("README.md"), "# ring repo\n");
        Directory.CreateDirectory(Files.PathOf("infra/RingInfra"));
        File.WriteAllText(Files.PathOf("infra/RingInfra/Program.cs"), "// program\n");
        File.WriteAllText(Files.PathOf(".gitignore"), ".ringctl/\nout/\n");
        Git("init", "-q", "-b", "main");
        Commit("base", committedAgo is { } ago ? DateTimeOffset.UtcNow - ago : null);
        // A bare "origin" beside it, as a CI checkout has: the default branch is main there too.
        Origin = Root + "-origin.git";
        ProcessRunner.Run("git", ["init", "-q", "--bare", "-b", "main", Origin]).Code.ShouldBe(0);
        Git("remote", "add", "origin", Origin);
        Git("push", "-q", "origin", "main");
        Git("remote", "set-head", "origin", "main");
    }

    /// <summary>The bare repository that is this one's <c>origin</c>.</summary>
    public string Origin { get; }

    public TempRepo Files { get; }

    public string Root => Files.Root;

    /// <summary>Commits everything; at <paramref name="at"/> (author and committer date) when given.</summary>
    public string Commit(string message, DateTimeOffset? at = null)
    {
        Git("add", "-A");
        var date = at?.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) + " +0000";
        Dated(at is null ? null : new Dictionary<string, string?> { ["GIT_AUTHOR_DATE"] = date, ["GIT_COMMITTER_DATE"] = date },
            "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "--allow-empty", "-m", message);
        return Git("rev-parse", "HEAD").Trim();
    }

    public string Git(params string[] args) => Dated(null, args);

    private string Dated(IDictionary<string, string?>? environment, params string[] args)
    {
        var r = ProcessRunner.Run("git", args, Root, environment);
        r.Code.ShouldBe(0, $"git {string.Join(' ', args)}: {r.Err}");
        return r.Out;
    }

    public void Dispose()
    {
        Files.Dispose();
        if (Directory.Exists(Origin))
        {
            Directory.Delete(Origin, recursive: true);
        }
    }
}
