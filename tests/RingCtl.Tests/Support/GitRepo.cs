using RingInfra.Core.Tests.Support;

namespace RingCtl.Tests.Support;

/// <summary>A real temporary git repository holding the ring files, locks and shared stack, for preview and CI-script tests.</summary>
public sealed class GitRepo : IDisposable
{
    public GitRepo()
    {
        Files = new TempRepo();
        File.WriteAllText(Files.PathOf("README.md"), "# ring repo\n");
        Directory.CreateDirectory(Files.PathOf("infra/RingInfra"));
        File.WriteAllText(Files.PathOf("infra/RingInfra/Program.cs"), "// program\n");
        File.WriteAllText(Files.PathOf(".gitignore"), ".ringctl/\nout/\n");
        Git("init", "-q", "-b", "main");
        Commit("base");
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

    public string Commit(string message)
    {
        Git("add", "-A");
        Git("-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "--allow-empty", "-m", message);
        return Git("rev-parse", "HEAD").Trim();
    }

    public string Git(params string[] args)
    {
        var r = ProcessRunner.Run("git", args, Root);
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
