using Npgsql;

namespace CorsKit.FleetApp.Tenants;

/// <summary>
/// The fleet's tenants table in PostgreSQL, shared by every instance: one row per tenant and
/// origin, the tenant named by its custom domain (the policy's <c>"Key": "Host"</c>). A trigger
/// notifies the channel <see cref="Channel"/> with the changed tenant on every insert, update and
/// delete (docs/origin-store.md, "other instances, at once").
/// </summary>
public sealed class TenantOriginsDatabase(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public const string Channel = "tenant_origins";

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS tenant_origins (
          tenant text NOT NULL,
          origin text NOT NULL,
          PRIMARY KEY (tenant, origin));
        CREATE OR REPLACE FUNCTION tenant_origins_changed() RETURNS trigger AS $$
        BEGIN
          PERFORM pg_notify('tenant_origins', COALESCE(NEW.tenant, OLD.tenant));
          RETURN NULL;
        END $$ LANGUAGE plpgsql;
        CREATE OR REPLACE TRIGGER tenant_origins_notify AFTER INSERT OR UPDATE OR DELETE ON tenant_origins
          FOR EACH ROW EXECUTE FUNCTION tenant_origins_changed();
        """;

    public NpgsqlDataSource DataSource => dataSource;

    /// <summary>Creates the table and its trigger once, whichever instance starts first (an advisory lock keeps the others waiting).</summary>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(4242); " + Schema, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyCollection<string>> OriginsAsync(string tenant, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT origin FROM tenant_origins WHERE tenant = $1");
        command.Parameters.AddWithValue(tenant);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var origins = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            origins.Add(reader.GetString(0));
        }

        return origins;
    }

    public async Task AddAsync(string tenant, string origin, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("INSERT INTO tenant_origins (tenant, origin) VALUES ($1, $2) ON CONFLICT DO NOTHING");
        command.Parameters.AddWithValue(tenant);
        command.Parameters.AddWithValue(origin);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task RemoveAsync(string tenant, string origin, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM tenant_origins WHERE tenant = $1 AND origin = $2");
        command.Parameters.AddWithValue(tenant);
        command.Parameters.AddWithValue(origin);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
