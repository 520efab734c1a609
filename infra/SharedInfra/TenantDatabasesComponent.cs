using System.Collections.Immutable;
using Pulumi;
using Pulumi.Random;
using RingInfra.Core.Shared;
using Pg = Pulumi.PostgreSql;

namespace RingInfra.SharedProgram;

/// <summary>
/// One database and one login role per tenant of the platform in the platform PostgreSQL, each role
/// with a generated password, and the app's own role when its password (DB_PASSWORD) is generated here.
/// Tenant data lives here whichever ring serves the tenant (doc 000).
/// </summary>
public sealed class TenantDatabasesComponent : ComponentResource
{
    public TenantDatabasesComponent(string name, PostgresServer server, Output<string> adminPassword, IReadOnlyList<TenantDatabase> tenants, ComponentResourceOptions? options = null)
        : this(name, server, adminPassword, tenants, appRole: null, options)
    {
    }

    /// <param name="appRole">The app's role and its generated password (DB_PASSWORD), when the stack manages it; null when DB_PASSWORD was imported.</param>
    public TenantDatabasesComponent(string name, PostgresServer server, Output<string> adminPassword, IReadOnlyList<TenantDatabase> tenants, (string Name, Output<string> Password)? appRole, ComponentResourceOptions? options = null)
        : base("ringinfra:shared:TenantDatabases", name, options)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(tenants);
        var provider = new Pg.Provider($"{name}-postgres", new Pg.ProviderArgs
        {
            Host = server.Host,
            Port = server.Port,
            Username = server.Username,
            Password = adminPassword,
            Database = server.Database,
            Sslmode = server.SslMode,
            Superuser = false,
        }, new CustomResourceOptions { Parent = this });
        var pgOptions = new CustomResourceOptions { Parent = this, Provider = provider };
        if (appRole is { } app)
        {
            // DB_PASSWORD was generated: the role the app logs in as gets it, so the rings' pods can authenticate.
            _ = new Pg.Role($"{name}-app-role", new Pg.RoleArgs { Name = app.Name, Login = true, Password = Output.CreateSecret(app.Password) }, pgOptions);
        }

        var databases = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var passwords = new List<Output<KeyValuePair<string, string>>>();
        foreach (var t in tenants)
        {
            var password = new RandomPassword($"{name}-{t.Tenant}-password", new RandomPasswordArgs { Length = 32, Special = false }, new CustomResourceOptions { Parent = this });
            var role = new Pg.Role($"{name}-{t.Tenant}-role", new Pg.RoleArgs { Name = t.Role, Login = true, Password = password.Result }, pgOptions);
            _ = new Pg.Database($"{name}-{t.Tenant}-database", new Pg.DatabaseArgs { Name = t.Database, Owner = role.Name }, pgOptions);
            databases[t.Tenant] = t.Database;
            passwords.Add(password.Result.Apply(p => new KeyValuePair<string, string>(t.Tenant, p)));
        }

        Databases = Output.Create(databases.ToImmutable());
        Passwords = Output.CreateSecret(Output.All(passwords).Apply(kvs => kvs.ToImmutableDictionary(StringComparer.Ordinal)));
        RegisterOutputs();
    }

    /// <summary>Tenant → database name (plain).</summary>
    [Output("databases")]
    public Output<ImmutableDictionary<string, string>> Databases { get; private set; }

    /// <summary>Tenant → role password (secret).</summary>
    [Output("passwords")]
    public Output<ImmutableDictionary<string, string>> Passwords { get; private set; }
}
