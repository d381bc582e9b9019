using CorsKit.Fetch;

namespace CorsKit.Policies;

/// <summary>Validates a policy's Methods, Headers and ExposedHeaders lists.</summary>
internal static class NameListsValidator
{
    private const string Wildcard = "*";

    public static NameSet Methods(StrictCorsPolicyOptions policy, string path, ConfigurationIssues issues) =>
        Validate(policy.Methods, policy, $"{path}:Methods", StringComparer.Ordinal, issues, (method, entryPath) =>
        {
            if (HttpMethodRules.IsForbidden(method))
            {
                issues.Error(entryPath, $"'{method}' can never be sent by fetch() or XMLHttpRequest; remove it.");
                return false;
            }

            var sent = HttpMethodRules.Normalize(method);
            if (sent != method)
            {
                issues.Error(entryPath, $"'{method}' would never match: methods are case-sensitive and browsers send '{sent}'. Did you mean '{sent}'?");
                return false;
            }

            if (HttpMethodRules.IsCorsSafelisted(method))
            {
                issues.Warning(entryPath, $"'{method}' is CORS-safelisted: browsers never preflight it and CorsKit always allows it for allowed origins; listing it is unnecessary.");
            }

            return true;
        });

    public static NameSet Headers(StrictCorsPolicyOptions policy, string path, ConfigurationIssues issues)
    {
        var headers = Validate(policy.Headers, policy, $"{path}:Headers", StringComparer.OrdinalIgnoreCase, issues, (header, entryPath) =>
        {
            if (FetchHeaderNames.IsForbiddenRequestHeader(header))
            {
                issues.Error(entryPath, $"'{header}' is a forbidden request header: browsers never let a page set it, so a preflight never asks for it. Remove it.");
                return false;
            }

            // Accept, Accept-Language, Content-Language, Content-Type and Range are never warned as
            // needless: they are CORS-safelisted only for some values (Fetch's "CORS-safelisted
            // request-header": no CORS-unsafe byte, at most 128 bytes, at most 1024 bytes of such
            // values together), and with any other value browsers preflight them, asking for the
            // name, which passes only when it is listed.
            return true;
        });

        if (headers.ContainsWildcard && !headers.Contains(FetchHeaderNames.Authorization))
        {
            issues.Warning($"{path}:Headers", "'*' does not cover Authorization: the Fetch standard excludes it, so CorsKit refuses a preflight that asks for it "
                + "unless \"Authorization\" is listed, whatever the browser (Chromium, Firefox and WebKit were all seen letting '*' cover it). "
                + "Add \"Authorization\" to the list if pages send it.");
        }

        return headers;
    }

    public static IReadOnlyList<string> ExposedHeaders(StrictCorsPolicyOptions policy, string path, ConfigurationIssues issues) =>
        Validate(policy.ExposedHeaders, policy, $"{path}:ExposedHeaders", StringComparer.OrdinalIgnoreCase, issues, (header, entryPath) =>
        {
            if (FetchHeaderNames.IsForbiddenResponseHeader(header))
            {
                issues.Error(entryPath, $"'{header}' is never exposed to pages by any browser, whatever the server says; remove it.");
                return false;
            }

            if (FetchHeaderNames.IsSafelistedResponseHeader(header))
            {
                issues.Warning(entryPath, $"'{header}' is CORS-safelisted: pages can always read it; listing it is unnecessary.");
            }

            return true;
        }).Names;

    /// <summary>
    /// The checks every list shares: non-empty tokens, no duplicates, and <c>*</c> only without
    /// credentials (with credentials the Fetch standard reads <c>*</c> as a literal name).
    /// </summary>
    private static NameSet Validate(
        IList<string> entries,
        StrictCorsPolicyOptions policy,
        string path,
        StringComparer comparer,
        ConfigurationIssues issues,
        Func<string, string, bool> checkName)
    {
        var names = new List<string>();
        var seen = new HashSet<string>(comparer);
        var wildcard = false;
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var entryPath = $"{path}:{i}";
            if (entry == Wildcard)
            {
                if (policy.AllowCredentials)
                {
                    issues.Error(entryPath, "'*' is read as a literal name, not a wildcard, when AllowCredentials is true (Fetch standard); list the names explicitly.");
                    continue;
                }

                wildcard = true;
            }
            else if (!HttpToken.IsValid(entry))
            {
                issues.Error(entryPath, $"'{entry}' is not a valid name (an HTTP token: letters, digits and !#$%&'*+-.^_`|~, no spaces or commas).");
                continue;
            }
            else if (!checkName(entry, entryPath))
            {
                continue;
            }

            if (!seen.Add(entry))
            {
                issues.Warning(entryPath, $"'{entry}' is listed twice; remove the duplicate.");
                continue;
            }

            names.Add(entry);
        }

        return new NameSet(names, wildcard, comparer);
    }
}
