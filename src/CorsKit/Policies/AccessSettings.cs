using CorsKit.Fetch;

namespace CorsKit.Policies;

/// <summary>
/// Every setting of the configuration, each with the access it decides (<see cref="Grants"/>:
/// reads, writes, both or nothing) and how a change of it moves that access: the one place
/// <see cref="AccessComparer"/> reads, for the reload audit (EventId 1011) and <c>corskit diff</c>
/// alike. A new setting is one line here: a list (<see cref="Setting.List{TOwner}"/>), a switch
/// (<see cref="Setting.Switch{TOwner}"/>), a value ranked by the access it gives
/// (<see cref="Setting.Ranked{TOwner, TValue}"/>), or a value that grants nothing, with the reason
/// (<see cref="Setting.Neutral{TOwner, TValue}"/>). A test fails when a property of the options
/// is missing here.
/// </summary>
internal static class AccessSettings
{
    private const string Wildcard = "*";

    private const string StopsDeciding = "CorsKit stops deciding what pages may read: whatever else writes CORS headers for these endpoints decides, and CorsKit cannot vouch for it";

    private const string GrantsStop = "CorsKit's own grants stop: no Access-Control-* header, no preflight answered";

    private const string StartsGranting = "CorsKit starts granting: the origins the policy allows get its Access-Control-* headers and answered preflights";

    private const string OthersRemoved = "CORS headers anything else writes for these endpoints are removed, and the policy's denials apply";

    /// <summary>The CSRF guard: Enforce blocks cross-origin writes the policy does not allow; ReportOnly and Off both let every write run.</summary>
    private static readonly Setting<CompiledPolicySet> Guard = Setting.Ranked<CompiledPolicySet, CrossOriginGuardMode>(
        nameof(StrictCorsOptions.CrossOriginGuard), Grants.Writes, s => s.Guard, GuardAccess, "the CSRF guard", "the CSRF guard: neither state blocks a write");

    /// <summary>The settings of a policy, <c>Cors:Policies:&lt;name&gt;:&lt;key&gt;</c>, compared for each policy in either configuration (a missing one allows nothing).</summary>
    public static IReadOnlyList<Setting<PolicyAccess>> Policy { get; } =
    [
        // The origins decide what CorsKit grants, and which origins the CSRF guard lets write.
        Setting.List<PolicyAccess>(nameof(StrictCorsPolicyOptions.Origins), Grants.Reads | Grants.Writes,
            p => p.Policy.Origins.Listed, StringComparer.Ordinal, (p, origin) => p.Policy.Origins.Covers(origin)),
        Setting.List<PolicyAccess>(nameof(StrictCorsPolicyOptions.Methods), Grants.Reads, p => p.Policy.Methods.Names, StringComparer.Ordinal, AllowsMethod),
        Setting.List<PolicyAccess>(nameof(StrictCorsPolicyOptions.Headers), Grants.Reads, p => p.Policy.Headers.Names, StringComparer.OrdinalIgnoreCase, AllowsHeader),
        Setting.List<PolicyAccess>(nameof(StrictCorsPolicyOptions.ExposedHeaders), Grants.Reads, p => p.Policy.ExposedHeaders, StringComparer.OrdinalIgnoreCase, Exposes),

        // Credentials: credentialed responses readable, and cookie-carrying writes past the guard.
        Setting.Switch<PolicyAccess>(nameof(StrictCorsPolicyOptions.AllowCredentials), Grants.Reads | Grants.Writes, p => p.Policy.AllowCredentials, onWidens: true),
        Setting.Switch<PolicyAccess>(nameof(StrictCorsPolicyOptions.AllowPrivateNetwork), Grants.Reads, p => p.Policy.AllowPrivateNetwork, onWidens: true),

        // Lets plain-http origins, which a network attacker can impersonate, be listed next to credentials or private-network access.
        Setting.Switch<PolicyAccess>(nameof(StrictCorsPolicyOptions.AllowInsecureOrigins), Grants.Reads | Grants.Writes, p => p.Policy.AllowInsecureOrigins, onWidens: true),
        Setting.Neutral<PolicyAccess, int?>(nameof(StrictCorsPolicyOptions.MaxAgeSeconds), p => p.Policy.MaxAgeSeconds,
            "how long browsers may cache a preflight answer, not what it allows"),

        // Origins from the application's store join the configured ones, for each key.
        new(nameof(StrictCorsPolicyOptions.OriginStore), Grants.Reads | Grants.Writes, CompareOriginStore),

        // Either way a widening: report-only hands reads to whatever else writes CORS headers, enforcing starts CorsKit's grants.
        new(nameof(StrictCorsPolicyOptions.Mode), Grants.Reads, CompareEnforcement),
    ];

