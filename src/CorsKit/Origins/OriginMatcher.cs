using System.Collections.Frozen;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Origins;

/// <summary>What <see cref="OriginMatcher"/> concluded about a request's <c>Origin</c> header.</summary>
internal enum OriginVerdict : byte
{
    Allowed,

    /// <summary>A canonical origin that the policy does not list.</summary>
    NotAllowed,

    /// <summary>The opaque origin <c>null</c>, which is never allowed.</summary>
    Null,

    /// <summary>Not a browser-canonical origin (or longer than any real one).</summary>
    Malformed,

    /// <summary>More than one <c>Origin</c> header: browsers send exactly one.</summary>
    Multiple,
}

/// <summary>
/// Decides whether a request's <c>Origin</c> is allowed by one policy. Exact origins are looked up
/// in a frozen hash set by ordinal (byte) equality: O(1) in the number of origins. Subdomain
/// patterns are looked up by the text after each dot of the host: O(labels in the host),
/// independent of the number of patterns. Nothing is allocated.
/// </summary>
internal sealed class OriginMatcher
{
    /// <summary>
    /// The default for <see cref="StrictCorsOptions.MaxOriginLength"/>. A canonical origin is a
    /// scheme, at most 253 characters of host and a port, so no real origin comes near it.
    /// </summary>
    public const int DefaultMaxOriginLength = 512;

    /// <summary>The entry that allows any origin.</summary>
    public const string AnyOrigin = "*";

    private readonly FrozenSet<string> _exact;
    private readonly SchemePatterns[] _patterns;
    private readonly int _maxOriginLength;

    public OriginMatcher(
        IEnumerable<string> exactOrigins, IEnumerable<OriginPattern> patterns, bool allowsAnyOrigin, int maxOriginLength = DefaultMaxOriginLength)
    {
        _maxOriginLength = maxOriginLength;
        var exact = exactOrigins.ToList();
        var patternList = patterns.ToList();
        _exact = exact.ToFrozenSet(StringComparer.Ordinal);
        _patterns = patternList
            .GroupBy(p => p.Scheme, StringComparer.Ordinal)
            .Select(g => new SchemePatterns(g.Key, g.Select(p => p.DomainAndPort).ToFrozenSet(StringComparer.Ordinal)))
            .ToArray();
        AllowsAnyOrigin = allowsAnyOrigin;
        AllowsNoOrigin = !allowsAnyOrigin && _exact.Count == 0 && _patterns.Length == 0;
        Listed = [.. exact, .. patternList.Select(p => p.ToString()), .. allowsAnyOrigin ? new[] { AnyOrigin } : []];
    }

    /// <summary>The longest Origin this matcher looks at; longer ones are malformed.</summary>
    public int MaxOriginLength => _maxOriginLength;

    /// <summary>A matcher that allows no origin.</summary>
    public static OriginMatcher None { get; } = new([], [], allowsAnyOrigin: false);

    /// <summary>Whether the policy is <c>*</c>: every canonical, non-null origin is allowed.</summary>
    public bool AllowsAnyOrigin { get; }

    /// <summary>The entries this matcher was built from, as configured: exact origins, patterns, then <c>*</c>.</summary>
    public IReadOnlyList<string> Listed { get; }

    /// <summary>Whether no origin can ever be allowed (the policy of endpoints without one).</summary>
    public bool AllowsNoOrigin { get; }

    /// <summary>Matches the values of a request's <c>Origin</c> header (at least one).</summary>
    public OriginVerdict Match(StringValues origin)
    {
        if (origin.Count != 1)
        {
            return OriginVerdict.Multiple;
        }

        var value = origin[0] ?? string.Empty;
        if (value.Length > _maxOriginLength)
        {
            // Denied before any hashing or parsing: the cost of a huge value stops here.
            return OriginVerdict.Malformed;
        }

        if (_exact.Contains(value))
        {
            return OriginVerdict.Allowed;
        }

        if (!OriginParser.TryParse(value, out var parts))
        {
            return value == OriginParser.Null ? OriginVerdict.Null : OriginVerdict.Malformed;
        }

        return AllowsAnyOrigin || MatchesPattern(value, parts) ? OriginVerdict.Allowed : OriginVerdict.NotAllowed;
    }

    /// <summary>
    /// Whether every origin that a configured entry (an origin, a pattern or <c>*</c>) stands for
    /// is allowed here: an origin this matcher allows, a pattern under one of its patterns (or
    /// equal to one), or anything when this matcher is <c>*</c>. Used to compare configurations,
    /// never on requests.
    /// </summary>
    public bool Covers(string entry)
    {
        if (AllowsAnyOrigin)
        {
            return true;
        }

        if (!OriginPattern.TryParse(entry, out var pattern))
        {
            return entry != AnyOrigin && Match(entry) == OriginVerdict.Allowed;
        }

        // A pattern is covered when one label in its wildcard's place gives an origin another pattern matches.
        var sample = $"{pattern!.Scheme}://x.{pattern.DomainAndPort}";
        return OriginParser.TryParse(sample, out var parts) && MatchesPattern(sample, parts);
    }

    private bool MatchesPattern(ReadOnlySpan<char> origin, in OriginParts parts)
    {
        if (parts.HostKind != HostKind.Domain)
        {
            return false;
        }

        var scheme = parts.Scheme(origin);
        foreach (var group in _patterns)
        {
            if (!scheme.SequenceEqual(group.Scheme))
            {
                continue;
            }

            // After each dot of the host comes "<domain>[:port]": one hash lookup per label.
            var hostEnd = parts.HostStart + parts.HostLength;
            for (var i = parts.HostStart + 1; i < hostEnd; i++)
            {
                if (origin[i] == '.' && group.DomainsAndPorts.Contains(origin[(i + 1)..]))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The patterns of one scheme, keyed by <see cref="OriginPattern.DomainAndPort"/>.</summary>
    private sealed class SchemePatterns(string scheme, FrozenSet<string> domainsAndPorts)
    {
        public string Scheme { get; } = scheme;

        public FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> DomainsAndPorts { get; } =
            domainsAndPorts.GetAlternateLookup<ReadOnlySpan<char>>();
    }
}
