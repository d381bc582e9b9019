using CorsKit.Fetch;
using CorsKit.Policies;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Engine;

/// <summary>
/// Checks an Access-Control-Request-Headers list against a policy in one pass, linear in the
/// header's length. Browsers send lowercase names joined by commas; spaces around commas, any
/// case and empty elements (RFC 9110 lists) are tolerated, anything that is not a token is refused.
/// </summary>
internal static class RequestHeaderList
{
    public static bool AreAllowed(NameSet allowed, StringValues requested, out ReadOnlyMemory<char> refused)
    {
        refused = default;
        for (var v = 0; v < requested.Count; v++)
        {
            var value = requested[v] ?? string.Empty;
            var start = 0;
            while (start <= value.Length)
            {
                var comma = value.IndexOf(',', start);
                var end = comma < 0 ? value.Length : comma;
                var (nameStart, nameLength) = TrimWhitespace(value, start, end);
                if (nameLength > 0 && !IsAllowed(allowed, value.AsSpan(nameStart, nameLength)))
                {
                    refused = value.AsMemory(nameStart, nameLength);
                    return false;
                }

                start = end + 1;
            }
        }

        return true;
    }

    /// <summary>Listed names are valid tokens, so only the wildcard needs the request's syntax checked.</summary>
    private static bool IsAllowed(NameSet allowed, ReadOnlySpan<char> name) =>
        allowed.Contains(name)
        || (allowed.ContainsWildcard && HttpToken.IsValid(name) && !name.Equals(FetchHeaderNames.Authorization, StringComparison.OrdinalIgnoreCase));

    private static (int Start, int Length) TrimWhitespace(string value, int start, int end)
    {
        while (start < end && value[start] is ' ' or '\t')
        {
            start++;
        }

        while (end > start && value[end - 1] is ' ' or '\t')
        {
            end--;
        }

        return (start, end - start);
    }
}
