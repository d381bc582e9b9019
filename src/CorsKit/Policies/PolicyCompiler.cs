using CorsKit.Origins;

namespace CorsKit.Policies;

/// <summary>Validates one policy and compiles it when it has no error.</summary>
internal static class PolicyCompiler
{
    /// <summary>The longest preflight cache each browser honours, in seconds; longer values are cut.</summary>
    private static readonly (string Browser, int CapSeconds)[] MaxAgeCaps = [("Safari", 600), ("Chromium", 7200), ("Firefox", 86400)];

    /// <summary>Validates <paramref name="policy"/> (errors and warnings into <paramref name="issues"/>) and compiles it, or returns null when it has an error.</summary>
    public static CompiledPolicy? Compile(string name, StrictCorsPolicyOptions policy, string path, int maxOriginLength, ConfigurationIssues issues, StrictCorsMode sectionMode = StrictCorsMode.Enforce, int index = -1)
    {
        var errorsBefore = issues.ErrorCount;
        var origins = OriginsValidator.Validate(policy, path, maxOriginLength, issues);
        var store = policy.OriginStore is { } storeOptions ? CompileStore(storeOptions, origins, $"{path}:{nameof(StrictCorsPolicyOptions.OriginStore)}", issues) : null;
        var methods = NameListsValidator.Methods(policy, path, issues);
        var headers = NameListsValidator.Headers(policy, path, issues);
        var exposed = NameListsValidator.ExposedHeaders(policy, path, issues);
        ValidateMaxAge(policy.MaxAgeSeconds, $"{path}:MaxAgeSeconds", issues);
        if (policy.AllowPrivateNetwork)
        {
            issues.Warning($"{path}:AllowPrivateNetwork",
                "answers only the legacy Private Network Access preflight (Access-Control-Request-Private-Network). Chrome 142 (2025-10) replaced it with the Local Network Access "
                + "permission prompt, and Firefox is following: no response header grants a public page access to a private or local address any more. The user's permission does, "
                + "for a secure page (https) that is allowed to ask (Permissions-Policy: local-network-access, or allow=\"local-network-access\" on its iframe).");
        }

        if (issues.ErrorCount > errorsBefore)
        {
            return null;
        }

        return new CompiledPolicy(
            name,
            new OriginMatcher(origins.Exact, origins.Patterns, origins.AllowsAny, maxOriginLength),
            methods,
            headers,
            exposed,
            policy.AllowCredentials,
            policy.MaxAgeSeconds,
            policy.AllowPrivateNetwork,
            policy.AllowInsecureOrigins,
            (policy.Mode ?? sectionMode) == StrictCorsMode.ReportOnly ? Enforcement.Reported : Enforcement.Enforced,
            index,
            followsSectionMode: policy.Mode is null,
            originStore: store);
    }

    /// <summary>An origin store's settings, checked: a key CorsKit can read, positive times and bounds.</summary>
    private static OriginStoreSettings? CompileStore(StrictCorsOriginStoreOptions store, OriginsValidator.Result configured, string path, ConfigurationIssues issues)
    {
        var errorsBefore = issues.ErrorCount;
        var key = store.Key ?? string.Empty;
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        var (kind, name) = colon < 0 ? (key, string.Empty) : (key[..colon], key[(colon + 1)..].Trim());
        OriginStoreKeySource source = default;
        if (kind.Equals("Host", StringComparison.OrdinalIgnoreCase) && colon < 0)
        {
            source = OriginStoreKeySource.Host;
        }
        else if (kind.Equals("Route", StringComparison.OrdinalIgnoreCase) && name.Length > 0)
        {
            source = OriginStoreKeySource.Route;
        }
        else if (kind.Equals("Header", StringComparison.OrdinalIgnoreCase) && Fetch.HttpToken.IsValid(name))
        {
            source = OriginStoreKeySource.Header;
        }
        else
        {
            issues.Error($"{path}:Key", $"'{key}' is not a key CorsKit can read from a request: write \"Host\" (the host name, for custom domains), \"Route:<name>\" (a route value, e.g. \"Route:tenant\") or \"Header:<name>\".");
        }

        Positive(store.RefreshSeconds, $"{path}:RefreshSeconds", "60", issues);
        Positive(store.TimeoutMilliseconds, $"{path}:TimeoutMilliseconds", "2000", issues);
        Positive(store.MaxKeys, $"{path}:MaxKeys", "10000", issues);
        Positive(store.MaxQueriesInFlight, $"{path}:MaxQueriesInFlight", "8", issues);
        if (store.StaleSeconds < 0)
        {
            issues.Error($"{path}:StaleSeconds", $"is {store.StaleSeconds}: it must be 0 (never serve a list past its refresh when the store fails) or more, e.g. 300.");
        }

        return issues.ErrorCount > errorsBefore ? null : new OriginStoreSettings(
            source,
            name,
            TimeSpan.FromSeconds(store.RefreshSeconds),
            TimeSpan.FromSeconds(store.StaleSeconds),
            TimeSpan.FromMilliseconds(store.TimeoutMilliseconds),
            store.MaxKeys,
            store.MaxQueriesInFlight,
            configured.Exact,
            configured.Patterns);
    }

    private static void Positive(int value, string path, string example, ConfigurationIssues issues)
    {
        if (value <= 0)
        {
            issues.Error(path, $"is {value}: it must be a positive whole number, e.g. {example}.");
        }
    }

    private static void ValidateMaxAge(int? maxAge, string path, ConfigurationIssues issues)
    {
        if (maxAge < 0)
        {
            issues.Error(path, $"is {maxAge}: it must be 0 or more (0 asks browsers not to cache preflights), or left unset.");
            return;
        }

        var capping = MaxAgeCaps.Where(c => maxAge > c.CapSeconds).Select(c => $"{c.Browser} caps it at {c.CapSeconds}").ToList();
        if (capping.Count > 0)
        {
            issues.Warning(path, $"is {maxAge} seconds, but {string.Join(", ", capping)}; browsers re-send preflights sooner than this value suggests.");
        }
    }
}