    /// <summary>The settings of the whole configuration, <c>Cors:&lt;key&gt;</c>, in the order their changes are listed.</summary>
    public static IReadOnlyList<Setting<CompiledPolicySet>> Section { get; } =
    [
        new(nameof(StrictCorsOptions.Policies), Grants.Reads | Grants.Writes, AccessComparer.ComparePolicySets,
            "policy by policy, setting by setting: one added widens access with all it grants, one removed narrows it"),
        new(nameof(StrictCorsOptions.DefaultPolicy), Grants.Reads | Grants.Writes, AccessComparer.CompareDefaults,
            "by what endpoints that name no policy may do under the policy it names"),
        new(nameof(StrictCorsOptions.Mode), Grants.Reads | Grants.Writes, CompareSectionMode,
            "through what follows it: the mode of each policy without its own, and the CSRF guard's state when neither guard key is set"),
        Guard,
        Setting.ComparedAs<CompiledPolicySet>(nameof(StrictCorsOptions.BlockCrossOriginUnsafeRequests), Grants.Writes, nameof(StrictCorsOptions.CrossOriginGuard),
            "the older way of writing CrossOriginGuard: Off, compiled into the guard's state, whose changes the CrossOriginGuard line lists"),

        // Longer origins are denied before any lookup: raising it lets longer real origins that a pattern or '*' matches read and write.
        Setting.Ranked<CompiledPolicySet, int>(nameof(StrictCorsOptions.MaxOriginLength), Grants.Reads | Grants.Writes, s => s.MaxOriginLength, length => length,
            "the longest Origin a pattern or '*' may allow"),
    ];

    private static int GuardAccess(CrossOriginGuardMode guard) => guard == CrossOriginGuardMode.Enforce ? 0 : 1;

    /// <summary>
    /// A policy switched between enforcing and report-only. Report-only: CorsKit writes no CORS
    /// header and answers no preflight, so whatever else writes them for the policy's endpoints (a
    /// leftover <c>UseCors()</c>, the endpoint, a proxied backend) decides; enforcing: CorsKit's
    /// grants are written and others' removed. Each direction takes something away and gives
    /// something CorsKit did not give before, so each widens access, unless the enforced side
    /// grants nothing at all (no policy): then enforcing only narrows.
    /// </summary>
    /// <summary>
    /// A store switched on widens (its keys' origins join), off narrows; a store read by another
    /// key both widens and narrows: requests get another tenant's list than before.
    /// </summary>
    private static IEnumerable<SettingChange> CompareOriginStore(PolicyAccess before, PolicyAccess after)
    {
        var (old, current) = (before.Policy.OriginStore?.KeyDescription, after.Policy.OriginStore?.KeyDescription);
        if (old == current)
        {
            yield break;
        }

        var transition = $"{old ?? "none"} -> {current ?? "none"}";
        if (current is not null)
        {
            yield return new(AccessEffect.Widened, $"{transition} (the store's origins for the key a request carries are allowed).");
        }

        if (old is not null)
        {
            yield return new(AccessEffect.Narrowed, $"{transition} (the origins the store held for the old key are no longer allowed).");
        }
    }

    private static IEnumerable<SettingChange> CompareEnforcement(PolicyAccess before, PolicyAccess after)
    {
        if (before.Enforced == after.Enforced)
        {
            yield break;
        }

        var transition = $"{ModeOf(before)} -> {ModeOf(after)}";
        if (before.Enforced)
        {
            yield return new(AccessEffect.Widened, $"{transition} ({StopsDeciding}).");
            if (!before.Policy.Origins.AllowsNoOrigin)
            {
                yield return new(AccessEffect.Narrowed, $"{transition} ({GrantsStop}).");
            }
        }
        else
        {
            if (!after.Policy.Origins.AllowsNoOrigin)
            {
                yield return new(AccessEffect.Widened, $"{transition} ({StartsGranting}).");
            }

            yield return new(AccessEffect.Narrowed, $"{transition} ({OthersRemoved}).");
        }
    }

