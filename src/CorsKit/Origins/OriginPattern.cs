namespace CorsKit.Origins;

/// <summary>
/// A subdomain pattern such as <c>https://*.example.com</c> or <c>http://*.localhost:3000</c>:
/// it matches origins with the same scheme and port whose host is one or more labels followed by
/// <c>.</c> and the pattern's domain — never the domain itself.
/// </summary>
internal sealed class OriginPattern
{
    private const string Wildcard = "*.";

    private OriginPattern(string scheme, string domain, string domainAndPort)
    {
        Scheme = scheme;
        Domain = domain;
        DomainAndPort = domainAndPort;
    }

    /// <summary>The scheme, e.g. <c>https</c>.</summary>
    public string Scheme { get; }

    /// <summary>The domain under the wildcard, e.g. <c>example.com</c>.</summary>
    public string Domain { get; }

    /// <summary>
    /// The domain followed by <c>:port</c> when the pattern has an explicit port: the exact text
    /// that follows the first matched label's dot in every origin the pattern matches.
    /// </summary>
    public string DomainAndPort { get; }

    /// <summary>Whether <paramref name="text"/> is written as a pattern: a scheme, then <c>://*</c>.</summary>
    public static bool LooksLikePattern(string text) => text.Contains("://*", StringComparison.Ordinal);

    /// <summary>
    /// Parses a pattern in canonical form: <c>scheme://*.</c> followed by a canonical domain
    /// (not an IP address) and an optional non-default port.
    /// </summary>
    public static bool TryParse(string text, out OriginPattern? pattern)
    {
        pattern = null;
        var separator = text.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0 || !text.AsSpan(separator + 3).StartsWith(Wildcard, StringComparison.Ordinal))
        {
            return false;
        }

        // The text after "*." must make a canonical origin once a label takes the wildcard's place.
        var afterWildcard = text[(separator + 3 + Wildcard.Length)..];
        var sample = string.Concat(text.AsSpan(0, separator + 3), "x.", afterWildcard);
        if (!OriginParser.TryParse(sample, out var parts) || parts.HostKind != HostKind.Domain)
        {
            return false;
        }

        var scheme = text[..separator];
        var domain = sample.Substring(parts.HostStart + 2, parts.HostLength - 2);
        pattern = new OriginPattern(scheme, domain, afterWildcard);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Scheme}://{Wildcard}{DomainAndPort}";
}
