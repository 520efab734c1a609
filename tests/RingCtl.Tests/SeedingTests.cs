using System.Text.Json.Nodes;
using RingCtl.Registry;
using RingCtl.Tests.Support;

namespace RingCtl.Tests;

/// <summary>
/// Seeding a registry from the files: each module version's landing — its bake clock — is the time of the commit
/// that put the version into the ring's lock; only where git has no such commit is it the seeding time, and the
/// output says which.
/// </summary>
[Collection("postgres")]
public sealed class SeedingTests
{
    private readonly PostgresFixture _pg;

    public SeedingTests(PostgresFixture pg)
    {
        _pg = pg;
    }

    private async Task<string> EmptyRegistryAsync()
    {
        var cs = await _pg.NewDatabaseAsync();
        await using var db = new RegistryDatabase(cs);
        await RegistryMigrator.MigrateAsync(db.DataSource, default);
        return cs;
    }

    [Fact]
    public async Task Seed_DatesEachLandingFromTheLocksGitHistory_AndSaysWhichWereDatedNow()
    {
        using var git = new GitRepo(TimeSpan.FromDays(10));
        var tenDaysAgo = DateTimeOffset.FromUnixTimeSeconds(long.Parse(git.Git("log", "-1", "--format=%ct").Trim(), System.Globalization.CultureInfo.InvariantCulture));
        git.Files.Replace("stacks/locks/canary.lock.json", "\"version\": \"2.5.0\",\n      \"artifact\": \"Ai-2.5.0.zip\"", "\"version\": \"2.6.0\",\n      \"artifact\": \"Ai-2.6.0.zip\"");
        var twoDaysAgo = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddDays(-2).ToUnixTimeSeconds());
        git.Commit("ai 2.6.0 into canary", twoDaysAgo);
        // Not committed: no commit carries it, so it starts baking now.
        git.Files.Replace("stacks/locks/edge.lock.json", "\"version\": \"1.6.0\",\n      \"artifact\": \"Orders-1.6.0.zip\"", "\"version\": \"1.6.1\",\n      \"artifact\": \"Orders-1.6.1.zip\"");
        var cs = await EmptyRegistryAsync();

        var seed = await RingCtlRunner.RunAsync(git.Root, new CliContextOptions(cs), "db", "seed");

        seed.ExitCode.ShouldBe(0, seed.Err);
        seed.Out.Trim().ShouldBe("registry seeded from the stack files: 3 rings, 5 tenants; 68 module landings dated from git history, 1 dated now (no commit carries their version)");
        await using var db = new RegistryDatabase(cs);
        var registry = new RingRegistry(db);
        (await registry.LandingAsync("canary", "ai", default))!.Value.LandedAt.ShouldBe(twoDaysAgo);
        (await registry.LandingAsync("canary", "orders", default))!.Value.LandedAt.ShouldBe(tenDaysAgo);
        var edge = (await registry.LandingAsync("edge", "orders", default))!.Value;
        edge.Version.ShouldBe("1.6.1");
        (DateTimeOffset.UtcNow - edge.LandedAt).ShouldBeLessThan(TimeSpan.FromMinutes(5));
        (await registry.FirstLandingAsync("edge", "orders", default)).ShouldBe("1.6.1");

        var again = await RingCtlRunner.RunAsync(git.Root, new CliContextOptions(cs), "db", "seed", "--json");
        again.ExitCode.ShouldBe(0, again.Err);
        JsonNode.Parse(again.Out)!["seeded"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public async Task Seed_WithoutGitHistory_DatesEverythingNow_AndSaysSo()
    {
        using var repo = new RingInfra.Core.Tests.Support.TempRepo();
        var cs = await EmptyRegistryAsync();

        var seed = await RingCtlRunner.RunAsync(repo.Root, new CliContextOptions(cs), "db", "seed");

        seed.ExitCode.ShouldBe(0, seed.Err);
        seed.Out.Trim().ShouldBe("registry seeded from the stack files: 3 rings, 5 tenants; all 69 module landings dated now (no git history of the locks): promotions out of these rings wait a full bake time");
    }
}
