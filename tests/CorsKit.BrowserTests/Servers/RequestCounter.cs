using System.Collections.Concurrent;

namespace CorsKit.BrowserTests.Servers;

/// <summary>
/// What reached a server: every request as it arrived (before CorsKit), and every endpoint run.
/// Tests use a unique path each, so counts never mix.
/// </summary>
public sealed class RequestCounter
{
    private readonly ConcurrentDictionary<string, int> _counts = new();

    /// <summary>Requests that reached the server with this method and path, preflights included.</summary>
    public int Arrived(string method, string path) => _counts.GetValueOrDefault($"arrived {method} {path}");

    /// <summary>Times the endpoint ran for this method and path.</summary>
    public int Ran(string method, string path) => _counts.GetValueOrDefault($"ran {method} {path}");

    internal void CountArrival(string method, string path) => Increment($"arrived {method} {path}");

    internal void CountRun(string method, string path) => Increment($"ran {method} {path}");

    private void Increment(string key) => _counts.AddOrUpdate(key, 1, (_, n) => n + 1);
}
