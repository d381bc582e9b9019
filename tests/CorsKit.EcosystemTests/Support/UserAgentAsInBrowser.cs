namespace CorsKit.EcosystemTests.Support;

/// <summary>
/// What a .NET client does to its requests when it runs in a browser (Blazor WebAssembly), which
/// it cannot know here: its User-Agent header travels under <paramref name="headerName"/>, leaving
/// the browser's own alone — <c>X-User-Agent</c> for GrpcWebHandler, <c>X-SignalR-User-Agent</c>
/// for SignalR's clients. Sits between the client and <see cref="BrowserFetch"/>, which drops a
/// User-Agent set by the page.
/// </summary>
public sealed class UserAgentAsInBrowser(string headerName, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.TryGetValues("User-Agent", out var values))
        {
            // The parsed product tokens, put back together as they were sent.
            var userAgent = string.Join(' ', values);
            request.Headers.Remove("User-Agent");
            request.Headers.TryAddWithoutValidation(headerName, userAgent);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
