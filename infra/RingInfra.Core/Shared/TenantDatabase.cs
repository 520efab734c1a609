namespace RingInfra.Core.Shared;

/// <summary>A tenant's database and its login role (same name): <c>tenant_&lt;tenant with - as _&gt;</c>.</summary>
public sealed record TenantDatabase(string Tenant, string Database, string Role)
{
    public static TenantDatabase For(string tenant)
    {
        var name = "tenant_" + tenant.Replace('-', '_');
        return new TenantDatabase(tenant, name, name);
    }
}
