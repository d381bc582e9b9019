using CorsKit.Fetch;
using CorsKit.Origins;

namespace CorsKit.Cli;

/// <summary>
/// Turns <c>probe</c>'s arguments into a request a page could actually make, or says why no page
/// could: <c>fetch()</c> refuses forbidden methods and a body with GET or HEAD, and gives a
/// string body its content type; a browser sends the Origin as it serializes it and never lets a
/// page set the headers it owns. Probing with those would judge a request no browser sends. Origins are checked with CorsKit's own parser of browser-serialized
/// origins; the judging of responses (<see cref="FetchRules"/>) does not depend on CorsKit.
/// </summary>
internal static class ProbeRequestParser
{
    /// <summary>The Content-Type fetch() gives a string body ("extract a body"), byte for byte.</summary>
    public const string TextBodyContentType = "text/plain;charset=UTF-8";

    public static (ProbeRequest? Request, string? Problem) Parse(
        string url, string origin, string method, IReadOnlyList<string> headers, bool credentials, IReadOnlyList<string> cookies, string? body)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var target) || target.Scheme is not ("http" or "https"))
        {
            return (null, $"'{url}' is not an absolute http(s) URL.");
        }

        if (origin != OriginParser.Null && !OriginParser.TryParse(origin, out _))
        {
            var (problems, canonical) = OriginSuggestion.Explain(origin);
            return (null, $"--origin '{origin}' is not an origin as a browser sends it ({problems})"
                + (canonical is null ? "; write scheme://host[:port], e.g. https://app.example.com." : $"; a browser would send '{canonical}'."));
        }

        if (!HttpToken.IsValid(method))
        {
            return (null, $"--method '{method}' is not an HTTP method (a token such as PUT).");
        }

        if (HttpMethodRules.IsForbidden(method))
        {
            return (null, $"--method {method}: fetch() refuses CONNECT, TRACE and TRACK, so no page can send it.");
        }

        var parsedHeaders = new List<(string Name, string Value)>();
        foreach (var text in headers)
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            var (name, value) = colon < 0 ? (text.Trim(), "1") : (text[..colon].Trim(), text[(colon + 1)..].Trim(' ', '\t'));
            if (!HttpToken.IsValid(name) || value.Any(c => c is '\r' or '\n' or '\0' or > '\x7E'))
            {
                return (null, $"--header '{text}' is not 'Name: value' with a token name and a single-line ASCII value.");
            }

            if (FetchRules.IsForbiddenRequestHeader(name, value))
            {
                return (null, $"--header '{name}' is a forbidden request header: only the browser sets it, and fetch() drops it when a page tries"
                    + (name.Equals("Cookie", StringComparison.OrdinalIgnoreCase) ? "; use --cookie with --credentials." : "."));
            }

            // A browser's Headers object combines a repeated name into one value, as HttpClient sends it.
            var index = parsedHeaders.FindIndex(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                parsedHeaders.Add((name, value));
            }
            else
            {
                parsedHeaders[index] = (parsedHeaders[index].Name, $"{parsedHeaders[index].Value}, {value}");
            }
        }

        if (cookies.Count > 0 && !credentials)
        {
            return (null, "--cookie needs --credentials: without credentials: 'include' a browser sends no cookies cross-origin.");
        }

        foreach (var cookie in cookies)
        {
            var equals = cookie.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !HttpToken.IsValid(cookie.AsSpan(0, equals)) || cookie[(equals + 1)..].Any(c => c is ';' || char.IsControl(c)))
            {
                return (null, $"--cookie '{cookie}' is not 'name=value' (a token name, a value without ';' or control characters).");
            }
        }

        // fetch() normalizes the method, then refuses a body with GET or HEAD (a TypeError), and
        // gives a string body the type text/plain;charset=UTF-8 unless the page set a Content-Type.
        var normalized = HttpMethodRules.Normalize(method);
        if (body is not null && normalized is "GET" or "HEAD")
        {
            return (null, $"--data with --method {normalized}: fetch() throws a TypeError (a GET or HEAD request cannot have a body), so no page can send it.");
        }

        if (body is not null && !parsedHeaders.Exists(h => h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)))
        {
            parsedHeaders.Add(("Content-Type", TextBodyContentType));
        }

        return (new ProbeRequest(target, origin, normalized, parsedHeaders, credentials, cookies, body), null);
    }
}
