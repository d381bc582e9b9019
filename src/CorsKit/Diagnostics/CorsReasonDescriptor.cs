using CorsKit.Engine;
using CorsKit.Policies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Diagnostics;

/// <summary>What is known of a refused request, made safe to show: request values truncated and escaped.</summary>
internal sealed class DenialFacts
{
    private DenialFacts(string kind, string origin, int originCount, string detail, string method, string policy, string policyPath, string rootPath, bool anyOrigin, bool noPolicy, bool blocked)
    {
        Kind = kind;
        Origin = origin;
        OriginCount = originCount;
        Detail = detail;
        Method = method;
        Policy = policy;
        PolicyPath = policyPath;
        RootPath = rootPath;
        AnyOrigin = anyOrigin;
        NoPolicy = noPolicy;
        Blocked = blocked;
    }

    /// <summary>"Preflight" or "Request".</summary>
    public string Kind { get; }

    public string Origin { get; }

    public int OriginCount { get; }

    /// <summary>The refused method or header name, when the reason has one.</summary>
    public string Detail { get; }

    public string Method { get; }

    public string Policy { get; }

    /// <summary>The policy's configuration path, e.g. <c>Cors:Policies:web</c>.</summary>
    public string PolicyPath { get; }

    public string RootPath { get; }

    /// <summary>Whether the policy is <c>*</c>.</summary>
    public bool AnyOrigin { get; }

    /// <summary>Whether no policy applies (no default policy, or a disabled endpoint).</summary>
    public bool NoPolicy { get; }

    /// <summary>Whether the CSRF guard blocked the request before the endpoint.</summary>
    public bool Blocked { get; }

    public static DenialFacts Of(CompiledPolicy policy, in CorsDecision decision, StringValues origin, string method, string rootPath) => new(
        decision.Kind == CorsRequestKind.Preflight ? "Preflight" : "Request",
        LogValue.Sanitize(origin.Count > 0 ? origin[0] : string.Empty),
        origin.Count,
        LogValue.Sanitize(decision.Detail.Span),
        LogValue.Sanitize(method),
        policy.Name,
        $"{rootPath}:Policies:{policy.Name}",
        rootPath,
        policy.Origins.AllowsAnyOrigin,
        ReferenceEquals(policy, CompiledPolicy.DenyAll),
        decision.Result == CorsResult.Blocked);
}

