using System.Collections.Concurrent;

namespace CorsKit.Diagnostics;

/// <summary>
/// What an operator should know about a running CorsKit, gathered where it happens: whether the
/// last configuration reload was refused (the policies in force are older than the
/// configuration), and on which endpoints CorsKit replaced CORS headers another component wrote.
/// The health check reports it.
/// </summary>
internal sealed class CorsKitStatus
{
    private readonly ConcurrentDictionary<string, byte> _overridden = new(StringComparer.Ordinal);
    private RefusedReload? _lastRefused;

    /// <summary>The last reload, if it was refused; null once a reload is accepted.</summary>
    public RefusedReload? LastRefusedReload => Volatile.Read(ref _lastRefused);

    /// <summary>Endpoints whose CORS headers another component wrote and CorsKit replaced (one entry per endpoint, as logged).</summary>
    public IReadOnlyCollection<string> OverriddenEndpoints => [.. _overridden.Keys.Order(StringComparer.Ordinal)];

    public void ReloadRefused(DateTimeOffset at, IEnumerable<object> errors) =>
        Volatile.Write(ref _lastRefused, new RefusedReload(at, errors.Select(e => e.ToString() ?? string.Empty).ToList()));

    public void ReloadAccepted() => Volatile.Write(ref _lastRefused, null);

    public void CorsHeadersOverridden(string endpoint) => _overridden.TryAdd(endpoint, 0);

    /// <summary>A refused reload: when, and why.</summary>
    public sealed record RefusedReload(DateTimeOffset At, IReadOnlyList<string> Errors);
}
