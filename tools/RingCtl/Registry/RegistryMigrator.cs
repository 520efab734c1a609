using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace RingCtl.Registry;

/// <summary>
/// Versioned schema migrations (embedded <c>Migrations/NNNN_name.sql</c>), applied in order, each in its
/// own transaction under an advisory lock so concurrent callers apply each exactly once. An applied
/// migration whose text changed is an error: history is never rewritten.
/// </summary>
public static class RegistryMigrator
{
    private const long AdvisoryLock = 0x52494E47; // "RING"

    public sealed record Migration(int Version, string Name, string Sql)
    {
        public string Checksum => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));
    }

    /// <summary>The newest migration's version (from the resource names: nothing is read).</summary>
    public static int Latest { get; } = typeof(RegistryMigrator).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith("RingCtl.Migrations.", StringComparison.Ordinal))
        .Max(n => int.Parse(n.AsSpan("RingCtl.Migrations.".Length, 4), System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The newest version applied to the database (0 before the first migration): one query, no lock.</summary>
    public static async Task<int> CurrentVersionAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var c = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand("select coalesce(max(version), 0) from schema_migrations", c);
        try
        {
            return Convert.ToInt32(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }

    public static IReadOnlyList<Migration> All()
    {
        var assembly = typeof(RegistryMigrator).Assembly;
        return [.. assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("RingCtl.Migrations.", StringComparison.Ordinal))
            .Select(n => Load(assembly, n))
            .OrderBy(m => m.Version)];
    }

    private static Migration Load(Assembly assembly, string resource)
    {
        var file = resource["RingCtl.Migrations.".Length..^".sql".Length];
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return new Migration(int.Parse(file[..4], System.Globalization.CultureInfo.InvariantCulture), file[5..], reader.ReadToEnd());
    }

    /// <summary>Applies what is pending; returns the versions applied now (empty when up to date).</summary>
    public static async Task<IReadOnlyList<Migration>> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("select pg_advisory_xact_lock(@k)", new { k = AdvisoryLock }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "create table if not exists schema_migrations (version integer primary key, name text not null, checksum text not null, applied_at timestamptz not null default now())",
            transaction: tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var applied = (await connection.QueryAsync<(int Version, string Checksum)>(new CommandDefinition(
            "select version, checksum from schema_migrations", transaction: tx, cancellationToken: cancellationToken)).ConfigureAwait(false))
            .ToDictionary(r => r.Version, r => r.Checksum);
        var done = new List<Migration>();
        foreach (var m in All())
        {
            if (applied.TryGetValue(m.Version, out var checksum))
            {
                if (checksum != m.Checksum)
                {
                    throw new RegistryException($"migration {m.Version:D4}_{m.Name} was changed after it was applied (checksum {checksum[..12]} in the database, {m.Checksum[..12]} now); add a new migration instead");
                }

                continue;
            }

            await connection.ExecuteAsync(new CommandDefinition(m.Sql, transaction: tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(
                "insert into schema_migrations (version, name, checksum) values (@Version, @Name, @Checksum)",
                new { m.Version, m.Name, m.Checksum }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
            done.Add(m);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return done;
    }
}
