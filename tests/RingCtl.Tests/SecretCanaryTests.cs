using System.Text;
using RingCtl.Tests.Support;

namespace RingCtl.Tests;

/// <summary>
/// The secret canary suite: known secret values are seeded where secrets live — the registry password,
/// the stack passphrase, encrypted config of the shared stack, a value the engine prints, a secret
/// pasted into a ring file — then every command runs in every output format, and stdout, stderr, every
/// file written and every log are scanned for them. None may appear.
/// </summary>
[Collection("postgres")]
public sealed class SecretCanaryTests
{
    private const string DbPassword = "CANARY-db-password-5a1";
    private const string Passphrase = "CANARY-passphrase-8c2";
    private const string Ciphertext = "v1:CANARY-ciphertext-3d4";
    private const string EngineSecret = "CANARY-engine-secret-9e7";
    private const string PastedSecret = "CANARY-pasted-token-2b6";
    private const string ImportedSecret = "CANARY-imported-redis-9f3";
    private static readonly string[] Seeds = [DbPassword, Passphrase, Ciphertext, EngineSecret, PastedSecret, ImportedSecret];

    private readonly PostgresFixture _pg;

    public SecretCanaryTests(PostgresFixture pg)
    {
        _pg = pg;
    }

    [Fact]
    public async Task NoSeededSecret_AppearsInAnyOutputFileOrLog_OfAnyCommand()
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        var git = new System.Diagnostics.ProcessStartInfo("git", ["init", "-q", "-b", "main"]) { WorkingDirectory = h.Repo.Root };
        System.Diagnostics.Process.Start(git)!.WaitForExit();
        Directory.CreateDirectory(h.Repo.PathOf(".ringctl"));
        await File.WriteAllTextAsync(h.Repo.PathOf(".ringctl/passphrase"), Passphrase);
        h.Repo.Replace("stacks/shared/Pulumi.shared.yaml", "  ring-infra-shared:namespace: autocom", $"  ring-infra-shared:namespace: autocom\n  ring-infra-shared:registryToken:\n    secure: {Ciphertext}");
        Commit(h.Repo.Root, "base");
        h.Repo.Replace("Pulumi.edge.yaml", "LOG_LEVEL: info", "LOG_LEVEL: notice");
        Commit(h.Repo.Root, "edge logs less");
        // The registry is reached as a role whose password is the seed (the server checks passwords).
        var role = "canary_" + Guid.NewGuid().ToString("N")[..8];
        await using (var c = new Npgsql.NpgsqlConnection(h.ConnectionString))
        {
            await c.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand($"create role {role} login superuser password '{DbPassword}'", c);
            await create.ExecuteNonQueryAsync();
        }

        var url = new Npgsql.NpgsqlConnectionStringBuilder(h.ConnectionString) { Username = role, Password = DbPassword }.ConnectionString;
        var engine = new SecretPrintingStacks(new FakeStacks(h.Repo.Root), EngineSecret);
        var options = new CliContextOptions(url, _ => engine, Redact: [EngineSecret]);
        var output = new StringBuilder();
        var outDir = h.Repo.PathOf("out");
        // An existing platform's Secret, imported (issue 15): the value is read, set as secret config, never shown.
        var manifest = Path.Combine(Path.GetTempPath(), $"ringinfra-canary-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(manifest, $"apiVersion: v1\nkind: Secret\nmetadata:\n  name: autocom-secrets\ndata:\n  REDIS_PASSWORD: {Convert.ToBase64String(Encoding.UTF8.GetBytes(ImportedSecret))}\n  NOT_OURS: {Convert.ToBase64String(Encoding.UTF8.GetBytes(ImportedSecret))}\n");
        foreach (var json in new[] { false, true })
        {
            foreach (var args in Commands(outDir).Append(["secrets", "import", manifest, "--dry-run"]).Append(["secrets", "import", manifest]))
            {
                var full = json ? [.. args, "--json"] : args;
                var r = await RingCtlRunner.RunAsync(h.Repo.Root, options, full);
                output.Append(string.Join(' ', full)).Append(" => ").Append(r.ExitCode).Append('\n').Append(r.Out).Append(r.Err);
            }
        }

        foreach (var format in new[] { "markdown", "text", "json" })
        {
            foreach (var offline in new[] { true, false })
            {
                var r = await RingCtlRunner.RunAsync(h.Repo.Root, options, offline ? ["preview", "--base", "HEAD~1", "--format", format, "--offline"] : ["preview", "--base", "HEAD~1", "--format", format]);
                r.ExitCode.ShouldBe(0, r.Err);
                output.Append(r.Out).Append(r.Err);
            }
        }

        // A secret pasted into a ring file: the validation error names the key, never the value.
        h.Repo.Replace("Pulumi.canary.yaml", "LOG_LEVEL: debug", $"LOG_LEVEL: debug\n    SLACK_TOKEN: {PastedSecret}");
        foreach (var args in new[] { new[] { "lint" }, ["plan"], ["render", "canary"], ["promote", "ai", "--version", "2.5.0", "--to", "edge", "--dry-run"] })
        {
            var r = await RingCtlRunner.RunAsync(h.Repo.Root, options, args);
            r.ExitCode.ShouldBe(2, $"{string.Join(' ', args)}: {r.Err}");
            output.Append(r.Out).Append(r.Err);
        }

        var scanned = output.ToString();
        scanned.Length.ShouldBeGreaterThan(10_000, "every command produced output to scan");
        foreach (var file in Directory.EnumerateFiles(h.Repo.Root, "*", SearchOption.AllDirectories).Where(f => !f.Contains("/.git/", StringComparison.Ordinal)
            && !f.EndsWith(".ringctl/passphrase", StringComparison.Ordinal) && !f.EndsWith("Pulumi.shared.yaml", StringComparison.Ordinal) && !f.EndsWith("Pulumi.canary.yaml", StringComparison.Ordinal)))
        {
            scanned += "\n" + await File.ReadAllTextAsync(file);
        }

        foreach (var seed in Seeds)
        {
            scanned.ShouldNotContain(seed);
        }

        File.Delete(manifest);

        (await h.Log.HistoryAsync(null, null, null, 100, default)).SelectMany(o => new[] { o.Error, o.Reason, o.Actor }).ShouldAllBe(s => s == null || !Seeds.Any(s.Contains));
    }

