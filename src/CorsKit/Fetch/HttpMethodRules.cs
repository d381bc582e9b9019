namespace CorsKit.Fetch;

/// <summary>
/// Method classes from the Fetch standard and RFC 9110. Comparisons are exact (case-sensitive):
/// browsers normalize these methods to uppercase, so any other spelling came from elsewhere.
/// </summary>
internal static class HttpMethodRules
{
    /// <summary>GET, HEAD and POST: a browser never needs a preflight to send them.</summary>
    public static bool IsCorsSafelisted(ReadOnlySpan<char> method) => method is "GET" or "HEAD" or "POST";

    /// <summary>
    /// GET, HEAD and OPTIONS: requests that must not change state, which CorsKit's guard lets
    /// through from any origin (the browser still hides the response from a disallowed origin).
    /// </summary>
    public static bool IsSafe(ReadOnlySpan<char> method) => method is "GET" or "HEAD" or "OPTIONS";

    /// <summary>OPTIONS in any case: routing matches methods ignoring case, so a preflight may arrive as <c>options</c>.</summary>
    public static bool IsOptionsInAnyCase(string method) => ReferenceEquals(method, "OPTIONS") || method.Equals("OPTIONS", StringComparison.OrdinalIgnoreCase);

    /// <summary>The methods fetch() uppercases whatever the page wrote (PATCH is not one: fetch sends "patch" as written).</summary>
    private static readonly string[] NormalizedMethods = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

    /// <summary>The method as fetch() sends it: one of the six normalized methods uppercased, any other as written.</summary>
    public static string Normalize(string method) =>
        Array.Find(NormalizedMethods, m => m.Equals(method, StringComparison.OrdinalIgnoreCase)) ?? method;

    /// <summary>CONNECT, TRACE and TRACK, which fetch() refuses to send in any case.</summary>
    public static bool IsForbidden(ReadOnlySpan<char> method) =>
        method.Equals("CONNECT", StringComparison.OrdinalIgnoreCase)
        || method.Equals("TRACE", StringComparison.OrdinalIgnoreCase)
        || method.Equals("TRACK", StringComparison.OrdinalIgnoreCase);
}
