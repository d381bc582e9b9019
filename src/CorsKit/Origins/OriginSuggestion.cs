using System.Net;
using System.Net.Sockets;

namespace CorsKit.Origins;

/// <summary>
/// Explains why a configured origin is not browser-canonical and proposes the canonical form a
/// browser would send. Used only to write validation messages, so it may allocate freely.
/// </summary>
internal static class OriginSuggestion
{
    private const string WildcardStandIn = "corskit-wildcard";

    /// <summary>
    /// Describes what is not canonical in <paramref name="text"/> (e.g. "a path or trailing
    /// slash") and the canonical origin a browser would send for it, when there is one.
    /// </summary>
    public static (string Problems, string? Canonical) Explain(string text)
    {
        var isPattern = OriginPattern.LooksLikePattern(text);
        var candidate = isPattern ? text.Replace("://*.", $"://{WildcardStandIn}.", StringComparison.Ordinal) : text;
        var problems = new List<string>();
        if (candidate != candidate.Trim())
        {
            problems.Add("surrounding whitespace");
        }

        var trimmed = candidate.Trim();
        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host)
            || !trimmed.Contains("://", StringComparison.Ordinal))
        {
            problems.Add("it is not of the form scheme://host[:port]");
            return (string.Join(", ", problems), null);
        }

        var canonical = Canonicalize(uri);
        var afterScheme = trimmed[(trimmed.IndexOf("://", StringComparison.Ordinal) + 3)..];
        if (uri.UserInfo.Length > 0)
        {
            problems.Add("userinfo");
        }

        if (afterScheme.IndexOfAny(['/', '?', '#']) >= 0)
        {
            problems.Add("a path, query or trailing slash");
        }

        if (trimmed.Any(char.IsAsciiLetterUpper))
        {
            problems.Add("uppercase letters");
        }

        if (uri.Host.Any(c => c > 0x7F))
        {
            problems.Add("a non-ASCII host (browsers send punycode)");
        }

        if (uri.IsDefaultPort && afterScheme.Contains(':', StringComparison.Ordinal) && uri.HostNameType != UriHostNameType.IPv6)
        {
            problems.Add("the scheme's default port");
        }

        if (uri.Host.EndsWith('.'))
        {
            problems.Add("a trailing dot");
        }

        if (problems.Count == 0)
        {
            problems.Add("browsers serialize it differently");
        }

        if (isPattern && canonical is not null)
        {
            canonical = canonical.Replace($"://{WildcardStandIn}.", "://*.", StringComparison.Ordinal);
        }

        return (string.Join(", ", problems), canonical == text ? null : canonical);
    }

    /// <summary>
    /// The origin of <paramref name="uri"/> serialized as a browser does, or null when its host has
    /// none: a character IDNA disallows (U+200B, U+FFFD…) makes the URL parser refuse it, and
    /// <see cref="Uri.IdnHost"/> throw.
    /// </summary>
    private static string? Canonicalize(Uri uri)
    {
        string host;
        try
        {
            host = uri.HostNameType switch
            {
                UriHostNameType.IPv6 => $"[{FormatIPv6(uri.Host)}]",
                _ => uri.IdnHost.TrimEnd('.').ToLowerInvariant(),
            };
        }
        catch (UriFormatException)
        {
            return null;
        }

        var port = uri.IsDefaultPort ? string.Empty : $":{uri.Port}";
        return $"{uri.Scheme}://{host}{port}";
    }

    private static string FormatIPv6(string bracketedOrBare)
    {
        var address = IPAddress.Parse(bracketedOrBare.Trim('[', ']'));
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Span<ushort> pieces = stackalloc ushort[8];
        for (var i = 0; i < 8; i++)
        {
            pieces[i] = (ushort)((bytes[2 * i] << 8) | bytes[(2 * i) + 1]);
        }

        Span<char> text = stackalloc char[IpAddressSyntax.MaxIPv6Length];
        return new string(text[..IpAddressSyntax.FormatIPv6(pieces, text)]);
    }
}
