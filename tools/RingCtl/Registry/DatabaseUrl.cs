using Npgsql;
using RingCtl.Cli;

namespace RingCtl.Registry;

/// <summary>
/// <c>RINGCTL_DATABASE_URL</c> as a URL (<c>postgres://user:pass@host:5432/db?sslmode=require</c>) or an
/// Npgsql connection string (<c>Host=…;Database=…</c>). The password is never printed.
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
                throw new CommandException(ExitCodes.Usage, $"{Variable}: not a valid postgres:// URL (got {Redact(value)})");
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
                    builder.SslMode = Enum.Parse<SslMode>(kv[1].Replace("-", "", StringComparison.Ordinal), ignoreCase: true);
                }
            }

            return builder;
        }

        try
        {
            return new NpgsqlConnectionStringBuilder(value);
        }
        catch (ArgumentException e)
        {
            throw new CommandException(ExitCodes.Usage, $"{Variable}: not a connection string or postgres:// URL: {e.Message}");
        }
    }

    /// <summary>The value with any password replaced by <c>***</c>.</summary>
    public static string Redact(string value) =>
        System.Text.RegularExpressions.Regex.Replace(value, "(://[^:/@]*:)[^@]*@|(?i)(password=)[^;]*", m => m.Groups[1].Success ? m.Groups[1].Value + "***@" : m.Groups[2].Value + "***");
}
