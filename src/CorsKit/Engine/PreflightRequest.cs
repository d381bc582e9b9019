using Microsoft.Extensions.Primitives;

namespace CorsKit.Engine;

/// <summary>The request headers that decide a preflight.</summary>
internal readonly struct PreflightRequest(
    StringValues origin, StringValues requestMethod, StringValues requestHeaders, StringValues requestPrivateNetwork)
{
    public StringValues Origin { get; } = origin;

    /// <summary>Access-Control-Request-Method.</summary>
    public StringValues RequestMethod { get; } = requestMethod;

    /// <summary>Access-Control-Request-Headers.</summary>
    public StringValues RequestHeaders { get; } = requestHeaders;

    /// <summary>Access-Control-Request-Private-Network.</summary>
    public StringValues RequestPrivateNetwork { get; } = requestPrivateNetwork;
}
