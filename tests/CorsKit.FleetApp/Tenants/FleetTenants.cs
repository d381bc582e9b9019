using System.Diagnostics.Metrics;
using Npgsql;

namespace CorsKit.FleetApp.Tenants;

/// <summary>
/// The fleet's tenants, when <c>Fleet:PostgreSQL</c> names a database: CorsKit's origin store over
/// it, the <c>LISTEN</c>er (unless <c>Fleet:Listen</c> is <c>false</c>, to measure expiry alone),
/// an admin endpoint that changes a tenant's origins as an app's admin page would, and the store's
/// counters and the process's memory for the flood test.
/// </summary>
public static class FleetTenants
{
    public static void Add(WebApplicationBuilder builder, string connectionString)
    {
        builder.Services.AddSingleton(new TenantOriginsDatabase(NpgsqlDataSource.Create(connectionString)));
        builder.Services.AddSingleton<StoreStats>();
        builder.Services.AddSingleton<HeldKeysGauge>();
        builder.Services.AddStrictCorsOriginStore<PostgresTenantOriginStore>();
        if (!string.Equals(builder.Configuration["Fleet:Listen"], "false", StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddHostedService<TenantOriginsListener>();
        }
    }

    public static async Task MapAsync(WebApplication app)
    {
        await app.Services.GetRequiredService<TenantOriginsDatabase>().EnsureSchemaAsync(CancellationToken.None);
        var policy = app.Configuration["Fleet:TenantPolicy"] ?? "tenants";

        // The admin page's write, then the recipe's local invalidation: in force at once here; the
        // trigger's notification reaches the other instances.
        app.MapPost("/admin/tenants/{tenant}/origins", async (string tenant, string origin, TenantOriginsDatabase database, IStrictCorsOriginCache cache, CancellationToken cancellationToken) =>
        {
            await database.AddAsync(tenant, origin, cancellationToken);
            cache.Invalidate(policy, tenant);
            return Results.NoContent();
        });
        app.MapDelete("/admin/tenants/{tenant}/origins", async (string tenant, string origin, TenantOriginsDatabase database, IStrictCorsOriginCache cache, CancellationToken cancellationToken) =>
        {
            await database.RemoveAsync(tenant, origin, cancellationToken);
            cache.Invalidate(policy, tenant);
            return Results.NoContent();
        });

        app.MapGet("/fleet/stats", (StoreStats stats, HeldKeysGauge keys, bool? collect) =>
        {
            if (collect == true)
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
            }

            using var process = System.Diagnostics.Process.GetCurrentProcess();
            return Results.Ok(new FleetStats(stats.Queries, stats.MaxInFlight, keys.Read(), GC.GetTotalMemory(forceFullCollection: false), process.WorkingSet64));
        });
    }

    /// <summary>Reads CorsKit's gauge <c>corskit.origin_store.keys</c> as an operator's collector would.</summary>
    public sealed class HeldKeysGauge : IDisposable
    {
        private readonly MeterListener _listener = new();
        private int _last = -1;

        public HeldKeysGauge()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == CorsKitMeter.Name && instrument.Name == CorsKitMeter.OriginStoreKeysGauge)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<int>((_, value, _, _) => Volatile.Write(ref _last, value));
            _listener.Start();
        }

        /// <summary>The keys held for the (one) store policy; -1 before CorsKit published the gauge.</summary>
        public int Read()
        {
            _listener.RecordObservableInstruments();
            return Volatile.Read(ref _last);
        }

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>What <c>/fleet/stats</c> answers.</summary>
    public sealed record FleetStats(long Queries, int MaxInFlight, int HeldKeys, long ManagedBytes, long WorkingSetBytes);
}
