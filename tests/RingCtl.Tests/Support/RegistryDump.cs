using Npgsql;

namespace RingCtl.Tests.Support;

/// <summary>Every row of every registry table, in a stable order: proves a failed command wrote nothing.</summary>
public static class RegistryDump
{
    private static readonly string[] Tables = ["module_rings", "tenants", "operations", "ring_leases", "module_landings", "schema_migrations"];

    public static async Task<string> OfAsync(string connectionString)
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

            await using var cmd = new NpgsqlCommand($"select row_to_json(t)::text from {table} t order by 1", c);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                lines.Add($"{table}: {reader.GetString(0)}");
            }
        }

        return string.Join("\n", lines);
    }
}
