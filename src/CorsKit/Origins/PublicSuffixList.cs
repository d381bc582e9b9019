using System.Collections.Frozen;
using System.Globalization;

namespace CorsKit.Origins;

/// <summary>
/// The Public Suffix List (https://publicsuffix.org, MPL-2.0), from a snapshot embedded in this
/// assembly (see THIRD-PARTY-NOTICES.md; <see cref="PublicSuffixListSnapshot"/> says which). Loaded
/// once, on first use, when a configuration with a subdomain pattern is validated; never consulted
/// per request.
/// </summary>
internal sealed class PublicSuffixList
{
    /// <summary>The manifest resource name of the embedded list.</summary>
    internal const string ResourceName = "CorsKit.public_suffix_list.dat";

    private static readonly Lazy<PublicSuffixList> Embedded = new(LoadEmbedded);

    private readonly FrozenSet<string> _rules;
    private readonly FrozenSet<string> _wildcardParents;
    private readonly FrozenSet<string> _exceptions;

    internal PublicSuffixList(TextReader reader)
    {
        var rules = new HashSet<string>(StringComparer.Ordinal);
        var wildcardParents = new HashSet<string>(StringComparer.Ordinal);
        var exceptions = new HashSet<string>(StringComparer.Ordinal);
        var idn = new IdnMapping();
        while (reader.ReadLine() is { } line)
        {
            var rule = line.Trim();
            if (rule.Length == 0 || rule.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            if (rule.StartsWith('!'))
            {
                exceptions.Add(ToAscii(idn, rule[1..]));
            }
            else if (rule.StartsWith("*.", StringComparison.Ordinal))
            {
                wildcardParents.Add(ToAscii(idn, rule[2..]));
            }
            else
            {
                rules.Add(ToAscii(idn, rule));
            }
        }

        _rules = rules.ToFrozenSet(StringComparer.Ordinal);
        _wildcardParents = wildcardParents.ToFrozenSet(StringComparer.Ordinal);
        _exceptions = exceptions.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>The list embedded in this assembly.</summary>
    public static PublicSuffixList Instance => Embedded.Value;

    /// <summary>Number of rules read, for tests.</summary>
    public int RuleCount => _rules.Count + _wildcardParents.Count + _exceptions.Count;

    /// <summary>
    /// Whether <paramref name="domain"/> (lowercase ASCII) is itself a public suffix, so that a
    /// wildcard directly under it would cover unrelated owners' sites. Follows the list's
    /// algorithm: exception rules win, then exact and wildcard rules; every single label is a
    /// public suffix under the list's implicit <c>*</c> rule.
    /// </summary>
    public bool IsPublicSuffix(string domain)
    {
        if (_exceptions.Contains(domain))
        {
            return false;
        }

        if (_rules.Contains(domain))
        {
            return true;
        }

        var dot = domain.IndexOf('.');
        return dot < 0 || _wildcardParents.Contains(domain[(dot + 1)..]);
    }

    private static string ToAscii(IdnMapping idn, string rule) =>
        rule.Any(c => c > 0x7F) ? idn.GetAscii(rule) : rule;

    /// <summary>The bytes of one of this assembly's embedded resources.</summary>
    internal static byte[] ReadResource(string name)
    {
        using var stream = OpenResource(name);
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }

    private static Stream OpenResource(string name) =>
        typeof(PublicSuffixList).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded resource {name} is missing from CorsKit.");

    private static PublicSuffixList LoadEmbedded()
    {
        using var reader = new StreamReader(OpenResource(ResourceName));
        return new PublicSuffixList(reader);
    }
}
