using CorsKit.Origins;

namespace CorsKit.Policies;

/// <summary>Where the key of an origin store comes from.</summary>
internal enum OriginStoreKeySource : byte
{
    /// <summary>The request's host name, lowercased, without port.</summary>
    Host,

    /// <summary>A route value.</summary>
    Route,

    /// <summary>A request header.</summary>
    Header,
}

/// <summary>
/// A policy's origin store, compiled: where its key comes from, the cache's times and bounds, and
/// the policy's own configured origins, which every key's list joins.
/// </summary>
internal sealed record OriginStoreSettings(
    OriginStoreKeySource KeySource,
    string KeyName,
    TimeSpan Refresh,
    TimeSpan Stale,
    TimeSpan Timeout,
    int MaxKeys,
    int MaxQueriesInFlight,
    IReadOnlyList<string> ConfiguredExact,
    IReadOnlyList<OriginPattern> ConfiguredPatterns)
{
    /// <summary>The longest key looked up; a longer one is denied unread (a key is chosen by whoever sends the request).</summary>
    public const int MaxKeyLength = 253;

    /// <summary>The key as configured: <c>Host</c>, <c>Route:tenant</c>, <c>Header:X-Tenant</c>.</summary>
    public string KeyDescription => KeySource == OriginStoreKeySource.Host ? "Host" : $"{KeySource}:{KeyName}";
}
