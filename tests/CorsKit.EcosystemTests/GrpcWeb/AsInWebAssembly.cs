namespace CorsKit.EcosystemTests.GrpcWeb;

/// <summary>
/// What GrpcWebHandler does to a request when it runs in a browser (Blazor WebAssembly,
/// <c>OperatingSystem.IsBrowser()</c>), which it cannot know here: the client's User-Agent
/// header travels as <c>X-User-Agent</c>, leaving the browser's own alone. Sits between
/// GrpcWebHandler and <see cref="Support.BrowserFetch"/>.
/// </summary>
public sealed class AsInWebAssembly(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.TryGetValues("User-Agent", out var values))
        {
            var userAgent = values.ToList();
            request.Headers.Remove("User-Agent");
            request.Headers.TryAddWithoutValidation("X-User-Agent", userAgent);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
