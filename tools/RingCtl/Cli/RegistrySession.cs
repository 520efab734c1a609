using System.CommandLine;
using Npgsql;
using RingCtl.Operations;
using RingCtl.Registry;

namespace RingCtl.Cli;

/// <summary>
/// A command's registry and operation context. With no <c>RINGCTL_DATABASE_URL</c>, ringctl starts (once)
/// and reuses a private PostgreSQL under <c>.ringctl/postgres</c>, migrates it and seeds it from the stack
/// files. A configured registry must have been migrated with <c>ringctl db migrate</c>.
/// </summary>
public sealed class RegistrySession : IAsyncDisposable
{
    private RegistrySession(RegistryDatabase database, OperationContext operations, string root)
    {
        Database = database;
        Operations = operations;
        Root = root;
    }

    public RegistryDatabase Database { get; }

    public OperationContext Operations { get; }

    public string Root { get; }

    public static async Task<RegistrySession> OpenAsync(ParseResult parse, GlobalOptions globals, CliContext context, CancellationToken ct, bool migrate = false)
    {
        using var open = RunProfile.Phase("registry session (all of the above)");
        var root = RepositoryRoot.Find(parse.GetValue(globals.Root), context.WorkingDirectory);
        var privateRegistry = context.DatabaseUrl is null;
        string connection;
        using (RunProfile.Phase("private-server check"))
        {
            connection = privateRegistry
                ? await PrivateRegistryAsync(root, ct).ConfigureAwait(false)
                : DatabaseUrl.Parse(context.DatabaseUrl!).ConnectionString;
        }

        var target = privateRegistry ? "private, .ringctl/postgres" : DatabaseUrl.Describe(new NpgsqlConnectionStringBuilder(connection));
        var database = new RegistryDatabase(connection);
        try
        {
            var ops = new OperationContext
            {
                Registry = new RingRegistry(database),
                Log = new OperationLog(database),
                Leases = new RingLeases(database),
                StacksFactory = () => context.StackRunnerFactory(root),
                Root = root,
                Actor = parse.GetValue(globals.Actor) ?? context.DefaultActor,
                Progress = new LineProgress(context.Err, [.. context.Redact]),
                Wait = parse.GetValue(globals.Wait) ? TimeSpan.FromMinutes(10) : TimeSpan.Zero,
                PrometheusUrl = context.PrometheusUrl,
                HttpFactory = () => context.Http,
                Clock = context.Clock,
            };
            var session = new RegistrySession(database, ops, root);
            using (RunProfile.Phase("registry connect + schema check"))
            {
                // One query when the schema is current. The private registry migrates itself (after an upgrade of ringctl);
                // a configured one is migrated by `ringctl db migrate`, on purpose.
                var version = migrate ? 0 : await RegistryMigrator.CurrentVersionAsync(database.DataSource, ct).ConfigureAwait(false);
                if (migrate || (version < RegistryMigrator.Latest && privateRegistry))
                {
                    await RegistryMigrator.MigrateAsync(database.DataSource, ct).ConfigureAwait(false);
                }
                else if (version < RegistryMigrator.Latest)
                {
                    throw new CommandException(ExitCodes.Usage, $"registry schema is at version {version}, ringctl needs {RegistryMigrator.Latest}: run `ringctl db migrate`");
                }
            }

            if (privateRegistry)
            {
                using var phase = RunProfile.Phase("seed check");
                if (await Seeding.SeedAsync(ops, ct).ConfigureAwait(false) is { } seeded)
                {
                    ops.Progress.Report(seeded);
                }
            }

            return session;
        }
        catch (NpgsqlException e)
        {
            await database.DisposeAsync().ConfigureAwait(false);
            throw new CommandException(ExitCodes.Infrastructure, $"registry ({target}): {e.Message}");
        }
        catch
        {
            await database.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The private registry under <c>.ringctl/postgres</c> (see <see cref="LocalPostgres"/> and <see cref="Stacks.PrivateFiles.AllowTraverse"/>).</summary>
    private static Task<string> PrivateRegistryAsync(string root, CancellationToken ct)
    {
        var state = Path.Combine(root, ".ringctl");
        Stacks.PrivateFiles.Folder(state);
        if (Environment.UserName == "root")
        {
            Stacks.PrivateFiles.AllowTraverse(state);
        }

        return new LocalPostgres(Path.Combine(state, "postgres")).EnsureStartedAsync("ringinfra", ct);
    }

    public async ValueTask DisposeAsync()
    {
        using var phase = RunProfile.Phase("registry close");
        await Database.DisposeAsync().ConfigureAwait(false);
    }
}
