namespace CorsKit.FleetApp.Tenants;

/// <summary>
/// CorsKit's origin store over <see cref="TenantOriginsDatabase"/>. It also counts what it is
/// asked (<see cref="StoreStats"/>): the flood test reads how many queries CorsKit let through and how
/// many ran at once.
/// </summary>
public sealed class PostgresTenantOriginStore(TenantOriginsDatabase database, StoreStats stats) : IStrictCorsOriginStore
{
    public async ValueTask<IReadOnlyCollection<string>> GetOriginsAsync(string policy, string key, CancellationToken cancellationToken)
    {
        stats.Started();
        try
        {
            return await database.OriginsAsync(key, cancellationToken);
        }
        finally
        {
            stats.Ended();
        }
    }
}

/// <summary>The store's queries: how many started, how many run now, the most that ran at once.</summary>
public sealed class StoreStats
{
    private long _queries;
    private int _inFlight;
    private int _maxInFlight;

    public long Queries => Interlocked.Read(ref _queries);

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public void Started()
    {
        Interlocked.Increment(ref _queries);
        var now = Interlocked.Increment(ref _inFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
        {
        }
    }

    public void Ended() => Interlocked.Decrement(ref _inFlight);
}
