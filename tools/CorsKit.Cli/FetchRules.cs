using System.Globalization;
using CorsKit.Fetch;

namespace CorsKit.Cli;

/// <summary>
/// The parts of the WHATWG Fetch standard a browser applies to a cross-origin request: which
/// requests need a preflight, and how preflight and actual responses are judged. The judging is
/// written from the standard, independently of CorsKit's server-side engine, so it can judge any
/// server; what a page may send at all (tokens, forbidden methods and headers) is the same set of
/// rules CorsKit validates configurations with.
/// </summary>
internal static class FetchRules
{
    private static readonly string[] SafelistedContentTypes = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"];

    private static readonly string[] MethodOverrideHeaderNames = ["X-HTTP-Method", "X-HTTP-Method-Override", "X-Method-Override"];

    /// <summary>
    /// Fetch's "forbidden request-header": a header only the browser may set, which <c>fetch()</c>
    /// silently drops. Includes the method-override headers when they name a forbidden method.
    /// </summary>
    public static bool IsForbiddenRequestHeader(string name, string value) =>
        FetchHeaderNames.IsForbiddenRequestHeader(name)
        || (MethodOverrideHeaderNames.Contains(name, StringComparer.OrdinalIgnoreCase)
            && value.Split(',').Any(m => HttpMethodRules.IsForbidden(m.Trim(' ', '\t'))));

    /// <summary>Fetch's "CORS-safelisted request-header": a name with a value simple enough to need no preflight.</summary>
    public static bool IsSafelistedRequestHeader(string name, string value)
    {
        if (value.Length > 128)
        {
            return false;
        }

        switch (name.ToLowerInvariant())
        {
            case "accept":
                return !value.Any(IsUnsafeRequestHeaderByte);
            case "accept-language":
            case "content-language":
                return value.All(c => char.IsAsciiLetterOrDigit(c) || " *,-.;=".Contains(c, StringComparison.Ordinal));
            case "content-type":
                var essence = value.Split(';')[0].Trim().ToLowerInvariant();
                return !value.Any(IsUnsafeRequestHeaderByte) && SafelistedContentTypes.Contains(essence);
            case "range":
                return IsSimpleRange(value);
            default:
                return false;
        }
    }

    /// <summary>
    /// Fetch's "CORS-unsafe request-header names", lowercased, sorted and unique: the
    /// Access-Control-Request-Headers value. The probe combines repeated headers into one value,
    /// as a browser does, so Fetch's 1024-character bound on all safelisted values together can
    /// never be reached: five safelisted names of at most 128 characters each.
    /// </summary>
    public static List<string> UnsafeHeaderNames(IEnumerable<(string Name, string Value)> headers) =>
        headers.Where(h => !IsSafelistedRequestHeader(h.Name, h.Value))
            .Select(h => h.Name.ToLowerInvariant())
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Fetch's CORS check of a response, or why it fails.</summary>
    public static string? CorsCheck(IReadOnlyList<string> allowOrigin, IReadOnlyList<string> allowCredentials, string origin, bool credentials)
    {
        if (allowOrigin.Count == 0)
        {
            return "the response has no Access-Control-Allow-Origin header";
        }

        var value = string.Join(", ", allowOrigin);
        if (allowOrigin.Count > 1)
        {
            return $"Access-Control-Allow-Origin has several values ('{value}'); a browser needs exactly one";
        }

        if (value == "*" && !credentials)
        {
            return null;
        }

        if (value == "*")
        {
            return "Access-Control-Allow-Origin is '*', which a browser never accepts for a request with credentials";
        }

        if (!string.Equals(value, origin, StringComparison.Ordinal))
        {
            return $"Access-Control-Allow-Origin is '{value}', not the page's origin '{origin}' (compared byte for byte)";
        }

        if (credentials && !(allowCredentials.Count == 1 && allowCredentials[0] == "true"))
        {
            return $"the request carries credentials but Access-Control-Allow-Credentials is {(allowCredentials.Count == 0 ? "missing" : $"'{string.Join(", ", allowCredentials)}'")} instead of 'true'";
        }

        return null;
    }

    /// <summary>Splits a header's values into comma-separated items, empty when absent.</summary>
    public static List<string> ListValues(IReadOnlyList<string> values) =>
        values.SelectMany(v => v.Split(',')).Select(v => v.Trim(' ', '\t')).Where(v => v.Length > 0).ToList();

    /// <summary>
    /// Fetch's "extract header list values" for a list of tokens (methods or header names):
    /// false when an item is not a token, which a browser treats as a failure.
    /// </summary>
    public static bool TryTokenList(IReadOnlyList<string> values, out List<string> items)
    {
        items = ListValues(values);
        return items.All(item => HttpToken.IsValid(item));
    }

    private static bool IsUnsafeRequestHeaderByte(char c) =>
        (c < 0x20 && c != '\t') || c == 0x7F || "\"():<>?@[\\]{}".Contains(c, StringComparison.Ordinal);

    /// <summary>Fetch's "simple range header value": <c>bytes=start-</c> or <c>bytes=start-end</c>, never a suffix range.</summary>
    private static bool IsSimpleRange(string value)
    {
        if (!value.StartsWith("bytes=", StringComparison.Ordinal))
        {
            return false;
        }

        // NumberStyles.None: ASCII digits only, no sign or whitespace; a value that overflows is not simple.
        var parts = value["bytes=".Length..].Split('-');
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            return false;
        }

        return parts[1].Length == 0
            || (long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var end) && start <= end);
    }
}
