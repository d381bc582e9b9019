using Microsoft.Data.Sqlite;

namespace CorsKit.Samples.Api.Tenants;

/// <summary>An order of one tenant.</summary>
public sealed record TenantOrder(long Id, string Item);

/// <summary>The body of POST and PUT on /tenants/{tenant}/orders.</summary>
public sealed record OrderInput(string Item);

/// <summary>
/// The tenants in a SQLite file: each tenant's allowed origins (what CorsKit's origin store reads,
/// see <see cref="SqliteTenantOriginStore"/>) and its orders. No server: the file is created and
/// seeded on first run (<see cref="EnsureCreated"/>), and every query is parameterized and takes
/// the caller's <see cref="CancellationToken"/>.
/// </summary>
public sealed class TenantDatabase
{
    /// <summary>The CorsKit policy whose origins come from this database (appsettings.json, "Cors:Policies:tenants").</summary>
    public const string Policy = "tenants";

    /// <summary>Where the file is when Tenants:Database says nothing: under the content root, like ASP.NET's App_Data.</summary>
    public const string DefaultPath = "App_Data/tenants.db";

    /// <summary>What a new database holds: two tenants, each with its own origin and an order.</summary>
    public static readonly IReadOnlyList<(string Tenant, string Origin, string Order)> Seed =
    [
        ("acme", "https://acme.my-frontend.com", "anvil"),
        ("globex", "https://globex.my-frontend.com", "hammock"),
    ];

    private readonly string _connectionString;

    public TenantDatabase(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadWriteCreate }.ToString();
    }

    /// <summary>The database file, as an absolute path.</summary>
    public string Path { get; }

    /// <summary>Creates the file, its tables and the seed on first run; an existing database is left as it is.</summary>
    public void EnsureCreated()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var version = Command(connection, "PRAGMA user_version");
        version.Transaction = transaction;
        if ((long)version.ExecuteScalar()! != 0)
        {
            return;
        }

        using (var schema = Command(connection, """
            CREATE TABLE tenant_origins (tenant TEXT NOT NULL, origin TEXT NOT NULL, PRIMARY KEY (tenant, origin)) WITHOUT ROWID;
            CREATE TABLE orders (id INTEGER PRIMARY KEY AUTOINCREMENT, tenant TEXT NOT NULL, item TEXT NOT NULL);
            CREATE INDEX orders_by_tenant ON orders (tenant);
            PRAGMA user_version = 1;
            """))
        {
            schema.Transaction = transaction;
            schema.ExecuteNonQuery();
        }

        foreach (var (tenant, origin, order) in Seed)
        {
            using var insert = Command(
                connection,
                "INSERT INTO tenant_origins (tenant, origin) VALUES ($tenant, $origin); INSERT INTO orders (tenant, item) VALUES ($tenant, $item);",
                ("$tenant", tenant), ("$origin", origin), ("$item", order));
            insert.Transaction = transaction;
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>The origins stored for <paramref name="tenant"/>, as written (CorsKit validates them); empty for an unknown tenant.</summary>
    public async Task<IReadOnlyList<string>> OriginsAsync(string tenant, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var query = Command(connection, "SELECT origin FROM tenant_origins WHERE tenant = $tenant ORDER BY origin", ("$tenant", tenant));
        await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var origins = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            origins.Add(reader.GetString(0));
        }

        return origins;
    }

    /// <summary>Stores <paramref name="origin"/> for <paramref name="tenant"/>; false when it was already there.</summary>
    public Task<bool> AddOriginAsync(string tenant, string origin, CancellationToken cancellationToken) =>
        ChangeAsync("INSERT OR IGNORE INTO tenant_origins (tenant, origin) VALUES ($tenant, $origin)", cancellationToken, ("$tenant", tenant), ("$origin", origin));

    /// <summary>Removes <paramref name="origin"/> from <paramref name="tenant"/>'s origins; false when it was not there.</summary>
    public Task<bool> RemoveOriginAsync(string tenant, string origin, CancellationToken cancellationToken) =>
        ChangeAsync("DELETE FROM tenant_origins WHERE tenant = $tenant AND origin = $origin", cancellationToken, ("$tenant", tenant), ("$origin", origin));

    public async Task<IReadOnlyList<TenantOrder>> OrdersAsync(string tenant, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var query = Command(connection, "SELECT id, item FROM orders WHERE tenant = $tenant ORDER BY id", ("$tenant", tenant));
        await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var orders = new List<TenantOrder>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            orders.Add(new TenantOrder(reader.GetInt64(0), reader.GetString(1)));
        }

        return orders;
    }

    public async Task<TenantOrder> AddOrderAsync(string tenant, string item, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var insert = Command(connection, "INSERT INTO orders (tenant, item) VALUES ($tenant, $item) RETURNING id", ("$tenant", tenant), ("$item", item));
        var id = (long)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return new TenantOrder(id, item);
    }

    /// <summary>Renames one of <paramref name="tenant"/>'s orders; null when the tenant has no such order.</summary>
    public async Task<TenantOrder?> RenameOrderAsync(string tenant, long id, string item, CancellationToken cancellationToken) =>
        await ChangeAsync("UPDATE orders SET item = $item WHERE tenant = $tenant AND id = $id", cancellationToken, ("$tenant", tenant), ("$id", id), ("$item", item)).ConfigureAwait(false)
            ? new TenantOrder(id, item)
            : null;

    /// <summary>Closes the pooled connections to the file (before it is deleted).</summary>
    public void CloseConnections()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<bool> ChangeAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // Every statement is a constant of this class; values travel as parameters only.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