/// <summary>
/// Everything said about one denial reason, in one place: its tag (<see cref="CorsReasonTags"/>,
/// the metric's <c>cors.reason</c>), its log event when it denies a request, and the explanation
/// and fix of the Development problem details. Every <see cref="CorsReason"/> has one.
/// </summary>
internal sealed class CorsReasonDescriptor
{
    private static readonly CorsReasonDescriptor[] All =
    [
        new(CorsReason.OriginNotAllowed, CorsKitLog.OriginNotAllowed,
            f => f.NoPolicy ? $"No policy applies to this endpoint, so no origin is allowed; '{f.Origin}' is not." : $"Policy '{f.Policy}' does not allow the origin '{f.Origin}'.",
            f => f.NoPolicy ? $"Set {f.RootPath}:DefaultPolicy, or name a policy on the endpoint with .RequireStrictCors(\"<name>\") or [StrictCors(\"<name>\")]."
                : f.Blocked ? $"Add \"{f.Origin}\" to {f.PolicyPath}:Origins, or, for cross-site form posts that must not get read access, mark the endpoint with .AllowCrossOriginFormPosts()."
                : $"Add \"{f.Origin}\" to {f.PolicyPath}:Origins."),
        new(CorsReason.OriginMalformed, CorsKitLog.OriginMalformed,
            f => $"The Origin header '{f.Origin}' is not a browser-canonical origin: no browser sent this request.",
            _ => "Nothing to configure: fix the client that sends this header."),
        new(CorsReason.OriginNull, CorsKitLog.NullOrigin,
            _ => "The origin is 'null' (a sandboxed iframe, a file: page or a redirect), which CorsKit never allows.",
            _ => "Serve the page from a real origin (https://...) and allow that origin."),
        new(CorsReason.OriginMultiple, CorsKitLog.SeveralOrigins,
            f => $"The request carries {f.OriginCount} Origin headers; browsers send exactly one.",
            _ => "Nothing to configure: fix the client that sends this header."),
        new(CorsReason.MethodNotAllowed, CorsKitLog.MethodNotAllowed,
            f => $"The preflight asks for the method '{f.Detail}', which policy '{f.Policy}' does not allow.",
            f => $"Add \"{f.Detail}\" to {f.PolicyPath}:Methods."),
        new(CorsReason.HeaderNotAllowed, CorsKitLog.HeaderNotAllowed,
            f => $"The preflight asks for the request header '{f.Detail}', which policy '{f.Policy}' does not allow.",
            f => $"Add \"{f.Detail}\" to {f.PolicyPath}:Headers."),
        new(CorsReason.PrivateNetworkNotAllowed, CorsKitLog.PrivateNetworkNotAllowed,
            f => $"The preflight asks for private network access, which policy '{f.Policy}' does not allow.",
            f => $"Set {f.PolicyPath}:AllowPrivateNetwork to true."),
        new(CorsReason.CredentialsNotAllowed, null,
            f => f.AnyOrigin
                ? $"The request carries cookies, but policy '{f.Policy}' allows any origin ('*') and so never grants credentials."
                : $"The request carries cookies, but policy '{f.Policy}' does not allow credentials, so '{f.Origin}' may not act with the user's.",
            f => f.AnyOrigin
                ? $"List \"{f.Origin}\" explicitly in a policy with AllowCredentials: true instead of '*', or send the request without cookies."
                : $"Set {f.PolicyPath}:AllowCredentials to true if \"{f.Origin}\" may act with the user's credentials, or send the request without cookies."),
        new(CorsReason.OriginMissing, null,
            _ => "The request carries no Origin header, but its Fetch Metadata (Sec-Fetch-Site) says a browser sent it from another site.",
            _ => "Send the request from a page of an allowed origin (browsers then send Origin), or, for cross-site form posts that must not get read access, mark the endpoint with .AllowCrossOriginFormPosts()."),
    ];

    private static readonly CorsReasonDescriptor?[] ByReason = Index();

    private CorsReasonDescriptor(
        CorsReason reason, Action<ILogger, DenialFacts>? logDenial, Func<DenialFacts, string> explain, Func<DenialFacts, string> fix)
    {
        Reason = reason;
        LogDenial = logDenial;
        Explain = explain;
        Fix = fix;
    }

    public CorsReason Reason { get; }

    /// <summary>The metric tag, and the name logs and problem details use.</summary>
    public string Tag => Reason.Tag();

    /// <summary>
    /// Logs a denial for this reason at Debug, under the reason's own EventId. Null for reasons
    /// that never deny but only block, which are logged as <c>CrossOriginRequestBlocked</c> (2009)
    /// with the tag.
    /// </summary>
    public Action<ILogger, DenialFacts>? LogDenial { get; }

    /// <summary>What failed, for the Development problem details' <c>detail</c>.</summary>
    public Func<DenialFacts, string> Explain { get; }

    /// <summary>The configuration (or client change) that would let the request through, for <c>fix</c>.</summary>
    public Func<DenialFacts, string> Fix { get; }

    /// <summary>Every descriptor, for tests.</summary>
    public static IReadOnlyList<CorsReasonDescriptor> Descriptors => All;

    public static CorsReasonDescriptor For(CorsReason reason) =>
        ByReason[(int)reason] ?? throw new ArgumentOutOfRangeException(nameof(reason), reason, "CorsReason.None explains no denial.");

    private static CorsReasonDescriptor?[] Index()
    {
        var index = new CorsReasonDescriptor?[Enum.GetValues<CorsReason>().Length];
        foreach (var descriptor in All)
        {
            index[(int)descriptor.Reason] = descriptor;
        }

        return index;
    }
}
