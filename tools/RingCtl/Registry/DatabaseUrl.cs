using Npgsql;
using RingCtl.Cli;

namespace RingCtl.Registry;

/// <summary>
/// <c>RINGCTL_DATABASE_URL</c> as a URL (<c>postgres://user:pass@host:5432/db?sslmode=require</c>) or an
/// Npgsql connection string (<c>Host=…;Database=…</c>). The value itself is never printed — not even
/// "redacted": passwords hide behind <c>Pwd=</c>, <c>PSW=</c>, quoted values with <c>;</c> and <c>@</c> in URLs.
/// Messages name the parsed host, port, database and user (<see cref="Describe"/>) and nothing else.
/// </summary>
public static class DatabaseUrl
{
    public const string Variable = "RINGCTL_DATABASE_URL";

    public static NpgsqlConnectionStringBuilder Parse(string value)
    {
        if (value.StartsWith("postgres://", StringComparison.Ordinal) || value.StartsWith("postgresql://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            {
                throw new CommandException(ExitCodes.Usage, $"{Variable}: not a valid postgres:// URL (the value is not shown: it may hold a password)");
            }

            var builder = new NpgsqlConnectionStringBuilder
            {
                Host = uri.Host,
                Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
                Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } db ? db : "ringinfra",
            };
            var userInfo = uri.UserInfo.Split(':', 2);
            if (userInfo[0].Length > 0)
            {
                builder.Username = Uri.UnescapeDataString(userInfo[0]);
            }

            if (userInfo.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(userInfo[1]);
            }

            foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = pair.Split('=', 2);
                if (kv[0] == "sslmode" && kv.Length == 2)
                {
                    builder.SslMode = Enum.TryParse<SslMode>(kv[1].Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var mode)
                        ? mode
                        : throw new CommandException(ExitCodes.Usage, $"{Variable}: sslmode must be one of {string.Join(", ", Enum.GetNames<SslMode>()).ToLowerInvariant()}");
                }
            }

            return builder;
        }

        try
        {
            return new NpgsqlConnectionStringBuilder(value);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            // Npgsql's message may quote a fragment of the value; none of it is shown.
            throw new CommandException(ExitCodes.Usage, $"{Variable}: not a connection string or postgres:// URL (the value is not shown: it may hold a password)");
        }
    }

    /// <summary>Where a connection goes, for messages: host, port, database and user — never the password.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return $"host {builder.Host ?? "(none)"}, port {builder.Port}, database {builder.Database ?? "(none)"}, user {builder.Username ?? "(none)"}";
    }
}
