using System.Globalization;
using CorsKit.Origins;

namespace CorsKit.Policies;

/// <summary>Validates the <c>Origins</c> list of one policy and sorts it into exact origins, patterns and <c>*</c>.</summary>
internal static class OriginsValidator
{
    public const string Any = "*";

    /// <summary>The valid entries of one policy's Origins list.</summary>
    public sealed record Result(IReadOnlyList<string> Exact, IReadOnlyList<OriginPattern> Patterns, bool AllowsAny);

    public static Result Validate(StrictCorsPolicyOptions policy, string path, int maxOriginLength, ConfigurationIssues issues)
    {
        var origins = policy.Origins;
        var exact = new List<string>();
        var patterns = new List<OriginPattern>();
        var allowsAny = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (origins.Count == 0 && policy.OriginStore is null)
        {
            issues.Error($"{path}:Origins", "is empty: a policy must allow at least one origin, e.g. \"Origins\": [ \"https://app.example.com\" ].");
        }

        for (var i = 0; i < origins.Count; i++)
        {
            var entry = origins[i];
            var entryPath = $"{path}:Origins:{i}";
            if (string.IsNullOrWhiteSpace(entry))
            {
                issues.Error(entryPath, "is empty: write an origin such as https://app.example.com.");
            }
            else if (!seen.Add(entry))
            {
                issues.Warning(entryPath, $"'{entry}' is listed twice; remove the duplicate.");
            }
            else if (entry == Any)
            {
                allowsAny = ValidateAny(policy, entryPath, issues);
            }
            else if (entry.Trim().Equals(OriginParser.Null, StringComparison.OrdinalIgnoreCase))
            {
                issues.Error(entryPath, "'null' can never be allowed: it is the origin of sandboxed iframes, file: pages and redirected requests, "
                    + "so any site can send it. Serve the page from a real origin and list that origin instead.");
            }
            else if (NeverSentMessage(entry) is { } neverSent)
            {
                issues.Error(entryPath, neverSent);
            }
            else if (entry.Contains('*', StringComparison.Ordinal))
            {
                if (ValidatePattern(policy, entry, entryPath, issues) is { } pattern && FitsMaxLength(entry, entryPath, maxOriginLength, issues))
                {
                    patterns.Add(pattern);
                }
            }
            else if (ValidateExact(policy, entry, entryPath, issues) && FitsMaxLength(entry, entryPath, maxOriginLength, issues))
            {
                exact.Add(entry);
            }
        }

        return new Result(exact, patterns, allowsAny);
    }

    /// <summary>
    /// Requests whose Origin is longer than MaxOriginLength are denied unread, so a longer entry
    /// could never match; nor could a longer pattern, since every origin it matches is at least as long.
    /// </summary>
    private static bool FitsMaxLength(string entry, string entryPath, int maxOriginLength, ConfigurationIssues issues)
    {
        // A limit that is not positive is reported once, on MaxOriginLength itself.
        if (entry.Length <= maxOriginLength || maxOriginLength <= 0)
        {
            return true;
        }

        issues.Error(entryPath, $"'{entry}' is longer than MaxOriginLength ({maxOriginLength}) and could never match: raise MaxOriginLength.");
        return false;
    }

    private static bool ValidateAny(StrictCorsPolicyOptions policy, string path, ConfigurationIssues issues)
    {
        var valid = true;
        if (policy.Origins.Count > 1)
        {
            issues.Error(path, "'*' must be the only origin: it already allows every origin. Remove '*' to keep the listed origins, or remove the others for a public policy.");
            valid = false;
        }

        if (policy.AllowCredentials)
        {
            issues.Error(path, "'*' cannot be combined with AllowCredentials: browsers reject credentialed responses for '*', and echoing every origin instead "
                + "would let any site read your users' data. List the exact origins that need credentials, or set AllowCredentials to false.");
            valid = false;
        }

        if (policy.AllowPrivateNetwork)
        {
            issues.Error(path, "'*' cannot be combined with AllowPrivateNetwork: it would let any public website reach this private-network service. "
                + "List the exact origins that need private-network access.");
            valid = false;
        }

        return valid;
    }

