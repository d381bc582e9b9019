namespace CorsKit;

/// <summary>
/// The names CorsKit publishes its metrics under, for OpenTelemetry and <c>dotnet-counters</c>,
/// e.g. <c>builder.Services.AddOpenTelemetry().WithMetrics(m =&gt; m.AddMeter(CorsKitMeter.Name))</c>.
/// </summary>
public static class CorsKitMeter
{
    /// <summary>The meter's name.</summary>
    public const string Name = "CorsKit";

    /// <summary>
    /// The counter of requests CorsKit saw, tagged <c>cors.kind</c>, <c>cors.result</c>,
    /// <c>cors.policy</c> and <c>cors.reason</c> (never the origin).
    /// </summary>
    public const string RequestsCounter = "corskit.requests";

    /// <summary>
    /// The counter of queries to the origin store (<see cref="IStrictCorsOriginStore"/>), tagged
    /// <c>cors.policy</c> and <c>result</c>: <c>found</c>, <c>unknown_key</c>, <c>failed</c>,
    /// <c>timed_out</c>, <c>over_limit</c> (never the key).
    /// </summary>
    public const string OriginStoreQueriesCounter = "corskit.origin_store.queries";

    /// <summary>
    /// The gauge of keys the origin store's cache holds, known and unknown alike, tagged
    /// <c>cors.policy</c>: never above the policy's <c>OriginStore:MaxKeys</c>; near it under a
    /// flood of random keys.
    /// </summary>
    public const string OriginStoreKeysGauge = "corskit.origin_store.keys";
}
