using Npgsql;

namespace RingCtl.Tests.Support;

/// <summary>Every row of every registry table, in a stable order: proves a failed command wrote nothing.</summary>
public static class RegistryDump
{
    private static readonly string[] Tables = ["module_rings", "tenants", "operations", "ring_leases", "module_landings", "cluster_rollouts", "schema_migrations"];

    /// <param name="connectionString">The registry.</param>
    /// <param name="withoutRefusals">Leave out the operations log's refusal rows (a refused change writes exactly one, and nothing else).</param>
    public static async Task<string> OfAsync(string connectionString, bool withoutRefusals = false)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        var lines = new List<string>();
        foreach (var table in Tables)
        {
            await using var exists = new NpgsqlCommand($"select to_regclass('{table}') is not null", c);
            if (!(bool)(await exists.ExecuteScalarAsync())!)
            {
                lines.Add($"{table}: absent");
                continue;
            }

            var where = withoutRefusals && table == "operations" ? " where status <> 'refused'" : "";
            await using var cmd = new NpgsqlCommand($"select row_to_json(t)::text from {table} t{where} order by 1", c);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                lines.Add($"{table}: {reader.GetString(0)}");
            }
        }

        return string.Join("\n", lines);
    }

    /// <summary>The operations log's refusal rows: kind, rings, what was overridden, the reasons (oldest first).</summary>
    public static async Task<IReadOnlyList<(string Kind, string[] Rings, string Error, string[] Overrides, string? ApprovedBy)>> RefusalsAsync(string connectionString)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("select kind, rings, error, overrides, approved_by from operations where status = 'refused' and finished_at is not null order by id", c);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<(string, string[], string, string[], string?)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetFieldValue<string[]>(1), reader.GetString(2), reader.GetFieldValue<string[]>(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return rows;
    }
}