    /// <summary>
    /// Why no browser would ever send <paramref name="entry"/>, so that listing it is a mistake that
    /// would silently never match: a scheme browsers do not put in Origin, or a host with an
    /// <c>xn--</c> label the URL parser refuses (checked here with the full IDNA rules).
    /// </summary>
    public static string? NeverSentMessage(string entry)
    {
        var separator = entry.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0)
        {
            return null;
        }

        var scheme = entry[..separator].Trim().ToLowerInvariant();
        if (OriginParser.IsNeverSentScheme(scheme))
        {
            var why = scheme switch
            {
                "file" => "pages loaded from file: send 'Origin: null'",
                "ftp" => "no browser loads ftp: pages any more",
                _ => "a WebSocket URL is never the origin of a page: a page opening one sends its own http(s) origin",
            };
            return $"'{entry}' is an origin no browser sends: {why}. List the https:// (or http://) origin of the page that makes the requests.";
        }

        var host = entry[(separator + 3)..];
        var hostEnd = host.IndexOfAny([':', '/', '?', '#']);
        if (hostEnd >= 0)
        {
            host = host[..hostEnd];
        }

        // An uppercase host is reported as not canonical; Punycode is checked in canonical hosts.
        var badLabel = host.Split('.').FirstOrDefault(label => label.StartsWith(Punycode.AcePrefix, StringComparison.Ordinal) && !IsValidIdnLabel(label));
        return badLabel is null
            ? null
            : $"'{entry}' has the host label '{badLabel}', which is not valid Punycode: the URL parser refuses such a host, so no browser sends it. "
              + "Write the host as browsers send it, the Punycode of a real name (https://xn--bcher-kva.example for bücher.example).";
    }

    /// <summary>
    /// The request-time Punycode check, then the platform's full IDNA (UTS #46) check when it has
    /// one: a label that decodes to a disallowed character is refused here even though requests
    /// only get the structural check.
    /// </summary>
    private static bool IsValidIdnLabel(string label)
    {
        if (!Punycode.IsValidLabel(label.AsSpan(Punycode.AcePrefix.Length)))
        {
            return false;
        }

        try
        {
            var idn = new IdnMapping();
            return idn.GetAscii(idn.GetUnicode(label)) == label;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (PlatformNotSupportedException)
        {
            return true; // invariant globalization: no IDNA tables, the structural check stands
        }
    }

    private static bool ValidateExact(StrictCorsPolicyOptions policy, string entry, string path, ConfigurationIssues issues)
    {
        if (!OriginParser.TryParse(entry, out var parts))
        {
            issues.Error(path, NotCanonicalMessage(entry, "https://app.example.com"));
            return false;
        }

        WarnAboutUncommonScheme(entry, parts.Scheme(entry), path, issues);
        return CheckTransportSecurity(policy, entry, parts.Scheme(entry), parts.Host(entry), path, issues);
    }

    /// <summary>Browsers send http(s) origins; other schemes come only from extensions and app web views, or from a typo.</summary>
    private static void WarnAboutUncommonScheme(string entry, ReadOnlySpan<char> scheme, string path, ConfigurationIssues issues)
    {
        if (scheme is not ("http" or "https"))
        {
            issues.Warning(path, $"'{entry}' uses the scheme '{scheme}': pages send http or https origins, and other schemes come only from browser extensions "
                + "and app web views (chrome-extension://, moz-extension://, capacitor://…). Check the spelling if that is not what you meant.");
        }
    }

    private static OriginPattern? ValidatePattern(StrictCorsPolicyOptions policy, string entry, string path, ConfigurationIssues issues)
    {
        if (!OriginPattern.TryParse(entry, out var pattern))
        {
            var wildcardPlacement = entry.Contains("://*.", StringComparison.Ordinal) && entry.Count(c => c == '*') == 1
                ? NotCanonicalMessage(entry, "https://*.example.com")
                : $"'{entry}' is not a valid pattern: the wildcard must be the whole first label of the host, after the scheme, "
                  + "as in https://*.example.com (which matches https://api.example.com and https://a.b.example.com, never https://example.com).";
            issues.Error(path, wildcardPlacement);
            return null;
        }

        if (pattern!.Domain != "localhost" && PublicSuffixList.Instance.IsPublicSuffix(pattern.Domain))
        {
            issues.Error(path, $"'{entry}' puts the wildcard directly under the public suffix '{pattern.Domain}', so it would match sites owned by anyone. "
                + $"Use a domain you control, e.g. {pattern.Scheme}://*.your-domain.{pattern.Domain}.");
            return null;
        }

        WarnAboutUncommonScheme(entry, pattern.Scheme, path, issues);
        return CheckTransportSecurity(policy, entry, pattern.Scheme, pattern.Domain, path, issues) ? pattern : null;
    }

    /// <summary>
    /// Refuses plain-text origins where credentials or private-network access are at stake: a
    /// network attacker can inject script into any http:// page. Loopback is exempt (it never
    /// leaves the machine); <see cref="StrictCorsPolicyOptions.AllowInsecureOrigins"/> waives it.
    /// </summary>
    private static bool CheckTransportSecurity(
        StrictCorsPolicyOptions policy, string entry, ReadOnlySpan<char> scheme, ReadOnlySpan<char> host, string path, ConfigurationIssues issues)
    {
        if (!(policy.AllowCredentials || policy.AllowPrivateNetwork) || policy.AllowInsecureOrigins || !IsPlainText(scheme, host))
        {
            return true;
        }

        var setting = policy.AllowCredentials ? "AllowCredentials" : "AllowPrivateNetwork";
        issues.Error(path, $"'{entry}' is a plain-text origin in a policy with {setting}: anyone on the network path can run script as that origin. "
            + $"Use the https:// origin, or set AllowInsecureOrigins to true if you accept that risk.");
        return false;
    }

    /// <summary>
    /// Whether a valid Origins entry (an origin or a pattern) is plain text off the machine, which
    /// a policy with credentials or private-network access accepts only with AllowInsecureOrigins.
    /// </summary>
    public static bool IsPlainText(string entry)
    {
        if (entry.Contains('*', StringComparison.Ordinal))
        {
            return OriginPattern.TryParse(entry, out var pattern) && IsPlainText(pattern!.Scheme, pattern.Domain);
        }

        return OriginParser.TryParse(entry, out var parts) && IsPlainText(parts.Scheme(entry), parts.Host(entry));
    }

    private static bool IsPlainText(ReadOnlySpan<char> scheme, ReadOnlySpan<char> host) => scheme is "http" && !IsLoopback(host);

    /// <summary>localhost, *.localhost, 127.0.0.0/8 and [::1]: hosts that never leave the machine.</summary>
    private static bool IsLoopback(ReadOnlySpan<char> host) =>
        host is "localhost" or "[::1]"
        || (host.Length > ".localhost".Length && host.EndsWith(".localhost", StringComparison.Ordinal))
        || (OriginParser.TryClassifyHost(host, out var kind) && kind == HostKind.IPv4 && host.StartsWith("127.", StringComparison.Ordinal));

    private static string NotCanonicalMessage(string entry, string example)
    {
        var (problems, canonical) = OriginSuggestion.Explain(entry);
        var fix = canonical is null ? $"write it as a browser sends it, e.g. {example}" : $"did you mean '{canonical}'?";
        return $"'{entry}' is not a browser-canonical origin ({problems}); {fix} Browsers send the origin in exactly that form, and CorsKit compares it byte for byte.";
    }
}
