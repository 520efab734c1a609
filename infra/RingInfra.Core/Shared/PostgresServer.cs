namespace RingInfra.Core.Shared;

/// <summary>The platform PostgreSQL the shared stack creates per-tenant databases in (the admin password is secret config).</summary>
public sealed record PostgresServer(string Host, int Port, string Username, string Database, string SslMode);
