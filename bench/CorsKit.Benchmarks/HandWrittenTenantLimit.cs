using System.Collections.Frozen;
using CorsKit.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Benchmarks;

/// <summary>
/// The practical limit for an origin-store policy keyed by <c>Host</c>: <see cref="HandWrittenLimit"/>
/// (same precomputed header values, same headers written on each path, same reads for the guard),
/// with the origin looked up in the request's tenant's set: one dictionary lookup of the host name
/// (without port, without case, no allocation), then one hash-set lookup of the origin. The
/// tenants' sets are built once and never change: no store, no expiry, no single flight, no
/// validation, no bounds.
/// </summary>
internal sealed class HandWrittenTenantLimit(RequestDelegate next, FrozenDictionary<string, FrozenSet<string>> tenants)
{
    private readonly FrozenDictionary<string, FrozenSet<string>>.AlternateLookup<ReadOnlySpan<char>> _byHost =
        tenants.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The limit over <paramref name="tenants"/>' origins, per host.</summary>
    public static Pipeline Create(TenantDirectory tenants, HeaderStore store)
    {
        var byHost = tenants.ByHost.ToFrozenDictionary(
            t => t.Key,
            t => t.Value.ToFrozenSet(StringComparer.Ordinal),
            StringComparer.OrdinalIgnoreCase);
        return Pipeline.Custom(new ServiceCollection().BuildServiceProvider(), app => app.Use(n => new HandWrittenTenantLimit(n, byHost).Invoke), store);
    }

    /// <summary>What <see cref="HandWrittenLimit.Invoke"/> does, the origin checked against the host's set.</summary>
    public Task Invoke(HttpContext context)
    {
        var request = context.Request;
        var headers = request.Headers;
        var response = context.Response;
        var origin = headers.Origin;
        if (origin.Count == 0)
        {
            response.Headers.Vary = HandWrittenLimit.Vary;
            return next(context);
        }

        var allowed = origin.Count == 1 && IsAllowed(headers.Host, origin[0]!);
        if (HttpMethods.IsOptions(request.Method) && headers.AccessControlRequestMethod is { Count: > 0 } requestMethod)
        {
            var preflight = response.Headers;
            preflight.Vary = HandWrittenLimit.PreflightVary;
            allowed = allowed && requestMethod.Count == 1 && HandWrittenLimit.AllowedMethods.Contains(requestMethod[0]!)
                && HandWrittenLimit.AreAllowed(headers.AccessControlRequestHeaders) && headers["Access-Control-Request-Private-Network"].Count == 0;
            if (!allowed)
            {
                response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            }

            response.StatusCode = StatusCodes.Status204NoContent;
            preflight.AccessControlAllowOrigin = origin;
            preflight.AccessControlAllowCredentials = HandWrittenLimit.True;
            preflight.AccessControlAllowMethods = HandWrittenLimit.Methods;
            preflight.AccessControlAllowHeaders = HandWrittenLimit.Headers;
            preflight.AccessControlMaxAge = HandWrittenLimit.MaxAge;
            return Task.CompletedTask;
        }

        var written = response.Headers;
        written.Vary = HandWrittenLimit.Vary;
        if (allowed)
        {
            written.AccessControlAllowOrigin = origin;
            written.AccessControlAllowCredentials = HandWrittenLimit.True;
            written.AccessControlExposeHeaders = HandWrittenLimit.Exposed;
        }
        else if (context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>() is null
            && headers.Upgrade.Count == 0 && headers.ContentType.Count == 0)
        {
            // What the guard reads of a GET from a disallowed origin: none of it makes it a write here.
        }

        return next(context);
    }

    /// <summary>The host name (what comes before the port; an IPv6 literal in brackets) looked up, then the origin in its set.</summary>
    private bool IsAllowed(StringValues host, string origin)
    {
        if (host.Count != 1 || host[0] is not { Length: > 0 } value)
        {
            return false;
        }

        var span = value.AsSpan();
        var end = span[0] == '[' ? span.IndexOf(']') + 1 : span.LastIndexOf(':');
        return _byHost.TryGetValue(end > 0 ? span[..end] : span, out var origins) && origins.Contains(origin);
    }
}