    private static IEnumerable<string[]> Commands(string outDir) =>
    [
        ["render", "--all", "--out", outDir], ["render", "canary"], ["lint", "--all"], ["plan"],
        ["ring", "list"], ["ring", "show", "edge", "--tenants", "--modules"], ["tenant", "show", "acme"],
        ["tenant", "assign", "acme", "canary", "--dry-run"], ["promote", "ai", "--version", "2.5.0", "--to", "edge", "--dry-run"],
        ["tenant", "assign", "foo", "edge", "--yes"], ["promote", "ai", "--version", "2.5.0", "--to", "edge", "--yes"],
        ["rollback", "ai", "--ring", "edge", "--yes"], ["up", "canary", "--yes"], ["secrets", "sync", "--yes"],
        ["secrets", "rotate", "MEILISEARCH_KEY", "--reason", "quarterly", "--yes"], ["up", "shared", "--yes"], ["render", "shared"], ["plan", "shared"],
        ["status"], ["ring", "diff", "stable", "edge"], ["report", "--out", Path.Combine(outDir, "report.html")],
        ["tenant", "add", "newco", "--yes"], ["tenant", "remove", "newco", "--reason", "offboarded", "--yes"], ["up", "--all", "--dry-run"],
        ["ring", "add", "qa", "--order", "30", "--segment", "qa", "--yes"], ["ring", "retire", "qa", "--yes"], ["ring", "set-default", "edge", "--yes"],
        ["history"], ["reconcile"], ["verify", "canary", "--url", "http://127.0.0.1:9"], ["db", "migrate"],
    ];

    private static void Commit(string root, string message)
    {
        foreach (var args in new[] { new[] { "add", "-A" }, ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", message] })
        {
            System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("git", args) { WorkingDirectory = root })!.WaitForExit();
        }
    }

    /// <summary>Stacks whose engine prints a secret value in its diff and progress, as a careless provider might.</summary>
    private sealed class SecretPrintingStacks(FakeStacks inner, string secret) : Stacks.IStackRunner
    {
        public Task SelectOrCreateAsync(Stacks.StackId stack, CancellationToken cancellationToken) => inner.SelectOrCreateAsync(stack, cancellationToken);

        public Task SetConfigAsync(Stacks.StackId stack, string key, string value, CancellationToken cancellationToken) => inner.SetConfigAsync(stack, key, value, cancellationToken);

        public Task SetSecretConfigAsync(Stacks.StackId stack, string key, string value, CancellationToken cancellationToken) => inner.SetSecretConfigAsync(stack, key, value, cancellationToken);

        public Task<Stacks.StackChanges> PreviewAsync(Stacks.StackId stack, IProgress<string> progress, CancellationToken cancellationToken) =>
            Task.FromResult(new Stacks.StackChanges(0, 1, 0, 0, 3, $"~ Secret ring-app-secrets\n    APP_KEY: {secret}"));

        public Task<Stacks.StackChanges> UpdateAsync(Stacks.StackId stack, IProgress<string> progress, CancellationToken cancellationToken) => inner.UpdateAsync(stack, progress, cancellationToken);

        public Task<Stacks.StackChanges> UpdateReplacingAsync(Stacks.StackId stack, IReadOnlyList<string> replace, IProgress<string> progress, CancellationToken cancellationToken) => inner.UpdateReplacingAsync(stack, replace, progress, cancellationToken);

        public Task<Stacks.StackChanges> UpdateTargetsAsync(Stacks.StackId stack, IReadOnlyList<string> targets, IProgress<string> progress, CancellationToken cancellationToken) => inner.UpdateTargetsAsync(stack, targets, progress, cancellationToken);

        public Task<IReadOnlyDictionary<string, object?>> GetOutputsAsync(Stacks.StackId stack, CancellationToken cancellationToken) => inner.GetOutputsAsync(stack, cancellationToken);

        public Task CancelAsync(Stacks.StackId stack, CancellationToken cancellationToken) => inner.CancelAsync(stack, cancellationToken);

        public Task<Stacks.StackChanges> DestroyAsync(Stacks.StackId stack, IProgress<string> progress, CancellationToken cancellationToken)
        {
            progress.Report($"deleting Secret ring-app-secrets (APP_KEY: {secret})");
            return inner.DestroyAsync(stack, progress, cancellationToken);
        }

        public Task RemoveAsync(Stacks.StackId stack, CancellationToken cancellationToken) => inner.RemoveAsync(stack, cancellationToken);
    }
}
