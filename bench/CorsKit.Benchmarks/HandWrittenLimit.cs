using System.Collections.Frozen;
using CorsKit.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Benchmarks;

/// <summary>
/// The practical limit for CorsKit's job on each hot path: a hand-written middleware for the one
/// policy the benchmarks use, with precomputed header values and one hash-set lookup of the origin
/// (one per label for the subdomain pattern). It writes exactly the headers CorsKit writes on each
/// path, <c>Vary</c> included, and reads what CorsKit's guard needs there (a GET from a disallowed
/// origin: the endpoint's methods, <c>Upgrade</c> and <c>Content-Type</c>). It checks nothing else:
/// no canonical form, no configuration, no logs, no metrics, nothing at response start.
/// </summary>
internal sealed class HandWrittenLimit(RequestDelegate next, FrozenSet<string> exactOrigins, FrozenSet<string> patternDomains)
{
    internal static readonly StringValues Vary = "Origin";
    internal static readonly StringValues PreflightVary = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network";
    internal static readonly StringValues True = "true";
    internal static readonly StringValues Methods = "PUT, DELETE";
    internal static readonly StringValues Headers = "Content-Type, Authorization";
    internal static readonly StringValues Exposed = "X-Request-Id";
    internal static readonly StringValues MaxAge = "600";

    /// <summary>The limit for the benchmarks' policy over <paramref name="origins"/> (exact origins and <c>https://*.domain</c> patterns).</summary>
    public static Pipeline Create(IEnumerable<string> origins, HeaderStore store)
    {
        var list = origins.ToArray();
        var exact = list.Where(o => !o.Contains('*', StringComparison.Ordinal)).ToFrozenSet(StringComparer.Ordinal);
        var patterns = list.Where(o => o.StartsWith("https://*.", StringComparison.Ordinal)).Select(o => o["https://*.".Length..]).ToFrozenSet(StringComparer.Ordinal);
        return Pipeline.Custom(new ServiceCollection().BuildServiceProvider(), app => app.Use(n => new HandWrittenLimit(n, exact, patterns).Invoke), store);
    }

    public Task Invoke(HttpContext context)
    {
        var request = context.Request;
        var headers = request.Headers;
        var response = context.Response;
        var origin = headers.Origin;
        if (origin.Count == 0)
        {
            response.Headers.Vary = Vary;
            return next(context);
        }

        var allowed = origin.Count == 1 && IsAllowed(origin[0]!);
        if (HttpMethods.IsOptions(request.Method) && headers.AccessControlRequestMethod is { Count: > 0 } requestMethod)
        {
            var preflight = response.Headers;
            preflight.Vary = PreflightVary;
            // What a preflight asks for is the job too: the method, every requested header, private network.
            allowed = allowed && requestMethod.Count == 1 && AllowedMethods.Contains(requestMethod[0]!)
                && AreAllowed(headers.AccessControlRequestHeaders) && headers["Access-Control-Request-Private-Network"].Count == 0;
            if (!allowed)
            {
                response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            }

            response.StatusCode = StatusCodes.Status204NoContent;
            preflight.AccessControlAllowOrigin = origin;
            preflight.AccessControlAllowCredentials = True;
            preflight.AccessControlAllowMethods = Methods;
            preflight.AccessControlAllowHeaders = Headers;
            preflight.AccessControlMaxAge = MaxAge;
            return Task.CompletedTask;
        }

        var written = response.Headers;
        written.Vary = Vary;
        if (allowed)
        {
            written.AccessControlAllowOrigin = origin;
            written.AccessControlAllowCredentials = True;
            written.AccessControlExposeHeaders = Exposed;
        }
        else if (context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>() is null
            && headers.Upgrade.Count == 0 && headers.ContentType.Count == 0)
        {
            // What the guard reads of a GET from a disallowed origin: none of it makes it a write here.
        }

        return next(context);
    }

    internal static readonly FrozenSet<string> AllowedMethods = new[] { "GET", "HEAD", "POST", "PUT", "DELETE" }.ToFrozenSet(StringComparer.Ordinal);
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> AllowedHeaders =
        new[] { "Content-Type", "Authorization" }.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Every name of Access-Control-Request-Headers allowed: one lookup per name, no allocation.</summary>
    internal static bool AreAllowed(StringValues requested)
    {
        foreach (var value in requested)
        {
            var list = value.AsSpan();
            foreach (var range in list.Split(','))
            {
                var name = list[range].Trim(' ');
                if (name.Length > 0 && !AllowedHeaders.Contains(name))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>One lookup for an exact origin; for a pattern, one per label of the host after the first.</summary>
    private bool IsAllowed(string origin)
    {
        if (exactOrigins.Contains(origin))
        {
            return true;
        }

        if (patternDomains.Count == 0 || !origin.StartsWith("https://", StringComparison.Ordinal))
        {
            return false;
        }

        var host = origin.AsSpan("https://".Length);
        var lookup = patternDomains.GetAlternateLookup<ReadOnlySpan<char>>();
        for (var dot = host.IndexOf('.'); dot >= 0; dot = host.IndexOf('.'))
        {
            host = host[(dot + 1)..];
            if (lookup.Contains(host))
            {
                return true;
            }
        }

        return false;
    }
}
