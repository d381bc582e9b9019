namespace CorsKit.Engine;

/// <summary>What kind of request CorsKit saw.</summary>
internal enum CorsRequestKind : byte
{
    /// <summary>No Origin header: not a CORS request. Never given Access-Control-* headers.</summary>
    NotCors,

    /// <summary>OPTIONS (in any case) with Origin and Access-Control-Request-Method: answered by CorsKit itself.</summary>
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

    /// <summary>An unsafe cross-origin request the policy does not allow: answered 403 before the endpoint runs.</summary>
    Blocked,
}

/// <summary>The <c>Vary</c> tokens a response needs, because its answer depends on them.</summary>
internal enum VaryTokens : byte
{
    /// <summary>The answer is the same for every origin (a policy that allows none, or report-only mode).</summary>
    None,

    /// <summary><c>Origin</c>.</summary>
    Origin,

    /// <summary>A preflight's: <c>Origin</c> and the three <c>Access-Control-Request-*</c> headers.</summary>
    Preflight,
}

/// <summary>
/// The engine's whole answer for one request: what CorsKit decided and everything applying it
/// takes — whether it is applied or only reported, the CORS headers it grants, the <c>Vary</c>
/// tokens the response needs. <see cref="Detail"/> points into the request's own header text (the
/// refused method or header name), so that explaining a denial allocates nothing.
/// </summary>
/// <param name="Kind">What kind of request it is.</param>
/// <param name="Result">The outcome that counts: <see cref="CorsResult.Blocked"/> when the guard blocks (or would), else the CORS outcome.</param>
/// <param name="Reason">Why the outcome is not <see cref="CorsResult.Allowed"/>.</param>
/// <param name="Detail">The refused method or header name, when the reason has one.</param>
/// <param name="GrantsPrivateNetwork">An allowed preflight that asked for private-network access and gets it.</param>
internal readonly record struct CorsDecision(
    CorsRequestKind Kind,
    CorsResult Result,
    CorsReason Reason = CorsReason.None,
    ReadOnlyMemory<char> Detail = default,
    bool GrantsPrivateNetwork = false)
{
    public static CorsDecision NotCors => new(CorsRequestKind.NotCors, CorsResult.Allowed);

    public bool IsAllowed => Result == CorsResult.Allowed;

    /// <summary>Whether <see cref="Result"/> is applied (a 403, written headers); false: only reported.</summary>
    public bool Enforced { get; init; }

    /// <summary>Whether the policy's CORS answer is applied: headers written, preflights answered here.</summary>
    public bool CorsEnforced { get; init; }

    /// <summary>Whether the policy allows the origin, so that an applied answer carries its CORS headers (also when the guard only reports a block).</summary>
    public bool OriginAllowed { get; init; }

    /// <summary>A preflight the endpoint answers itself (its CORS headers are left to it): passed on to it, not answered here.</summary>
    public bool PreflightToEndpoint { get; init; }

    /// <summary>The request's <c>Origin</c>, as decided on: what an allowed answer echoes (nothing is copied).</summary>
    public Microsoft.Extensions.Primitives.StringValues Origin { get; init; }

    /// <summary>The <c>Vary</c> tokens the response needs (none when nothing is applied).</summary>
    public VaryTokens Vary { get; init; }

    /// <summary>
    /// A form post the guard lets through only for a remote authentication handler whose callback
    /// path it targets: the handler may consume it, no endpoint may run it. Set only while the
    /// guard enforces.
    /// </summary>
    public bool RunsOnlyAsCallback { get; init; }

    public static CorsDecision Allowed(CorsRequestKind kind, bool grantsPrivateNetwork = false) =>
        new(kind, CorsResult.Allowed, GrantsPrivateNetwork: grantsPrivateNetwork);

    public static CorsDecision Denied(CorsRequestKind kind, CorsReason reason, ReadOnlyMemory<char> detail = default) =>
        new(kind, CorsResult.Denied, reason, detail);

    /// <summary>This decision, for a request the guard lets through only to a remote authentication callback's handler.</summary>
    public CorsDecision AsCallbackOnly() => this with { RunsOnlyAsCallback = true };

    /// <summary>This (denied, actual) decision turned into a block by the CSRF guard.</summary>
    public CorsDecision AsBlocked() => this with { Result = CorsResult.Blocked };
}
