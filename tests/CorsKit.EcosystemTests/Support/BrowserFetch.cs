using System.Net;
using System.Net.Http.Headers;

namespace CorsKit.EcosystemTests.Support;

/// <summary>The credentials mode of a fetch: <c>omit</c>, <c>same-origin</c> (fetch's default) or <c>include</c>.</summary>
public enum CredentialsMode
{
    Omit,
    SameOrigin,
    Include,
}

/// <summary>One request this handler sent and the response it got, as the server saw and answered it.</summary>
public sealed record Exchange(
    HttpMethod Method,
    string PathAndQuery,
    bool IsPreflight,
    IReadOnlyDictionary<string, string> RequestHeaders,
    HttpStatusCode Status,
    IReadOnlyDictionary<string, string> ResponseHeaders)
{
    /// <summary>Every Access-Control-* header of the response, name to value.</summary>
    public IReadOnlyDictionary<string, string> AccessControl =>
        ResponseHeaders.Where(h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);

    /// <summary>The response's Vary tokens, in order.</summary>
    public IReadOnlyList<string> Vary =>
        ResponseHeaders.TryGetValue("Vary", out var vary) ? CorsKit.Testing.ResponseContract.VaryTokens([vary]) : [];
}

/// <summary>
/// A cross-origin <c>fetch()</c> from a page on <see cref="Origin"/>, as the Fetch standard's CORS
/// protocol runs it, between a .NET client (GrpcWebHandler, SignalR's HttpConnection, an
/// HttpClient) and the server — the part of a browser these recipes depend on, not a browser:
/// <list type="bullet">
/// <item>drops the forbidden request headers a script cannot set (<c>TE</c>, <c>Connection</c>, <c>Host</c>, <c>Cookie</c>…)
/// and sends <c>Origin</c> and Fetch Metadata (<c>Sec-Fetch-Site: cross-site</c>, <c>Sec-Fetch-Mode: cors</c>, <c>Sec-Fetch-Dest: empty</c>);</item>
/// <item>sends a preflight when the method is not GET, HEAD or POST or a header is not CORS-safelisted, naming the
/// CORS-unsafe header names lowercased, sorted and comma-separated, and refuses the request unless the preflight answers
/// with an ok status, the origin, credentials when they are included, the method and every header;</item>
/// <item>attaches <see cref="Cookie"/> only when the credentials mode is <c>include</c>, and then requires
/// <c>Access-Control-Allow-Credentials: true</c>;</item>
/// <item>fails the request (a network error, <see cref="HttpRequestException"/>) when the response's
/// <c>Access-Control-Allow-Origin</c> does not grant the origin, and otherwise hides every response header that is neither
/// CORS-safelisted nor named in <c>Access-Control-Expose-Headers</c>, and every HTTP trailer.</item>
/// </list>
/// Preflight caching, redirects and the 1024-byte budget of safelisted values are left out.
/// <see cref="Exchanges"/> records what went over the wire, before the response was filtered.
/// </summary>
public sealed class BrowserFetch(string origin, CredentialsMode credentials = CredentialsMode.SameOrigin, HttpMessageHandler? inner = null)
    : DelegatingHandler(inner ?? new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
{
    private static readonly HashSet<string> ForbiddenRequestHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Accept-Charset", "Accept-Encoding", "Access-Control-Request-Headers", "Access-Control-Request-Method",
        "Connection", "Content-Length", "Cookie", "Cookie2", "Date", "DNT", "Expect", "Host", "Keep-Alive", "Origin",
        "Referer", "Set-Cookie", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Via",
        // Chromium ignores a User-Agent set by script; clients that run in browsers send theirs as X-…-User-Agent.
        "User-Agent",
    };

    private static readonly HashSet<string> SafelistedResponseHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Cache-Control", "Content-Language", "Content-Length", "Content-Type", "Expires", "Last-Modified", "Pragma",
    };

    private readonly List<Exchange> _exchanges = [];

    /// <summary>The page's origin.</summary>
    public string Origin { get; } = origin;

    /// <summary>The cookie the browser holds for the server's site (a load balancer's affinity cookie, a session): sent with <c>include</c> only.</summary>
    public string? Cookie { get; set; }

    /// <summary>Every request sent, preflights included, in order.</summary>
    public IReadOnlyList<Exchange> Exchanges
    {
        get
        {
            lock (_exchanges)
            {
                return [.. _exchanges];
            }
        }
    }

    /// <summary>The CORS-unsafe request-header names of a request, as the Fetch standard lists them in a preflight.</summary>
    public static IReadOnlyList<string> CorsUnsafeHeaderNames(HttpRequestMessage request) =>
        request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .Where(h => !ForbiddenRequestHeaders.Contains(h.Key) && !h.Key.StartsWith("Sec-", StringComparison.OrdinalIgnoreCase)
                && !h.Key.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase)
                && !IsSafelisted(h.Key, string.Join(", ", h.Value)))
            .Select(h => h.Key.ToLowerInvariant())
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        foreach (var name in request.Headers.Select(h => h.Key).Where(IsForbidden).ToList())
        {
            request.Headers.Remove(name);
        }

        if (request.Content is not null)
        {
            // HttpClient's own Content-Length is what a browser would compute; nothing else in content headers is forbidden.
            request.Content.Headers.Remove("Content-Length");
        }

        var unsafeNames = CorsUnsafeHeaderNames(request);
        var method = request.Method.Method;
        if (method is not ("GET" or "HEAD" or "POST") || unsafeNames.Count > 0)
        {
            await PreflightAsync(request, method, unsafeNames, cancellationToken);
        }

        AddFetchMetadata(request);
        if (credentials == CredentialsMode.Include && Cookie is not null)
        {
            request.Headers.TryAddWithoutValidation("Cookie", Cookie);
        }

        var response = await base.SendAsync(request, cancellationToken);
        Record(request, isPreflight: false, response);
        if (!Grants(response))
        {
            var status = response.StatusCode;
            response.Dispose();
            throw new HttpRequestException($"TypeError: Failed to fetch (CORS: the {status} response does not grant '{Origin}')", null, status);
        }

        HideUnexposedHeaders(response);
        return response;
    }

    private async Task PreflightAsync(HttpRequestMessage request, string method, IReadOnlyList<string> unsafeNames, CancellationToken cancellationToken)
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, request.RequestUri) { Version = request.Version, VersionPolicy = request.VersionPolicy };
        foreach (var option in request.Options)
        {
            // The client's own per-request state (gRPC's load balancer keeps its connection there).
            ((IDictionary<string, object?>)preflight.Options)[option.Key] = option.Value;
        }

        preflight.Headers.TryAddWithoutValidation("Accept", "*/*");
        preflight.Headers.TryAddWithoutValidation("Access-Control-Request-Method", method);
        if (unsafeNames.Count > 0)
        {
            preflight.Headers.TryAddWithoutValidation("Access-Control-Request-Headers", string.Join(",", unsafeNames));
        }

        AddFetchMetadata(preflight);
        using var response = await base.SendAsync(preflight, cancellationToken);
        Record(preflight, isPreflight: true, response);
        var allowedMethods = List(response, "Access-Control-Allow-Methods");
        var allowedHeaders = List(response, "Access-Control-Allow-Headers");
        var wildcard = credentials != CredentialsMode.Include;
        var ok = (int)response.StatusCode is >= 200 and < 300
            && Grants(response)
            && (method is "GET" or "HEAD" or "POST" || allowedMethods.Contains(method) || (wildcard && allowedMethods.Contains("*")))
            && unsafeNames.All(n => allowedHeaders.Contains(n, StringComparer.OrdinalIgnoreCase)
                || (wildcard && n != "authorization" && allowedHeaders.Contains("*")));
        if (!ok)
        {
            throw new HttpRequestException($"TypeError: Failed to fetch (CORS preflight for {method} with [{string.Join(",", unsafeNames)}] refused: {(int)response.StatusCode})", null, response.StatusCode);
        }
    }

    private void AddFetchMetadata(HttpRequestMessage request)
    {
        request.Headers.TryAddWithoutValidation("Origin", Origin);
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site");
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Mode", "cors");
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Dest", "empty");
    }

    /// <summary>The Fetch standard's CORS check.</summary>
    private bool Grants(HttpResponseMessage response)
    {
        var allowOrigin = List(response, "Access-Control-Allow-Origin");
        if (allowOrigin.Count != 1)
        {
            return false;
        }

        if (credentials != CredentialsMode.Include)
        {
            return allowOrigin[0] == "*" || allowOrigin[0] == Origin;
        }

        return allowOrigin[0] == Origin && List(response, "Access-Control-Allow-Credentials") is ["true"];
    }

    private void HideUnexposedHeaders(HttpResponseMessage response)
    {
        var exposed = List(response, "Access-Control-Expose-Headers");
        var all = credentials != CredentialsMode.Include && exposed.Contains("*");
        bool Visible(string name) => SafelistedResponseHeaders.Contains(name) || all || exposed.Contains(name, StringComparer.OrdinalIgnoreCase);
        foreach (var name in response.Headers.Select(h => h.Key).Where(n => !Visible(n) || n.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            response.Headers.Remove(name);
        }

        foreach (var name in response.Content.Headers.Select(h => h.Key).Where(n => !Visible(n)).ToList())
        {
            response.Content.Headers.Remove(name);
        }

        // fetch() has no access to HTTP trailers.
        response.TrailingHeaders.Clear();
    }

    private void Record(HttpRequestMessage request, bool isPreflight, HttpResponseMessage response)
    {
        var exchange = new Exchange(
            request.Method,
            request.RequestUri!.PathAndQuery,
            isPreflight,
            Flatten(request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())),
            response.StatusCode,
            Flatten(response.Headers.Concat(response.Content.Headers)));
        lock (_exchanges)
        {
            _exchanges.Add(exchange);
        }
    }

    private static Dictionary<string, string> Flatten(IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers) =>
        headers.GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => string.Join(", ", g.SelectMany(h => h.Value)), StringComparer.OrdinalIgnoreCase);

    private static List<string> List(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values)
            ? values.SelectMany(v => v.Split(',')).Select(v => v.Trim()).Where(v => v.Length > 0).ToList()
            : [];

    private static bool IsForbidden(string name) =>
        ForbiddenRequestHeaders.Contains(name)
        || name.StartsWith("Sec-", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase);

    /// <summary>The Fetch standard's "CORS-safelisted request-header" (without the 1024-byte budget).</summary>
    private static bool IsSafelisted(string name, string value)
    {
        if (value.Length > 128)
        {
            return false;
        }

        switch (name.ToLowerInvariant())
        {
            case "accept":
                return !value.Any(IsCorsUnsafeByte);
            case "accept-language":
            case "content-language":
                return value.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '*' or ',' or '-' or '.' or ';' or '=');
            case "content-type":
                if (value.Any(IsCorsUnsafeByte) || !MediaTypeHeaderValue.TryParse(value, out var type))
                {
                    return false;
                }

                return type.MediaType?.ToLowerInvariant() is "application/x-www-form-urlencoded" or "multipart/form-data" or "text/plain";
            case "range":
                return value.StartsWith("bytes=", StringComparison.Ordinal) && !value.Contains(',', StringComparison.Ordinal);
            default:
                return false;
        }
    }

    private static bool IsCorsUnsafeByte(char c) =>
        (c < 0x20 && c != '\t') || c is '"' or '(' or ')' or ':' or '<' or '>' or '?' or '@' or '[' or '\\' or ']' or '{' or '}' or (char)0x7F;
}
