using RingCtl.Registry;
using Repo = RingInfra.Core.Tests.Support.Repo;

namespace RingCtl.Tests.Support;

/// <summary>Runs the repository's <c>tools/ci</c> scripts in a temporary git repository, as a pipeline would, outside CI mode.</summary>
public sealed class CiScripts(GitRepo git)
{
    /// <summary>A migrated registry on the real server, seeded from the temporary repository.</summary>
    public static async Task<string> RegistryAsync(PostgresFixture pg, GitRepo git)
    {
        var cs = await pg.NewDatabaseAsync();
        await using var db = new RegistryDatabase(cs);
        await RegistryMigrator.MigrateAsync(db.DataSource, default);
        await new RingRegistry(db).SeedAsync(git.Files.Load(), default);
        return cs;
    }

    /// <summary>
    /// The script with ringctl from the test build and simulated stacks. CI detection is cleared, so the
    /// overrides apply, unless the test sets <c>CI</c> itself (as <see cref="Run"/>'s <paramref name="env"/>).
    /// </summary>
    public (int Code, string Out, string Err) Run(string script, string registry, IDictionary<string, string>? env = null, params string[] args)
    {
        var environment = new Dictionary<string, string?>
        {
            ["RINGCTL"] = $"dotnet {Path.Combine(AppContext.BaseDirectory, "ringctl.dll")}",
            ["RINGCTL_ROOT"] = git.Root,
            ["RINGCTL_DATABASE_URL"] = registry,
            ["RINGCTL_STACK_RUNNER"] = "simulate",
            ["RINGCTL_ACTOR"] = "ci",
            ["GITHUB_TOKEN"] = null,
            ["GITLAB_TOKEN"] = null,
            ["CI"] = null,
            ["GITHUB_ACTIONS"] = null,
            ["GITLAB_CI"] = null,
            ["CI_DEFAULT_BRANCH"] = null,
            ["DEFAULT_BRANCH"] = null,
        };
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            environment[k] = v;
        }

        var r = ProcessRunner.Run("bash", [Path.Combine(Repo.Root, "tools", "ci", script), .. args], git.Root, environment);
        return (r.Code, r.Out, r.Err);
    }

    public string SimulatedCalls()
    {
        var log = Path.Combine(git.Root, ".ringctl", "simulated-stacks", "calls.log");
        return File.Exists(log) ? File.ReadAllText(log) : "";
    }
}
