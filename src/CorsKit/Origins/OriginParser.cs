namespace CorsKit.Origins;

/// <summary>
/// Recognises serialized origins exactly as browsers write them in the <c>Origin</c> header
/// (WHATWG URL "ASCII serialization of an origin"): lowercase scheme and host, ASCII (punycode)
/// host, IPv6 in brackets in its canonical compressed form, no default port, and nothing after
/// the port: no path, query, userinfo, trailing slash or trailing dot. Schemes no browser puts in
/// an Origin header (<see cref="IsNeverSentScheme"/>) and <c>xn--</c> labels that are not valid
/// Punycode are refused too. Allocation-free: it only walks the span.
/// </summary>
internal static class OriginParser
{
    /// <summary>The longest DNS name, in characters, without a trailing dot.</summary>
    public const int MaxDomainLength = 253;

    private const int MaxLabelLength = 63;

    /// <summary>The serialization of an opaque origin, which CorsKit never allows.</summary>
    public const string Null = "null";

    /// <summary>Parses a browser-canonical origin; returns false for any other text.</summary>
    public static bool TryParse(ReadOnlySpan<char> value, out OriginParts parts)
    {
        parts = default;
        var schemeLength = SchemeLength(value);
        if (schemeLength == 0 || !value[schemeLength..].StartsWith("://", StringComparison.Ordinal)
            || IsNeverSentScheme(value[..schemeLength]))
        {
            return false;
        }

        var rest = value[(schemeLength + 3)..];
        int hostLength;
        HostKind kind;
        if (rest.Length > 0 && rest[0] == '[')
        {
            var close = rest.IndexOf(']');
            if (close < 0 || !IpAddressSyntax.IsCanonicalIPv6(rest[1..close]))
            {
                return false;
            }

            hostLength = close + 1;
            kind = HostKind.IPv6;
        }
        else
        {
            hostLength = rest.IndexOf(':');
            if (hostLength < 0)
            {
                hostLength = rest.Length;
            }

            if (!TryClassifyHost(rest[..hostLength], out kind))
            {
                return false;
            }
        }

        var port = -1;
        var afterHost = rest[hostLength..];
        if (afterHost.Length > 0)
        {
            if (afterHost[0] != ':' || !TryParsePort(afterHost[1..], out port)
                || port == DefaultPort(value[..schemeLength]))
            {
                return false;
            }
        }

        parts = new OriginParts(schemeLength, hostLength, port, kind);
        return true;
    }

    /// <summary>
    /// Schemes that never appear in an Origin header although they look like origins: pages
    /// loaded from <c>file:</c> send <c>null</c>, no browser loads <c>ftp:</c> pages any more, and
    /// a WebSocket URL is never a page's origin (its handshake carries the page's http(s) origin).
    /// </summary>
    public static bool IsNeverSentScheme(ReadOnlySpan<char> scheme) => scheme is "file" or "ftp" or "ws" or "wss";

    /// <summary>
    /// The default port of the schemes that have one in the URL standard (of those that reach
    /// here), or -1.
    /// A canonical origin never spells its default port out.
    /// </summary>
    public static int DefaultPort(ReadOnlySpan<char> scheme) => scheme switch
    {
        "http" => 80,
        "https" => 443,
        _ => -1,
    };

    /// <summary>
    /// Checks a host that is not an IPv6 literal: a canonical dotted-quad IPv4 address, or a
    /// domain of lowercase LDH labels (underscore allowed, as browsers allow it).
    /// </summary>
    public static bool TryClassifyHost(ReadOnlySpan<char> host, out HostKind kind)
    {
        kind = HostKind.Domain;
        if (host.Length == 0 || host.Length > MaxDomainLength)
        {
            return false;
        }

        var lastLabelStart = 0;
        var labelLength = 0;
        for (var i = 0; i < host.Length; i++)
        {
            var c = host[i];
            if (c == '.')
            {
                if (labelLength == 0 || !IsValidAceLabel(host.Slice(lastLabelStart, labelLength)))
                {
                    return false; // empty label (leading, doubled or trailing dot), or bad Punycode
                }

                labelLength = 0;
                lastLabelStart = i + 1;
            }
            else if (IsDomainChar(c) && ++labelLength <= MaxLabelLength)
            {
                continue;
            }
            else
            {
                return false;
            }
        }

        if (labelLength == 0 || !IsValidAceLabel(host[lastLabelStart..]))
        {
            return false; // trailing dot, or bad Punycode
        }

        // The URL standard parses a host whose last label looks like a number as IPv4, and
        // serializes it as a dotted quad; anything else that "ends in a number" is not canonical.
        if (EndsInANumber(host[lastLabelStart..]))
        {
            kind = HostKind.IPv4;
            return IpAddressSyntax.IsCanonicalIPv4(host);
        }

        return true;
    }

    /// <summary>A label is fine unless it starts with <c>xn--</c> and is not valid Punycode.</summary>
    private static bool IsValidAceLabel(ReadOnlySpan<char> label) =>
        !label.StartsWith(Punycode.AcePrefix, StringComparison.Ordinal) || Punycode.IsValidLabel(label[Punycode.AcePrefix.Length..]);

    private static bool EndsInANumber(ReadOnlySpan<char> lastLabel)
    {
        if (lastLabel.Length >= 2 && lastLabel[0] == '0' && lastLabel[1] == 'x')
        {
            return !lastLabel[2..].ContainsAnyExcept(IpAddressSyntax.LowerHexDigits);
        }

        return !lastLabel.ContainsAnyExcept(IpAddressSyntax.Digits);
    }

    private static bool IsDomainChar(char c) =>
        char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-' || c == '_';

    /// <summary>Length of a lowercase scheme followed by ':', or 0.</summary>
    private static int SchemeLength(ReadOnlySpan<char> value)
    {
        if (value.Length == 0 || !char.IsAsciiLetterLower(value[0]))
        {
            return 0;
        }

        for (var i = 1; i < value.Length; i++)
        {
            var c = value[i];
            if (c == ':')
            {
                return i;
            }

            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '+' || c == '-' || c == '.'))
            {
                return 0;
            }
        }

        return 0;
    }

    /// <summary>A port in canonical decimal: 1 to 65535, no sign, no leading zero.</summary>
    private static bool TryParsePort(ReadOnlySpan<char> text, out int port)
    {
        port = 0;
        if (text.Length is 0 or > 5 || text[0] == '0')
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            port = (port * 10) + (c - '0');
        }

        return port <= ushort.MaxValue;
    }
}
