namespace CorsKit.Fetch;

/// <summary>Header-name classes from the Fetch standard, used when validating a configuration.</summary>
internal static class FetchHeaderNames
{
    /// <summary>The one name a <c>*</c> in Access-Control-Allow-Headers never covers.</summary>
    public const string Authorization = "Authorization";

    private static readonly string[] ForbiddenRequestHeaders =
    [
        "Accept-Charset", "Accept-Encoding", "Access-Control-Request-Headers", "Access-Control-Request-Method",
        "Access-Control-Request-Private-Network", "Connection", "Content-Length", "Cookie", "Cookie2", "Date",
        "DNT", "Expect", "Host", "Keep-Alive", "Origin", "Referer", "Set-Cookie", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "Via",
    ];

    private static readonly string[] ForbiddenRequestHeaderPrefixes = ["Proxy-", "Sec-"];

    /// <summary>Response headers every page can read without Access-Control-Expose-Headers.</summary>
    private static readonly string[] SafelistedResponseHeaders =
        ["Cache-Control", "Content-Language", "Content-Length", "Content-Type", "Expires", "Last-Modified", "Pragma"];

    private static readonly string[] ForbiddenResponseHeaders = ["Set-Cookie", "Set-Cookie2"];

    /// <summary>Names a page can never set on a request, so a browser never asks for them.</summary>
    public static bool IsForbiddenRequestHeader(string name) =>
        ContainsIgnoreCase(ForbiddenRequestHeaders, name)
        || ForbiddenRequestHeaderPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));

    public static bool IsSafelistedResponseHeader(string name) => ContainsIgnoreCase(SafelistedResponseHeaders, name);

    /// <summary>Response headers a browser never exposes to a page, whatever the server says.</summary>
    public static bool IsForbiddenResponseHeader(string name) => ContainsIgnoreCase(ForbiddenResponseHeaders, name);

    private static bool ContainsIgnoreCase(string[] names, string name) =>
        Array.Exists(names, n => n.Equals(name, StringComparison.OrdinalIgnoreCase));
}
