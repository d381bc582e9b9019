using System.Collections.Concurrent;

namespace CorsKit.Diagnostics;

/// <summary>
/// What an operator should know about a running CorsKit, gathered where it happens: whether the
/// last configuration reload was refused (the policies in force are older than the
/// configuration), on which endpoints CorsKit replaced CORS headers another component wrote, and
/// which policies' origin stores are failing. The health check reports it.
/// </summary>
internal sealed class CorsKitStatus
{
    private readonly ConcurrentDictionary<string, byte> _overridden = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _storesFailing = new(StringComparer.Ordinal);
    private RefusedReload? _lastRefused;

    /// <summary>The last reload, if it was refused; null once a reload is accepted.</summary>
    public RefusedReload? LastRefusedReload => Volatile.Read(ref _lastRefused);

    /// <summary>Endpoints whose CORS headers another component wrote and CorsKit replaced (one entry per endpoint, as logged).</summary>
    public IReadOnlyCollection<string> OverriddenEndpoints => [.. _overridden.Keys.Order(StringComparer.Ordinal)];

    public void ReloadRefused(DateTimeOffset at, IEnumerable<object> errors) =>
        Volatile.Write(ref _lastRefused, new RefusedReload(at, errors.Select(e => e.ToString() ?? string.Empty).ToList()));

    public void ReloadAccepted() => Volatile.Write(ref _lastRefused, null);

    public void CorsHeadersOverridden(string endpoint) => _overridden.TryAdd(endpoint, 0);

    /// <summary>Policies whose origin store's last query failed or timed out, with when it first did; a query answered clears its policy.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> OriginStoresFailing => new SortedDictionary<string, DateTimeOffset>(_storesFailing, StringComparer.Ordinal);

    public void OriginStoreFailed(string policy, DateTimeOffset at) => _storesFailing.TryAdd(policy, at);

    public void OriginStoreAnswered(string policy)
    {
        if (!_storesFailing.IsEmpty)
        {
            _storesFailing.TryRemove(policy, out _);
        }
    }

    /// <summary>A refused reload: when, and why.</summary>
    public sealed record RefusedReload(DateTimeOffset At, IReadOnlyList<string> Errors);
}
