namespace CorsKit.Cli;

/// <summary>
/// The parts of the WHATWG Fetch standard a browser applies to a cross-origin request: which
/// requests need a preflight, and how preflight and actual responses are judged. Written from
/// the standard, independently of CorsKit's server-side engine, so it can judge any server.
/// </summary>
internal static class FetchRules
{
    private static readonly string[] SafelistedMethods = ["GET", "HEAD", "POST"];
    private static readonly string[] SafelistedContentTypes = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"];

    public static bool IsSafelistedMethod(string method) => SafelistedMethods.Contains(method, StringComparer.Ordinal);

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

    /// <summary>The CORS-unsafe request-header names, lowercased, sorted and unique: the Access-Control-Request-Headers value.</summary>
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

    /// <summary>Splits a header's values into list items (Fetch's "extract header list values"), or null when absent.</summary>
    public static List<string>? ListValues(IReadOnlyList<string> values) =>
        values.Count == 0 ? null : values.SelectMany(v => v.Split(',')).Select(v => v.Trim(' ', '\t')).Where(v => v.Length > 0).ToList();

    private static bool IsUnsafeRequestHeaderByte(char c) =>
        (c < 0x20 && c != '\t') || c == 0x7F || "\"():<>?@[\\]{}".Contains(c, StringComparison.Ordinal);

    private static bool IsSimpleRange(string value)
    {
        if (!value.StartsWith("bytes=", StringComparison.Ordinal))
        {
            return false;
        }

        var parts = value["bytes=".Length..].Split('-');
        return parts.Length == 2 && parts[0].Length > 0 && parts[0].All(char.IsAsciiDigit) && parts[1].All(char.IsAsciiDigit)
            && (parts[1].Length == 0 || long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) <= long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
