using CorsKit.Engine;
using CorsKit.Fetch;
using CorsKit.Hosting.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Hosting.Middleware;

/// <summary>
/// The engine's view of an ASP.NET Core request: each fact is read from the request (or the
/// endpoint routing selected) only when the engine asks for it.
/// </summary>
internal readonly struct HttpRequestFacts(HttpContext context, Endpoint? endpoint, RemoteAuthenticationCallbacks callbacks, EndpointInventory inventory) : IRequestFacts
{
    private readonly IHeaderDictionary _headers = context.Request.Headers;

    public string Method => context.Request.Method;

    public StringValues Origin => _headers.Origin;

    public StringValues AccessControlRequestMethod => _headers.AccessControlRequestMethod;

    public StringValues AccessControlRequestHeaders => _headers.AccessControlRequestHeaders;

    public StringValues AccessControlRequestPrivateNetwork => _headers[CorsHeaderNames.AccessControlRequestPrivateNetwork];

    public StringValues SecFetchSite => _headers[CorsHeaderNames.SecFetchSite];

    public bool HasBody => _headers.ContentType.Count > 0;

    public StringValues ContentType => _headers.ContentType;

    public bool HasCookies => _headers.Cookie.Count > 0;

    public bool IsUpgrade => _headers.Upgrade.Count > 0;

    public string Scheme => context.Request.Scheme;

    public StringValues Host => _headers.Host;

    public IReadOnlyList<string>? EndpointMethods => endpoint?.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;

    public bool CorsHeadersLeftToEndpoint => inventory.LeavesCorsHeadersTo(endpoint);

    public FormPostExemption FormPosts =>
        endpoint?.Metadata.GetMetadata<AllowCrossOriginFormPostsAttribute>() is not null ? FormPostExemption.Endpoint
        : callbacks.Contains(context.Request.Path) ? FormPostExemption.CallbackPath
        : FormPostExemption.None;
}
