using Npgsql;
using RingCtl.Cli;
using RingCtl.Tests.Support;

namespace RingCtl.Tests;

/// <summary>
/// The bad-input suite: bad arguments, config files, lock files and registry states across commands.
/// Each gives its documented exit code and a message naming the key and the value, and leaves the
/// registry (every row), the files (every hash) and the stack calls (none) exactly as they were.
/// </summary>
[Collection("postgres")]
public sealed class BadInputSuiteTests
{
    private readonly PostgresFixture _pg;

    public BadInputSuiteTests(PostgresFixture pg)
    {
        _pg = pg;
    }

    public sealed record Case(string Name, string[] Args, int Exit, string Message, Func<OpsHarness, Task>? Setup = null)
    {
        public override string ToString() => Name;
    }

    private static Func<OpsHarness, Task> Edit(string file, string from, string to) => h =>
    {
        h.Repo.Replace(file, from, to);
        return Task.CompletedTask;
    };

    private static Func<OpsHarness, Task> Sql(string sql) => async h =>
    {
        await using var c = new NpgsqlConnection(h.ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    };

    private static readonly string[] Promote = ["promote", "ai", "--version", "2.5.0", "--to", "edge", "--yes"];

    public static TheoryData<Case> Cases() =>
    [
        new("unknown tenant", ["tenant", "assign", "ghost", "canary", "--yes"], 2, "tenant: 'ghost' is not in the registry"),
        new("unknown target ring", ["tenant", "assign", "acme", "nowhere", "--yes"], 2, "ring: 'nowhere' is not a ring of the registry (known: stable, edge, canary)"),
        new("bad region", ["tenant", "assign", "acme", "--region", "Mars_1"], 2, "--region: must be a region name such as eu or us-east (a DNS label), or 'none' to clear it (got Mars_1)"),
        new("missing ring argument", ["tenant", "assign", "acme"], 2, "tenant assign: give the ring to move the tenant to, or --region to change its home region"),
        new("no confirmation without a terminal", ["tenant", "assign", "acme", "canary"], 2, "move acme from stable to canary? — confirmation needed and there is no interactive terminal: pass --yes"),
        new("tenant move without --to", ["tenant", "move", "--tenants", "acme", "--yes"], 2, "--to: required: the ring the tenants move to"),
        new("tenant move without tenants", ["tenant", "move", "--to", "edge", "--yes"], 2, "tenants: name them with one of --tenants a,b,c, --from-file FILE or --from-ring RING"),
        new("tenant move with two tenant sources", ["tenant", "move", "--to", "edge", "--tenants", "acme", "--from-ring", "stable", "--yes"], 2, "tenants: give one of --tenants, --from-file, --from-ring (got --tenants, --from-ring)"),
        new("tenant move with a bad and a repeated tenant", ["tenant", "move", "--to", "edge", "--tenants", "acme,Acme!,acme", "--yes"], 2,
            "--tenants (item 2): 'Acme!' must be a tenant name: a DNS label of lower-case letters, digits and '-' (digits first allowed, no '-' at either end, at most 63 characters)\n--tenants (item 3): acme is listed twice (first at --tenants (item 1))"),
        new("tenant move of unknown tenants", ["tenant", "move", "--to", "edge", "--tenants", "acme,ghost,phantom", "--yes"], 2, "tenants: 2 not in the registry: ghost, phantom (ringctl ring show <ring> --tenants lists them); nothing was changed"),
        new("tenant move to an unknown ring", ["tenant", "move", "--to", "nowhere", "--tenants", "acme", "--yes"], 2, "--to: 'nowhere' is not a ring of the registry (known: stable, edge, canary)"),
        new("tenant move from the ring it moves to", ["tenant", "move", "--to", "edge", "--from-ring", "edge", "--yes"], 2, "--from-ring: 'edge' is the ring the tenants move to (--to); name another"),
        new("tenant move with --limit but no --from-ring", ["tenant", "move", "--to", "edge", "--tenants", "acme", "--limit", "5", "--yes"], 2, "--limit: only with --from-ring (it takes that ring's first N tenants)"),
        new("tenant move with a zero wave size", ["tenant", "move", "--to", "edge", "--tenants", "acme", "--wave-size", "0", "--yes"], 2, "--wave-size: must be a positive number of tenants per wave (got 0)"),
        new("tenant move with a pause that is no duration", ["tenant", "move", "--to", "edge", "--tenants", "acme", "--pause", "a while", "--yes"], 2, "--pause: must be a duration up to 6h such as 30s, 10m or 1h (got 'a while')"),
        new("tenant move from a missing file", ["tenant", "move", "--to", "edge", "--from-file", "no-such-file.txt", "--yes"], 2, "--from-file: 'no-such-file.txt' does not exist"),
        new("tenant move --resume of no run", ["tenant", "move", "--resume", "42", "--yes"], 2, "--resume: operation #42 is not a tenant move run (ringctl history lists operations)"),
        new("tenant move --resume with a tenant list", ["tenant", "move", "--resume", "1", "--tenants", "acme", "--yes"], 2, "--resume: the run's own plan is used; drop --tenants"),
        new("tenant move --verify into a ring without gates", ["tenant", "move", "--to", "canary", "--tenants", "acme", "--verify", "--yes"], 2, "--verify: canary has no metric gates (ring-infra:gates) to watch between waves; drop --verify or give it gates"),
        new("tenant show of an unknown tenant", ["tenant", "show", "ghost"], 2, "tenant: 'ghost' is not in the registry"),
        new("promote with neither --from nor --version", ["promote", "orders", "--to", "edge", "--yes"], 2, "promote: give exactly one of --from RING or --version VERSION"),
        new("promote with both --from and --version", ["promote", "orders", "--from", "canary", "--version", "1.7.0", "--to", "edge", "--yes"], 2, "promote: give exactly one of --from RING or --version VERSION"),
        new("promote a version that is not semver", ["promote", "orders", "--version", "1.x", "--to", "edge", "--yes"], 2, "--version: must be a semantic version MAJOR.MINOR.PATCH such as 1.6.0 (got 1.x)"),
        new("promote a new version without its checksum", ["promote", "orders", "--version", "9.9.9", "--to", "edge", "--yes"], 2, "--sha256: orders 9.9.9 is in no ring's lock, so its artifact checksum is needed: 64 lower-case hex digits (got nothing)"),
        new("promote with a bad checksum", ["promote", "orders", "--version", "9.9.9", "--sha256", "XYZ", "--to", "edge", "--yes"], 2, "(got XYZ)"),
        new("promote an unknown module", ["promote", "nosuch", "--from", "canary", "--to", "edge", "--yes"], 2, "module: 'nosuch' is not in canary's lock (23 modules:"),
        new("promote to an unknown ring", ["promote", "orders", "--from", "canary", "--to", "nowhere", "--yes"], 2, "--to: 'nowhere' is not a ring of this repository (known: stable, edge, canary)"),
        new("promote from an unknown ring", ["promote", "orders", "--from", "nowhere", "--to", "edge", "--yes"], 2, "--from: 'nowhere' is not a ring of this repository (known: stable, edge, canary)"),
        new("promote into a protected ring without approver", ["promote", "orders", "--from", "edge", "--to", "stable", "--yes"], 4, "approval: stable is protected: name the approver with --approved-by"),
        new("promote backwards", ["promote", "orders", "--from", "stable", "--to", "edge", "--yes"], 4, "order: stable (order 0) -> edge (order 10) moves backwards; promotions go towards order 0"),
        new("promote before the bake time", ["promote", "ai", "--from", "canary", "--to", "edge", "--yes"], 4, "bake: ai 2.5.0 landed in canary 0m ago", h => h.LandedAsync(TimeSpan.Zero)),
        new("promote what the ring already runs", ["promote", "ai", "--version", "2.4.0", "--to", "edge", "--yes"], 4, "version: edge already runs ai 2.4.0"),
        new("promote into stable before the version baked in edge", ["promote", "orders", "--from", "edge", "--to", "stable", "--approved-by", "release-manager", "--yes"], 4, "bake: orders 1.6.0 landed in edge 0m ago", h => h.LandedAsync(TimeSpan.Zero)),
        new("rollback with no history", ["rollback", "orders", "--ring", "edge", "--yes"], 2, "rollback: no earlier version of orders is recorded for edge; name one it ran with --to-version"),
        new("rollback a protected ring without approver", ["rollback", "orders", "--ring", "stable", "--to-version", "1.6.0", "--yes"], 4, "approval: stable is protected: name the approver with --approved-by"),
        new("ring add with a taken order", ["ring", "add", "qa", "--order", "10", "--segment", "qa", "--yes"], 2, "ring 'qa': promotionOrder must be unique across rings (ring 'edge' uses it too) (got 10)"),
        new("ring add with a taken segment", ["ring", "add", "qa", "--order", "30", "--segment", "edge", "--yes"], 2, "ring 'qa': hostnameSegment must be unique across rings (ring 'edge' uses it too) (got edge)"),
        new("ring add with a bad name", ["ring", "add", "Q_A", "--order", "30", "--segment", "qa", "--yes"], 2, "name: must be a DNS label (lower-case letters, digits and '-', starting with a letter, at most 63 characters) (got Q_A)"),
        new("ring add with a bad tier", ["ring", "add", "qa", "--order", "30", "--segment", "qa", "--tier", "prod", "--yes"], 2, "--tier: must be one of dev, staging, production (got prod)"),
        new("ring add with a bad bake time", ["ring", "add", "qa", "--order", "30", "--segment", "qa", "--bake-time", "1week", "--yes"], 2, "--bake-time: must be a duration such as 30m, 24h or 7d (got 1week)"),
        new("ring add of an existing ring", ["ring", "add", "canary", "--order", "30", "--segment", "x", "--yes"], 2, "ring: 'canary' already exists (Pulumi.canary.yaml)"),
        new("ring add from an unknown ring", ["ring", "add", "qa", "--order", "30", "--segment", "qa", "--from", "nowhere", "--yes"], 2, "--from: 'nowhere' is not a ring of this repository (known: stable, edge, canary)"),
        new("ring add with a bad namespace", ["ring", "add", "qa", "--order", "30", "--segment", "qa", "--namespace", "Bad_NS", "--yes"], 2, "ring 'qa': namespace must be a DNS label (lower-case letters, digits and '-', starting with a letter, at most 63 characters) (got Bad_NS)"),
        new("retire a ring with tenants", ["ring", "retire", "edge", "--yes"], 5, "ring retire edge: it still has 2 tenant(s) (bar, widgets); move them first with ringctl tenant assign"),
        new("retire the default ring", ["ring", "retire", "stable", "--yes"], 5, "ring retire stable: it is the default ring; make another ring the default first"),
        new("retire an unknown ring", ["ring", "retire", "nowhere", "--yes"], 2, "ring: 'nowhere' is not a ring of the registry"),
        new("show an unknown ring", ["ring", "show", "nowhere"], 2, "ring: 'nowhere' is not a ring of the registry"),
        new("verify an unknown ring", ["verify", "nowhere", "--url", "http://127.0.0.1:9"], 2, "ring: 'nowhere' is not a ring of the registry"),
        new("history with a bad limit", ["history", "--limit", "many"], 2, "Cannot parse argument 'many' for option '--limit'"),
        new("up an unknown ring", ["up", "nowhere", "--yes"], 2, "ring: 'nowhere' is not a ring of this repository (known: stable, edge, canary)"),
        new("up with no ring", ["up", "--yes"], 2, "ring: name at least one ring or pass --all (known: stable, edge, canary)"),
        new("secrets sync without confirmation", ["secrets", "sync"], 2, "confirmation needed and there is no interactive terminal: pass --yes"),
        new("an unfinished operation blocks the ring", ["tenant", "assign", "test-canary", "edge", "--yes"], 5, "ring canary has an unfinished operation #1 (promote orders 1.7.0-beta.1 → 1.9.0, at step 'intent', started ",
            Sql("insert into operations (kind, rings, module, from_value, to_value, actor) values ('promote', '{canary}', 'orders', '1.7.0-beta.1', '1.9.0', 'crashed-run')")),
        new("a ring leased by another run", Promote, 5, "ring busy: edge is held by alice (host elsewhere, pid 1, run 0a0b0c0d) since",
            Sql("insert into ring_leases (ring, owner, expires_at) values ('edge', 'alice (host elsewhere, pid 1, run 0a0b0c0d)', now() + interval '1 hour')")),
        new("a tenant assigned to a retired ring", ["tenant", "assign", "acme", "canary", "--yes"], 2, "ring: 'canary' is retired (inactive); tenants can only be assigned to active rings",
            Sql("update tenants set module_ring_id = (select id from module_rings where name = 'edge') where name = 'test-canary'; update module_rings set is_active = false where name = 'canary'")),
        new("a ring file that does not validate", Promote, 2, "ring 'canary': tier must be one of dev, staging, production (got qa)", Edit("Pulumi.canary.yaml", "ring-infra:tier: dev", "ring-infra:tier: qa")),
        new("a lock that does not validate", Promote, 2, "lock 'stacks/locks/canary.lock.json': modules.orders.version must be a semantic version MAJOR.MINOR.PATCH such as 1.6.0 (got 1.7)",
            Edit("stacks/locks/canary.lock.json", "\"version\": \"1.7.0-beta.1\"", "\"version\": \"1.7\"")),
        new("a shared stack that does not validate", Promote, 2, "shared stack 'stacks/shared/Pulumi.shared.yaml': services.redis.port must be <= 65535 (got 99999)",
            Edit("stacks/shared/Pulumi.shared.yaml", "port: 6379", "port: 99999")),
        new("a cluster listed twice", Promote, 2, "ring 'canary': clusters[1].name must be unique within the ring (listed twice) (got c1)",
            Edit("Pulumi.canary.yaml", "ring-infra:tier: dev", "ring-infra:tier: dev\n  ring-infra:clusters:\n    - name: c1\n      region: eu\n    - name: c1\n      region: eu")),
        new("a cluster in a region without a shared stack", Promote, 2, "ring 'canary': clusters[0].region has no shared stack: sharedStack maps only eu (every region needs its shared stack) (got us)",
            Edit("Pulumi.canary.yaml", "ring-infra:tier: dev", "ring-infra:tier: dev\n  ring-infra:clusters:\n    - name: c1\n      region: us\n  ring-infra:sharedStack:\n    eu: organization/ring-infra-shared/shared")),
        new("an --url that cannot tell a ring's clusters apart", [.. Promote, "--url", "http://edge.acme.io"], 2, "--url: 'http://edge.acme.io' is one address for edge's 2 clusters (c1, c2); put $cluster or $region in it",
            Edit("Pulumi.edge.yaml", "ring-infra:tier: staging", "ring-infra:tier: staging\n  ring-infra:clusters:\n    - name: c1\n      region: eu\n    - name: c2\n      region: us")),
        new("a secret in a ring's env", Promote, 2, "ring 'edge': env.API_TOKEN looks like a secret; secrets come from the shared stack's secret outputs, never from ring config (got (value hidden))",
            Edit("Pulumi.edge.yaml", "LOG_LEVEL: info", "LOG_LEVEL: info\n    API_TOKEN: tok-123")),
    ];

    [Fact]
    public void TheSuite_HasAtLeastFortyCases() => Cases().Count.ShouldBeGreaterThanOrEqualTo(40);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadInput_GivesItsExitCodeAndMessage_AndChangesNothing(Case c)
    {
        await using var h = await OpsHarness.CreateAsync(_pg);
        if (c.Setup is not null)
        {
            await c.Setup(h);
        }

        var stacks = new FakeStacks(h.Repo.Root);
        var registry = await RegistryDump.OfAsync(h.ConnectionString);
        var files = Snapshot.Of(h.Repo.Root);

        var result = await h.RunAsync(stacks, c.Args);

        result.ExitCode.ShouldBe(c.Exit, result.Err);
        result.Err.ShouldContain(c.Message);
        // A gate's refusal (exit 3 or 4) writes exactly one closed refusal row to the log, and nothing else.
        (await RegistryDump.OfAsync(h.ConnectionString, withoutRefusals: true)).ShouldBe(registry);
        (await RegistryDump.RefusalsAsync(h.ConnectionString)).Count.ShouldBe(c.Exit is ExitCodes.PolicyViolation or ExitCodes.GateRefused ? 1 : 0);
        Snapshot.Of(h.Repo.Root).ShouldBe(files);
        stacks.Calls.ShouldBeEmpty();
        result.Err.ShouldNotContain(" at RingCtl.", customMessage: "no stack trace for a user error");
    }

    [Fact]
    public async Task AnUnmigratedRegistry_IsRefused_NamingTheVersions()
    {
        using var repo = new RingInfra.Core.Tests.Support.TempRepo();
        var cs = await _pg.NewDatabaseAsync();
        var before = await RegistryDump.OfAsync(cs);
        var result = await RingCtlRunner.RunAsync(repo.Root, new CliContextOptions(cs), "ring", "list");
        result.ExitCode.ShouldBe(ExitCodes.Usage);
        result.ErrLines.ShouldBe(["ringctl: registry schema is at version 0, ringctl needs 8: run `ringctl db migrate`"]);
        (await RegistryDump.OfAsync(cs)).ShouldBe(before);
    }

    [Fact]
    public async Task AMalformedDatabaseUrl_IsRefused_WithoutEchoingItsPassword()
    {
        using var repo = new RingInfra.Core.Tests.Support.TempRepo();
        var result = await RingCtlRunner.RunAsync(repo.Root, new CliContextOptions("postgres://user:CANARY-pw-31@:5432/x"), "ring", "list");
        result.ExitCode.ShouldBe(ExitCodes.Usage);
        result.ErrLines.ShouldBe(["ringctl: RINGCTL_DATABASE_URL: not a valid postgres:// URL (the value is not shown: it may hold a password)"]);
    }
}
