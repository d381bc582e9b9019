namespace CorsKit.Engine;

/// <summary>What kind of request CorsKit saw.</summary>
internal enum CorsRequestKind : byte
{
    /// <summary>No Origin header: not a CORS request. Never blocked, never given Access-Control-* headers.</summary>
    NotCors,

    /// <summary>OPTIONS with Origin and Access-Control-Request-Method: answered by CorsKit itself.</summary>
    Preflight,

    /// <summary>Any other request with an Origin header.</summary>
    Actual,
}

/// <summary>What CorsKit decided.</summary>
internal enum CorsResult : byte
{
    /// <summary>The origin (and for a preflight, everything asked) is allowed: Access-Control-* headers are sent.</summary>
    Allowed,

    /// <summary>Not allowed: a preflight is answered 403; an actual request runs without Access-Control-* headers.</summary>
    Denied,

    /// <summary>An unsafe cross-origin request from a disallowed origin: answered 403 before the endpoint runs.</summary>
    Blocked,
}

/// <summary>
/// The engine's answer for one request. <see cref="Detail"/> points into the request's own header
/// text (the refused method or header name) so that explaining a denial allocates nothing.
/// </summary>
internal readonly record struct CorsDecision(
    CorsRequestKind Kind,
    CorsResult Result,
    CorsReason Reason = CorsReason.None,
    ReadOnlyMemory<char> Detail = default,
    bool GrantsPrivateNetwork = false,
    bool RunsOnlyAsCallback = false)
{
    public static CorsDecision NotCors => new(CorsRequestKind.NotCors, CorsResult.Allowed);

    public bool IsAllowed => Result == CorsResult.Allowed;

    public static CorsDecision Allowed(CorsRequestKind kind, bool grantsPrivateNetwork = false) =>
        new(kind, CorsResult.Allowed, GrantsPrivateNetwork: grantsPrivateNetwork);

    public static CorsDecision Denied(CorsRequestKind kind, CorsReason reason, ReadOnlyMemory<char> detail = default) =>
        new(kind, CorsResult.Denied, reason, detail);

    /// <summary>
    /// This decision, for a request the CSRF guard would block but lets through to a remote
    /// authentication callback path only: its handler may consume it, no endpoint may run it.
    /// </summary>
    public CorsDecision AsCallbackOnly() => this with { RunsOnlyAsCallback = true };

    /// <summary>This (denied, actual) decision turned into a block by the CSRF guard.</summary>
    public CorsDecision AsBlocked() => this with { Result = CorsResult.Blocked };
}
