using CorsKit.Engine;
using Microsoft.Extensions.Logging;

namespace CorsKit.Diagnostics;

/// <summary>
/// Everything said about one denial reason, in one place: its tag (<see cref="CorsReasonTags"/>,
/// the metric's <c>cors.reason</c>), its log event when it denies a request, and the explanation
/// and fix of the Development problem details (fixes that depend on the policy are in
/// <see cref="DevelopmentFixes"/>). Every <see cref="CorsReason"/> has one.
/// </summary>
internal sealed class CorsReasonDescriptor
{
    private static readonly CorsReasonDescriptor[] All =
    [
        new(CorsReason.OriginNotAllowed, CorsKitLog.OriginNotAllowed,
            f => !f.NoPolicy ? $"Policy '{f.Policy}' does not allow the origin '{f.Origin}'."
                : f.Setting?.EndpointMetadata is { } metadata ? $"No policy applies to this endpoint: its CORS metadata, {metadata}, selects none, so no origin is allowed; '{f.Origin}' is not."
                : $"No policy applies to this endpoint: it names none and {f.RootPath}:DefaultPolicy is not set, so no origin is allowed; '{f.Origin}' is not.",
            DevelopmentFixes.OriginNotAllowed),
        new(CorsReason.OriginMalformed, CorsKitLog.OriginMalformed,
            f => $"The Origin header '{f.Origin}' is not a browser-canonical origin: no browser sent this request.",
            _ => DevelopmentFix.NotConfiguration("Nothing to configure: fix the client that sends this header.")),
        new(CorsReason.OriginNull, CorsKitLog.NullOrigin,
            _ => "The origin is 'null' (a sandboxed iframe, a file: page or a redirect), which CorsKit never allows.",
            _ => DevelopmentFix.NotConfiguration("Serve the page from a real origin (https://...) and allow that origin.")),
        new(CorsReason.OriginMultiple, CorsKitLog.SeveralOrigins,
            f => $"The request carries {f.OriginCount} Origin headers; browsers send exactly one.",
            _ => DevelopmentFix.NotConfiguration("Nothing to configure: fix the client that sends this header.")),
        new(CorsReason.MethodNotAllowed, CorsKitLog.MethodNotAllowed,
            f => f.DetailAsSent.IsEmpty
                ? "The preflight's Access-Control-Request-Method does not name one method (it is empty or repeated)."
                : $"The preflight asks for the method '{f.Detail}', which policy '{f.Policy}' does not allow.",
            DevelopmentFixes.MethodNotAllowed),
        new(CorsReason.HeaderNotAllowed, CorsKitLog.HeaderNotAllowed,
            f => $"The preflight asks for the request header '{f.Detail}', which policy '{f.Policy}' does not allow.",
            DevelopmentFixes.HeaderNotAllowed),
        new(CorsReason.PrivateNetworkNotAllowed, CorsKitLog.PrivateNetworkNotAllowed,
            f => f.InForce.AllowPrivateNetwork
                ? "The preflight's Access-Control-Request-Private-Network header is not a single 'true'."
                : $"The preflight asks for private network access, which policy '{f.Policy}' does not allow.",
            DevelopmentFixes.PrivateNetworkNotAllowed),
        new(CorsReason.CredentialsNotAllowed, null,
            f => f.AnyOrigin
                ? $"The request carries cookies, but policy '{f.Policy}' allows any origin ('*') and so never grants credentials."
                : $"The request carries cookies, but policy '{f.Policy}' does not allow credentials, so '{f.Origin}' may not act with the user's. "
                    + "Browsers attach every cookie of the API's host, also one the page never chose (a load balancer's affinity cookie) and also to WebSocket handshakes (a SignalR hub).",
            DevelopmentFixes.CredentialsNotAllowed),
        new(CorsReason.OriginStoreUnavailable, CorsKitLog.OriginStoreUnavailable,
            f => $"Policy '{f.Policy}' takes this key's origins from the application's origin store, which failed or timed out, so only its configured origins are allowed: CorsKit fails closed.",
            _ => DevelopmentFix.NotConfiguration("Find why the origin store failed (EventId 1018 names the key and the error); the key's origins apply again once it answers. "
                + "OriginStore:StaleSeconds lets a key's last good list serve through a short outage.")),
        new(CorsReason.OriginMissing, null,
            _ => "The request carries no Origin header, but its Fetch Metadata (Sec-Fetch-Site) says a browser sent it from another site.",
            _ => DevelopmentFix.NotConfiguration("Send the request from a page of an allowed origin (browsers then send Origin), or, for cross-site form posts that must not get read access, mark the endpoint with .AllowCrossOriginFormPosts().")),
    ];

    private static readonly CorsReasonDescriptor?[] ByReason = Index();

    private CorsReasonDescriptor(
        CorsReason reason, Action<ILogger, DenialFacts>? logDenial, Func<DenialFacts, string> explain, Func<DenialFacts, DevelopmentFix> fix)
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

    /// <summary>The configuration (or client change) that would let the request through, for <c>fix</c> and <c>changes</c>.</summary>
    public Func<DenialFacts, DevelopmentFix> Fix { get; }

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
