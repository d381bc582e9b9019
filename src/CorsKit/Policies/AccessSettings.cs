using CorsKit.Fetch;

namespace CorsKit.Policies;

/// <summary>
/// The settings <see cref="AccessComparer"/> compares, and which way each moves access. A new
/// setting of a compiled policy or of the whole configuration is compared by adding one line
/// here: a switch (<see cref="ValueSetting.Switch{TOwner}"/>), a mode whose values are ranked by
/// the access they give (<see cref="ValueSetting.Ranked{TOwner, TValue}"/>), or a value that
/// changes no access (<see cref="ValueSetting.Neutral{TOwner, TValue}"/>).
/// </summary>
internal static class AccessSettings
{
    private const string Wildcard = "*";

    /// <summary>The lists of a policy: an entry added widens access unless the old policy already allowed it; one removed narrows it unless the new one still does.</summary>
    public static IReadOnlyList<ListSetting> PolicyLists { get; } =
    [
        new(nameof(StrictCorsPolicyOptions.Origins), p => p.Origins.Listed, StringComparer.Ordinal, (p, origin) => p.Origins.Covers(origin)),
        new(nameof(StrictCorsPolicyOptions.Methods), p => p.Methods.Names, StringComparer.Ordinal, AllowsMethod),
        new(nameof(StrictCorsPolicyOptions.Headers), p => p.Headers.Names, StringComparer.OrdinalIgnoreCase, AllowsHeader),
        new(nameof(StrictCorsPolicyOptions.ExposedHeaders), p => p.ExposedHeaders, StringComparer.OrdinalIgnoreCase, Exposes),
    ];

    /// <summary>The single values of a policy.</summary>
    public static IReadOnlyList<ValueSetting<CompiledPolicy>> PolicyValues { get; } =
    [
        ValueSetting.Switch<CompiledPolicy>(nameof(StrictCorsPolicyOptions.AllowCredentials), p => p.AllowCredentials, onWidens: true),
        ValueSetting.Switch<CompiledPolicy>(nameof(StrictCorsPolicyOptions.AllowPrivateNetwork), p => p.AllowPrivateNetwork, onWidens: true),
        ValueSetting.Switch<CompiledPolicy>(nameof(StrictCorsPolicyOptions.AllowInsecureOrigins), p => p.AllowInsecureOrigins, onWidens: true),
        ValueSetting.Neutral<CompiledPolicy, int?>(nameof(StrictCorsPolicyOptions.MaxAgeSeconds), p => p.MaxAgeSeconds,
            "how long browsers may cache a preflight answer, not what it allows"),
        ValueSetting.Ranked<CompiledPolicy, StrictCorsMode>(nameof(StrictCorsPolicyOptions.Mode), p => p.ReportOnly ? StrictCorsMode.ReportOnly : StrictCorsMode.Enforce,
            mode => (int)mode, "report-only: its denials are reported, not applied"),
    ];

    /// <summary>The single values of the whole configuration (the default policy is compared apart, by what it allows).</summary>
    public static IReadOnlyList<ValueSetting<CompiledPolicySet>> SetValues { get; } =
    [
        ValueSetting.Ranked<CompiledPolicySet, CrossOriginGuardMode>(nameof(StrictCorsOptions.CrossOriginGuard), s => s.Guard,
            guard => guard switch { CrossOriginGuardMode.Enforce => 0, CrossOriginGuardMode.ReportOnly => 1, _ => 2 }, "the CSRF guard"),
    ];

    /// <summary>Whether a policy allows every method an entry of <c>Methods</c> stands for: the safelisted ones always, others listed or under <c>*</c>.</summary>
    private static bool AllowsMethod(CompiledPolicy policy, string method) => method == Wildcard
        ? policy.Methods.ContainsWildcard
        : HttpMethodRules.IsCorsSafelisted(method) || policy.Methods.Contains(method) || (policy.Methods.ContainsWildcard && !HttpMethodRules.IsForbidden(method));

    /// <summary>Whether a policy allows a request header: listed, or under <c>*</c>, which never covers Authorization.</summary>
    private static bool AllowsHeader(CompiledPolicy policy, string header) => header == Wildcard
        ? policy.Headers.ContainsWildcard
        : policy.Headers.Contains(header)
            || (policy.Headers.ContainsWildcard && !header.Equals(FetchHeaderNames.Authorization, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether pages may read a response header under a policy: safelisted, exposed by name, or under <c>*</c>.</summary>
    private static bool Exposes(CompiledPolicy policy, string header) =>
        policy.ExposedHeaders.Contains(Wildcard, StringComparer.Ordinal)
        || (header != Wildcard
            && (FetchHeaderNames.IsSafelistedResponseHeader(header) || policy.ExposedHeaders.Contains(header, StringComparer.OrdinalIgnoreCase)));
}
