using Microsoft.Extensions.Primitives;

namespace CorsKit.Engine;

/// <summary>
/// What the engine may read of a request, each fact read only when a decision needs it. The
/// engine takes an implementation as a generic struct argument, so that nothing is boxed and a
/// fact it does not need is never read: hosting reads them from the request
/// (<c>HttpRequestFacts</c>), tests, properties and the fuzzer set them (<see cref="RequestFacts"/>).
/// </summary>
internal interface IRequestFacts
{
    /// <summary>The request's method as it arrived (routing matches it ignoring case).</summary>
    string Method { get; }

    StringValues Origin { get; }

    StringValues AccessControlRequestMethod { get; }

    StringValues AccessControlRequestHeaders { get; }

    StringValues AccessControlRequestPrivateNetwork { get; }

    StringValues SecFetchSite { get; }

    /// <summary>Whether the request says it carries a body: it has a content type (browsers send one with every form).</summary>
    bool HasBody { get; }

    StringValues ContentType { get; }

    /// <summary>Whether the request carries cookies: the browser sent the user's credentials along.</summary>
    bool HasCookies { get; }

    /// <summary>
    /// Whether the request asks for a protocol upgrade (an HTTP/1.1 WebSocket handshake is a GET
    /// with <c>Upgrade</c>, which pages cannot set): judged as an unsafe request, as the HTTP/2
    /// handshake (an extended CONNECT) is.
    /// </summary>
    bool IsUpgrade { get; }

    /// <summary>The request's own scheme (after UseForwardedHeaders behind a proxy).</summary>
    string Scheme { get; }

    /// <summary>The request's own Host header (after UseForwardedHeaders behind a proxy).</summary>
    StringValues Host { get; }

    /// <summary>The methods the selected endpoint accepts; null or empty when it accepts any.</summary>
    IReadOnlyList<string>? EndpointMethods { get; }

    /// <summary>Who accepts cross-site form posts at the request's target.</summary>
    FormPostExemption FormPosts { get; }

    /// <summary>Whether the selected endpoint answers CORS itself (<c>LeaveCorsHeadersToEndpoint</c>): CorsKit writes no CORS header there.</summary>
    bool CorsHeadersLeftToEndpoint { get; }
}

/// <summary>Request facts given as values: for tests, properties and the fuzzer.</summary>
internal readonly struct RequestFacts(
    string method,
    bool hasBody,
    IReadOnlyList<string>? endpointMethods,
    StringValues origin,
    StringValues secFetchSite,
    string scheme,
    StringValues host,
    StringValues contentType,
    bool hasCookies,
    bool isUpgrade = false,
    FormPostExemption formPosts = FormPostExemption.None) : IRequestFacts
{
    public string Method { get; } = method;

    public bool HasBody { get; } = hasBody;

    public IReadOnlyList<string>? EndpointMethods { get; } = endpointMethods;

    public StringValues Origin { get; } = origin;

    public StringValues SecFetchSite { get; } = secFetchSite;

    public string Scheme { get; } = scheme;

    public StringValues Host { get; } = host;

    public StringValues ContentType { get; } = contentType;

    public bool HasCookies { get; } = hasCookies;

    public bool IsUpgrade { get; } = isUpgrade;

    public FormPostExemption FormPosts { get; } = formPosts;

    public StringValues AccessControlRequestMethod { get; init; }

    public StringValues AccessControlRequestHeaders { get; init; }

    public StringValues AccessControlRequestPrivateNetwork { get; init; }

    public bool CorsHeadersLeftToEndpoint { get; init; }
}
