using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CorsKit.Testing;

/// <summary>
/// Slow, obviously-correct restatements of CorsKit's rules, written independently of the
/// library (string splitting and System.Net instead of span walking and hash lookups), for
/// property tests and the fuzz runner to compare the real implementation against.
/// </summary>
public static class ReferenceModel
{
    private const string DomainChars = "abcdefghijklmnopqrstuvwxyz0123456789-_";
    private const string TokenChars = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>
    /// Whether <paramref name="origin"/> is a serialized origin exactly as a browser writes it:
    /// lowercase scheme, "://", a lowercase domain or canonical IP, an optional non-default port.
    /// </summary>
    public static bool IsCanonicalOrigin(string origin)
    {
        var separator = origin.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0)
        {
            return false;
        }

        var scheme = origin[..separator];
        if (!char.IsAsciiLetterLower(scheme[0]) || !scheme.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '+' or '-' or '.')
            || scheme is "file" or "ftp" or "ws" or "wss")
        {
            return false;
        }

        var rest = origin[(separator + 3)..];
        string host;
        string? port = null;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']');
            if (close < 0)
            {
                return false;
            }

            host = rest[..(close + 1)];
            var after = rest[(close + 1)..];
            if (after.Length > 0)
            {
                if (!after.StartsWith(':'))
                {
                    return false;
                }

                port = after[1..];
            }

            if (!IsCanonicalIPv6(host[1..^1]))
            {
                return false;
            }
        }
        else
        {
            var parts = rest.Split(':');
            if (parts.Length > 2)
            {
                return false;
            }

            host = parts[0];
            port = parts.Length == 2 ? parts[1] : null;
            if (!IsCanonicalDomainOrIPv4(host))
            {
                return false;
            }
        }

        return port is null || IsCanonicalPort(port, scheme);
    }

    /// <summary>The pattern definition of ARCHITECTURE.md's invariants: one or more labels, ".", the domain; same scheme and port.</summary>
    public static bool PatternMatches(string scheme, string domain, int port, string origin)
    {
        var portText = port < 0 ? string.Empty : ":" + port.ToString(CultureInfo.InvariantCulture);
        var prefix = scheme + "://";
        var suffix = "." + domain + portText;
        if (!origin.StartsWith(prefix, StringComparison.Ordinal) || !origin.EndsWith(suffix, StringComparison.Ordinal)
            || origin.Length <= prefix.Length + suffix.Length)
        {
            return false;
        }

        var host = origin[prefix.Length..^portText.Length];
        var labels = origin[prefix.Length..^suffix.Length].Split('.');
        return host.Length <= 253 && labels.All(l => l.Length is > 0 and <= 63 && l.All(c => DomainChars.Contains(c, StringComparison.Ordinal))
            && (!l.StartsWith("xn--", StringComparison.Ordinal) || IsPunycodeOfNonAsciiLabel(l[4..])));
    }

    /// <summary>
    /// Whether a policy allows <paramref name="origin"/>: byte-equal to a listed origin, matched
    /// by a pattern, or any canonical non-null origin under <c>*</c>; never above the length limit.
    /// </summary>
    public static bool Allows(
        IReadOnlyCollection<string> exact, IEnumerable<(string Scheme, string Domain, int Port)> patterns, bool anyOrigin, int maxLength, string origin) =>
        origin.Length <= maxLength
        && (exact.Contains(origin, StringComparer.Ordinal)
            || (anyOrigin && IsCanonicalOrigin(origin))
            || patterns.Any(p => PatternMatches(p.Scheme, p.Domain, p.Port, origin)));

    /// <summary>
    /// Whether every name of an Access-Control-Request-Headers value is allowed: split on commas,
    /// spaces and tabs trimmed, empty elements ignored, each a token that is listed
    /// (case-insensitively) or covered by <c>*</c>, which never covers Authorization.
    /// </summary>
    public static bool RequestHeadersAllowed(IEnumerable<string> values, IReadOnlyCollection<string> listed, bool wildcard) =>
        values.SelectMany(v => v.Split(',')).Select(n => n.Trim(' ', '\t')).Where(n => n.Length > 0).All(name =>
            listed.Contains(name, StringComparer.OrdinalIgnoreCase)
            || (wildcard && IsToken(name) && !name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)));

    /// <summary>
    /// What the CSRF guard does with a request that is not a preflight, restated from README's
    /// "What CorsKit answers" and "The CSRF guard": whether it is blocked, and whether it passes
    /// only for a remote authentication callback's handler. <paramref name="originAllowed"/> is
    /// the policy's verdict on the origin; null <paramref name="origin"/>, <paramref name="secFetchSite"/>,
    /// <paramref name="contentType"/> and <paramref name="endpointMethods"/> mean the header (or the
    /// method metadata) is absent. <paramref name="formPosts"/>: "endpoint", "callback" or "none".
    /// </summary>
    public static (bool Blocked, bool CallbackOnly) Guard(
        bool guardOn, bool originAllowed, bool allowCredentials, string method, string? origin, string? secFetchSite, string? contentType,
        bool hasCookies, bool isUpgrade, string[]? endpointMethods, string formPosts, string scheme, string host)
    {
        var safe = method is "GET" or "HEAD" or "OPTIONS";
        var anyMethod = endpointMethods is null || endpointMethods.Length == 0;
        var acceptsIt = anyMethod || endpointMethods!.Any(m => string.Equals(m, method, StringComparison.OrdinalIgnoreCase));
        var acceptsAWrite = anyMethod || endpointMethods!.Any(m => !new[] { "GET", "HEAD", "OPTIONS" }.Contains(m.ToUpperInvariant()));
        bool judged;
        if (!guardOn)
        {
            judged = false;
        }
        else if (origin is null || (originAllowed && allowCredentials))
        {
            // Without Origin, or from an origin the policy trusts with credentials, only the method counts.
            judged = !safe;
        }
        else
        {
            judged = !safe || !acceptsIt || isUpgrade || (contentType is not null && acceptsAWrite);
        }

        if (!judged)
        {
            return (false, false);
        }

        var sameOrigin = secFetchSite is not null
            ? secFetchSite is "same-origin" or "none"
            : origin is not null && IsCanonicalOrigin(origin) && SameOrigin(origin, scheme, host);
        if (origin is null)
        {
            if (secFetchSite is null || sameOrigin)
            {
                return (false, false);
            }
        }
        else if (originAllowed && (allowCredentials || !hasCookies))
        {
            return (false, false);
        }

        if (sameOrigin)
        {
            return (false, false);
        }

        var mediaType = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        var formPost = method == "POST" && mediaType is "application/x-www-form-urlencoded" or "multipart/form-data";
        return formPosts switch
        {
            "endpoint" when formPost => (false, false),
            "callback" when formPost => (false, true),
            _ => (true, false),
        };
    }

    /// <summary>An origin equal to the request's own scheme, host and port (default ports filled in, host names without case).</summary>
    private static bool SameOrigin(string origin, string scheme, string host)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var page) || !Uri.TryCreate($"{scheme}://{host}", UriKind.Absolute, out var own))
        {
            return false;
        }

        return string.Equals(page.Scheme, own.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(page.IdnHost, own.IdnHost, StringComparison.OrdinalIgnoreCase)
            && page.Port == own.Port;
    }

    /// <summary>Whether a preflight's requested method is allowed: safelisted, listed (exactly), or covered by <c>*</c>.</summary>
    public static bool MethodAllowed(string method, IReadOnlyCollection<string> listed, bool wildcard) =>
        method is "GET" or "HEAD" or "POST"
        || listed.Contains(method, StringComparer.Ordinal)
        || (wildcard && IsToken(method) && !new[] { "CONNECT", "TRACE", "TRACK" }.Contains(method, StringComparer.OrdinalIgnoreCase));

    public static bool IsToken(string value) => value.Length > 0 && value.All(c => TokenChars.Contains(c, StringComparison.Ordinal));

    private static bool IsCanonicalDomainOrIPv4(string host)
    {
        if (host.Length is 0 or > 253)
        {
            return false;
        }

        var labels = host.Split('.');
        if (labels.Any(l => l.Length is 0 or > 63 || !l.All(c => DomainChars.Contains(c, StringComparison.Ordinal))
            || (l.StartsWith("xn--", StringComparison.Ordinal) && !IsPunycodeOfNonAsciiLabel(l[4..]))))
        {
            return false;
        }

        // The URL standard reads a host whose last label is numeric (or 0x-hex) as IPv4.
        var last = labels[^1];
        var looksNumeric = last.All(char.IsAsciiDigit)
            || (last.StartsWith("0x", StringComparison.Ordinal) && last[2..].All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'));
        if (!looksNumeric)
        {
            return true;
        }

        return labels.Length == 4
            && labels.All(l => l.All(char.IsAsciiDigit) && int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v <= 255
                && v.ToString(CultureInfo.InvariantCulture) == l);
    }

    private static bool IsCanonicalIPv6(string text)
    {
        if (text.Length == 0 || text.Any(c => !(char.IsAsciiDigit(c) || c is >= 'a' and <= 'f' || c == ':'))
            || !IPAddress.TryParse(text, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        var bytes = address.GetAddressBytes();
        return FormatIPv6(Enumerable.Range(0, 8).Select(i => (bytes[2 * i] << 8) | bytes[(2 * i) + 1]).ToArray()) == text;
    }

    /// <summary>RFC 5952 and the URL standard: lowercase hex, the first longest run of two or more zero pieces as "::".</summary>
    public static string FormatIPv6(int[] pieces)
    {
        int bestStart = -1, bestLength = 1;
        for (var i = 0; i < 8; i++)
        {
            var length = 0;
            while (i + length < 8 && pieces[i + length] == 0)
            {
                length++;
            }

            if (length > bestLength)
            {
                (bestStart, bestLength) = (i, length);
            }
        }

        static string Hex(IEnumerable<int> ps) => string.Join(':', ps.Select(p => p.ToString("x", CultureInfo.InvariantCulture)));
        return bestStart < 0
            ? Hex(pieces)
            : Hex(pieces[..bestStart]) + "::" + Hex(pieces[(bestStart + bestLength)..]);
    }

    /// <summary>
    /// RFC 3492's decoder, step by step as section 6.2 writes it, on a label without its xn--:
    /// valid when it decodes, and decodes to at least one code point beyond ASCII, none of them a
    /// C1 control, a surrogate or beyond Unicode.
    /// </summary>
    public static bool IsPunycodeOfNonAsciiLabel(string encoded)
    {
        const long Base = 36, TMin = 1, TMax = 26;
        var output = new List<long>();
        var b = encoded.LastIndexOf('-');
        if (b > 0)
        {
            output.AddRange(encoded[..b].Select(c => (long)c));
        }

        long n = 128, i = 0, bias = 72;
        var input = b > 0 ? b + 1 : 0;
        if (input >= encoded.Length)
        {
            return false;
        }

        while (input < encoded.Length)
        {
            long oldi = i, w = 1;
            for (var k = Base; ; k += Base)
            {
                if (input >= encoded.Length)
                {
                    return false;
                }

                var c = encoded[input++];
                long digit = c is >= 'a' and <= 'z' ? c - 'a' : c is >= '0' and <= '9' ? c - '0' + 26 : -1;
                if (digit < 0)
                {
                    return false;
                }

                i += digit * w;
                var t = k <= bias ? TMin : k >= bias + TMax ? TMax : k - bias;
                if (digit < t)
                {
                    break;
                }

                w *= Base - t;
                if (i > int.MaxValue || w > int.MaxValue)
                {
                    return false;
                }
            }

            if (i > int.MaxValue)
            {
                return false;
            }

            var delta = oldi == 0 ? (i - oldi) / 700 : (i - oldi) / 2;
            delta += delta / (output.Count + 1);
            long kk = 0;
            while (delta > ((Base - TMin) * TMax) / 2)
            {
                delta /= Base - TMin;
                kk += Base;
            }

            bias = kk + (((Base - TMin + 1) * delta) / (delta + 38));
            n += i / (output.Count + 1);
            i %= output.Count + 1;
            if (n is < 0xA0 or (>= 0xD800 and <= 0xDFFF) or > 0x10FFFF)
            {
                return false;
            }

            output.Insert((int)i, n);
            i++;
        }

        return true;
    }

    private static bool IsCanonicalPort(string port, string scheme)
    {
        if (port.Length is 0 or > 5 || port[0] == '0' || !port.All(char.IsAsciiDigit))
        {
            return false;
        }

        var value = int.Parse(port, CultureInfo.InvariantCulture);
        var defaultPort = scheme switch { "http" => 80, "https" => 443, _ => -1 };
        return value <= 65535 && value != defaultPort;
    }
}
