using CorsKit.Policies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CorsKit.Hosting.Stores;

/// <summary>Reads an origin store's key off a request, without allocating: the host name (without port), a route value or a header.</summary>
internal static class OriginStoreKey
{
    public static ReadOnlySpan<char> Read(HttpContext context, OriginStoreSettings settings)
    {
        switch (settings.KeySource)
        {
            case OriginStoreKeySource.Host:
                var host = context.Request.Headers.Host;
                if (host.Count != 1 || host[0] is not { Length: > 0 } value)
                {
                    return default;
                }

                // host[:port], an IPv6 literal in brackets: the name is what comes before the port.
                var span = value.AsSpan();
                var end = span[0] == '[' ? span.IndexOf(']') + 1 : span.LastIndexOf(':');
                return end > 0 ? span[..end] : span;
            case OriginStoreKeySource.Route:
                return context.GetRouteValue(settings.KeyName) is string route ? route : default;
            default:
                var header = context.Request.Headers[settings.KeyName];
                return header.Count == 1 ? header[0] : default;
        }
    }
}