    /// <summary>
    /// The section's mode, by what follows it: the policies without a mode of their own whose
    /// mode it changes, and the CSRF guard when neither guard key is set. Its effect is theirs
    /// (each also has its own line); endpoints without a policy are always enforced, so it never
    /// reaches them.
    /// </summary>
    private static IEnumerable<SettingChange> CompareSectionMode(CompiledPolicySet before, CompiledPolicySet after)
    {
        if (before.Mode == after.Mode)
        {
            yield break;
        }

        var effect = AccessEffect.Same;
        var policies = new List<string>();
        foreach (var name in AccessComparer.NamesOf(before, after))
        {
            var (old, current) = (before.Find(name), after.Find(name));
            var changes = old?.FollowsSectionMode == true || current?.FollowsSectionMode == true
                ? CompareEnforcement(PolicyAccess.In(before, old), PolicyAccess.In(after, current)).ToList()
                : [];
            if (changes.Count > 0)
            {
                policies.Add($"'{current?.Name ?? name}'");
                effect = (AccessEffect)Math.Max((int)effect, (int)changes.Max(c => c.Effect));
            }
        }

        var followers = new List<string>();
        if (policies.Count > 0)
        {
            followers.Add($"{(policies.Count == 1 ? "policy" : "policies")} {string.Join(", ", policies)}");
        }

        if ((before.GuardFollowsMode || after.GuardFollowsMode) && before.Guard != after.Guard)
        {
            followers.Add("the CSRF guard");
            effect = (AccessEffect)Math.Max((int)effect, (int)Guard.Compare(before, after).Max(c => c.Effect));
        }

        yield return new(effect, followers.Count == 0
            ? $"{before.Mode} -> {after.Mode} (no request is answered differently: every policy sets its own Mode, the CSRF guard its own state, "
                + "and endpoints without a policy are always enforced)."
            : $"{before.Mode} -> {after.Mode} (followed by {string.Join(" and ", followers)}; each is listed on its own line).");
    }

    private static StrictCorsMode ModeOf(PolicyAccess policy) => policy.Enforced ? StrictCorsMode.Enforce : StrictCorsMode.ReportOnly;

    /// <summary>Whether a policy allows every method an entry of <c>Methods</c> stands for: the safelisted ones always, others listed or under <c>*</c>.</summary>
    private static bool AllowsMethod(PolicyAccess access, string method)
    {
        var methods = access.Policy.Methods;
        return method == Wildcard
            ? methods.ContainsWildcard
            : HttpMethodRules.IsCorsSafelisted(method) || methods.Contains(method) || (methods.ContainsWildcard && !HttpMethodRules.IsForbidden(method));
    }

    /// <summary>
    /// Whether a policy allows a request header: listed, or under <c>*</c>, which never covers
    /// Authorization. A safelisted name (Accept, Content-Type…) is never allowed unlisted: browsers
    /// ask for it in a preflight when its value is not safelisted.
    /// </summary>
    private static bool AllowsHeader(PolicyAccess access, string header)
    {
        var headers = access.Policy.Headers;
        return header == Wildcard
            ? headers.ContainsWildcard
            : headers.Contains(header) || (headers.ContainsWildcard && !header.Equals(FetchHeaderNames.Authorization, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Whether pages may read a response header under a policy: safelisted, exposed by name, or under <c>*</c>.</summary>
    private static bool Exposes(PolicyAccess access, string header)
    {
        var exposed = access.Policy.ExposedHeaders;
        return exposed.Contains(Wildcard, StringComparer.Ordinal)
            || (header != Wildcard && (FetchHeaderNames.IsSafelistedResponseHeader(header) || exposed.Contains(header, StringComparer.OrdinalIgnoreCase)));
    }
}
