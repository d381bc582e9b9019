namespace CorsKit;

/// <summary>
/// Where a policy's origins come from when they live in the application's database: the
/// application's <see cref="IStrictCorsOriginStore"/>, asked per key, a key the request carries
/// (<c>Cors:Policies:&lt;name&gt;:OriginStore</c>). Every origin the store returns is validated
/// like configuration and compiled into the same lookup as configured origins; lists are cached
/// with bounds on memory and on queries, and a failing store denies.
/// </summary>
public sealed class StrictCorsOriginStoreOptions
{
    /// <summary>
    /// What the key is: <c>Host</c> (the request's host name, lowercased, without port: custom
    /// domains), <c>Route:&lt;name&gt;</c> (a route value, e.g. <c>Route:tenant</c>) or
    /// <c>Header:&lt;name&gt;</c>. Whoever sends the request picks the key: the request's Origin is
    /// only ever checked against the list of the key it names.
    /// </summary>
    public string Key { get; set; } = "Host";

    /// <summary>How long a key's list is used before the store is asked again, in seconds (default 60): changes take effect within it.</summary>
    public int RefreshSeconds { get; set; } = 60;

    /// <summary>
    /// How long, in seconds after it was fetched, a key's last good list may still serve when the
    /// store fails or times out (default 300; 0: never, deny at once).
    /// </summary>
    public int StaleSeconds { get; set; } = 300;

    /// <summary>How long a query may take, in milliseconds (default 2000); a slower one fails closed.</summary>
    public int TimeoutMilliseconds { get; set; } = 2000;

    /// <summary>The most keys whose lists are kept (default 10,000), known and unknown ones alike; memory stays bounded by it.</summary>
    public int MaxKeys { get; set; } = 10_000;

    /// <summary>
    /// The most queries running at once (default 8); a key that would need another is denied until
    /// one finishes. A quarter of them (rounded down) is kept for keys already held with a list, so
    /// that a flood of new keys cannot keep known tenants from refreshing.
    /// </summary>
    public int MaxQueriesInFlight { get; set; } = 8;
}
