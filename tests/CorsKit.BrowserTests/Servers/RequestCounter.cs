using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace CorsKit.BrowserTests.Servers;

/// <summary>
/// What reached a server: every request as it arrived (before CorsKit) with its Origin, the
/// status it was answered with, and every endpoint run. Tests use a unique path each, so counts
/// never mix.
/// </summary>
public sealed class RequestCounter
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly ConcurrentDictionary<string, string> _origins = new();
    private readonly ConcurrentDictionary<string, int> _statuses = new();

    /// <summary>Requests that reached the server with this method and path, preflights included.</summary>
    public int Arrived(string method, string path) => _counts.GetValueOrDefault($"arrived {method} {path}");

    /// <summary>Times the endpoint ran for this method and path.</summary>
    public int Ran(string method, string path) => _counts.GetValueOrDefault($"ran {method} {path}");

    /// <summary>The Origin header of the last such request (<c>(none)</c> without one), or null if none arrived.</summary>
    public string? OriginOf(string method, string path) => _origins.GetValueOrDefault($"{method} {path}");

    /// <summary>
    /// Waits until a request the browser sends on its own schedule (a form navigation, a beacon)
    /// has been answered, and returns the status it got.
    /// </summary>
    public async Task<int> AnsweredAsync(string method, string path)
    {
        var deadline = DateTime.UtcNow + AnswerTimeout;
        while (!_statuses.ContainsKey($"{method} {path}"))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No {method} {path} answered within {AnswerTimeout.TotalSeconds} s");
            }

            await Task.Delay(50);
        }

        return _statuses[$"{method} {path}"];
    }

    /// <summary>The middleware that counts arrivals and answers; it runs first, before CorsKit.</summary>
    internal async Task CountAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var key = $"{request.Method} {request.Path}";
        _origins[key] = request.Headers.Origin is { Count: > 0 } origin ? origin.ToString() : "(none)";
        Increment($"arrived {key}");
        try
        {
            await next(context);
        }
        finally
        {
            _statuses[key] = context.Response.StatusCode;
        }
    }

    internal void CountRun(string method, string path) => Increment($"ran {method} {path}");

    private void Increment(string key) => _counts.AddOrUpdate(key, 1, (_, n) => n + 1);
}
