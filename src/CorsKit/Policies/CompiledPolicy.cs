using CorsKit.Origins;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Policies;

/// <summary>
/// A validated policy compiled for the request path: lookup structures for origins, methods and
/// headers, and every constant response header value computed once. Immutable; a configuration
/// reload builds new instances instead of changing these.
/// </summary>
internal sealed class CompiledPolicy
{
    public CompiledPolicy(
        string name,
        OriginMatcher origins,
        NameSet methods,
        NameSet headers,
        IReadOnlyList<string> exposedHeaders,
        bool allowCredentials,
        int? maxAgeSeconds,
        bool allowPrivateNetwork,
        bool allowInsecureOrigins,
        Enforcement cors = Enforcement.Enforced,
        int index = -1,
        bool followsSectionMode = false,
        Enforcement guard = Enforcement.Enforced,
        bool isNone = false,
        OriginStoreSettings? originStore = null)
    {
        Name = name;
        Origins = origins;
        Methods = methods;
        Headers = headers;
        AllowCredentials = allowCredentials;
        AllowPrivateNetwork = allowPrivateNetwork;
        AllowInsecureOrigins = allowInsecureOrigins;
        Cors = cors;
        Guard = guard;
        IsNone = isNone;
        OriginStore = originStore;
        FollowsSectionMode = followsSectionMode;
        Index = index;
        ExposedHeaders = exposedHeaders;
        MaxAgeSeconds = maxAgeSeconds;
        AllowMethodsValue = JoinOrEmpty(methods.Names);
        AllowHeadersValue = JoinOrEmpty(headers.Names);
        ExposeHeadersValue = JoinOrEmpty(exposedHeaders);
        MaxAgeValue = maxAgeSeconds is { } seconds ? new StringValues(seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)) : StringValues.Empty;
    }

    /// <summary>
    /// No cross-origin access: where no policy is named and no default is configured, and on
    /// disabled endpoints. Each <see cref="CompiledPolicySet"/> has its own (<see cref="CompiledPolicySet.None"/>),
    /// which carries its guard's state; this one (the guard enforcing) stands for "no policy" in comparisons.
    /// </summary>
    public static CompiledPolicy DenyAll { get; } = None(Enforcement.Enforced);

    /// <summary>
    /// A policy that allows no origin, under a guard in <paramref name="guard"/>. Its CORS answers
    /// are enforced in every mode: report-only mode is for learning what a policy would refuse, and
    /// there is nothing to learn from one that allows nothing.
    /// </summary>
    public static CompiledPolicy None(Enforcement guard) =>
        new("(none)", OriginMatcher.None, NameSet.Empty, NameSet.Empty, [], allowCredentials: false, maxAgeSeconds: null, allowPrivateNetwork: false,
            allowInsecureOrigins: false, guard: guard, isNone: true);

    /// <summary>This policy under a guard in <paramref name="guard"/>: the same lookups and header values.</summary>
    public CompiledPolicy UnderGuard(Enforcement guard) => guard == Guard ? this
        : new(Name, Origins, Methods, Headers, ExposedHeaders, AllowCredentials, MaxAgeSeconds, AllowPrivateNetwork, AllowInsecureOrigins, Cors, Index, FollowsSectionMode, guard, IsNone, OriginStore);

    /// <summary>
    /// This policy for one key of its origin store: the same everything, with <paramref name="origins"/>
    /// (the configured origins and the key's) as its origins. Its position in the set stays this
    /// policy's, so per-policy state of hosting serves every key.
    /// </summary>
    public CompiledPolicy ForStoreKey(OriginMatcher origins) =>
        new(Name, origins, Methods, Headers, ExposedHeaders, AllowCredentials, MaxAgeSeconds, AllowPrivateNetwork, AllowInsecureOrigins, Cors, Index, FollowsSectionMode, Guard, IsNone, OriginStore);

    /// <summary>Where the policy's origins come from besides configuration, or null.</summary>
    public OriginStoreSettings? OriginStore { get; }

    /// <summary>Whether this is a store key's policy whose list the store failed to give: its denials say so.</summary>
    public bool StoreUnavailableForKey { get; private init; }

    /// <summary>This store key's policy, marked: the store failed, so only the configured origins are allowed.</summary>
    public CompiledPolicy StoreUnavailable() =>
        new(Name, Origins, Methods, Headers, ExposedHeaders, AllowCredentials, MaxAgeSeconds, AllowPrivateNetwork, AllowInsecureOrigins, Cors, Index, FollowsSectionMode, Guard, IsNone, OriginStore)
        {
            StoreUnavailableForKey = true,
        };

    /// <summary>Whether this is the policy of no policy (<see cref="None"/>).</summary>
    public bool IsNone { get; }

    public string Name { get; }

    public OriginMatcher Origins { get; }

    /// <summary>
    /// Whether answers depend on the request's Origin, so that responses must carry
    /// <c>Vary: Origin</c>. Only a policy that allows no origin at all answers every origin alike.
    /// </summary>
    public bool VariesByOrigin => !Origins.AllowsNoOrigin || OriginStore is not null;

    /// <summary>Methods allowed beyond GET, HEAD and POST; compared case-sensitively.</summary>
    public NameSet Methods { get; }

    /// <summary>Request headers allowed; compared case-insensitively, as header names are.</summary>
    public NameSet Headers { get; }

    public bool AllowCredentials { get; }

    public bool AllowPrivateNetwork { get; }

    /// <summary>Whether plain-text origins were accepted with credentials or private-network access.</summary>
    public bool AllowInsecureOrigins { get; }

    /// <summary>
    /// The policy's position in its <see cref="CompiledPolicySet"/> (<see cref="CompiledPolicySet.Policies"/>),
    /// so that hosting can keep per-policy state in an array; -1 for <see cref="DenyAll"/>.
    /// </summary>
    public int Index { get; }

    /// <summary>What is done with the policy's CORS answers: <see cref="Enforcement.Enforced"/>, or only reported (<see cref="StrictCorsMode.ReportOnly"/>).</summary>
    public Enforcement Cors { get; }

    /// <summary>What is done with the CSRF guard's answers under this policy: the configuration's guard state.</summary>
    public Enforcement Guard { get; }

    /// <summary>Whether the policy only reports what it would deny and changes nothing (<see cref="StrictCorsMode.ReportOnly"/>).</summary>
    public bool ReportOnly => Cors == Enforcement.Reported;

    /// <summary>Whether the policy sets no <see cref="StrictCorsPolicyOptions.Mode"/> of its own, so that <see cref="ReportOnly"/> comes from the section's.</summary>
    public bool FollowsSectionMode { get; }

    /// <summary>The response headers exposed to pages, as configured (<c>*</c> included).</summary>
    public IReadOnlyList<string> ExposedHeaders { get; }

    /// <summary>How long browsers may cache a preflight answer, or null when unset (the browser's default).</summary>
    public int? MaxAgeSeconds { get; }

    /// <summary>Access-Control-Allow-Methods, or empty when the policy lists no method.</summary>
    public StringValues AllowMethodsValue { get; }

    /// <summary>Access-Control-Allow-Headers, or empty when the policy lists no header.</summary>
    public StringValues AllowHeadersValue { get; }

    /// <summary>Access-Control-Expose-Headers, or empty.</summary>
    public StringValues ExposeHeadersValue { get; }

    /// <summary>Access-Control-Max-Age, or empty when unset.</summary>
    public StringValues MaxAgeValue { get; }

    private static StringValues JoinOrEmpty(IReadOnlyList<string> names) =>
        names.Count == 0 ? StringValues.Empty : new StringValues(string.Join(", ", names));
}
