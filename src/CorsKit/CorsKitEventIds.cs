namespace CorsKit;

/// <summary>
/// The EventIds of CorsKit's log events, one per kind of event, stable across versions: filter,
/// alert or build dashboards on them (the categories are <c>CorsKit.*</c>). 1xxx: configuration
/// and assembly, 2xxx: request denials (Debug), 3xxx: report-only mode.
/// </summary>
public static class CorsKitEventIds
{
    /// <summary>The policies in force were loaded, with each policy's effective origins (Information).</summary>
    public const int PoliciesLoaded = 1000;

    /// <summary>A reloaded configuration was refused; the last good policies stay in force (Error).</summary>
    public const int ReloadRefused = 1001;

    /// <summary>A configuration warning: valid, but probably not what was meant (Warning).</summary>
    public const int ConfigurationWarning = 1002;

    /// <summary>CorsKit's headers could not be put on a response as it started (Error).</summary>
    public const int ApplyHeadersFailed = 1003;

    /// <summary>UseStrictCors() runs before routing, so endpoint metadata cannot be seen (Warning).</summary>
    public const int RunsBeforeRouting = 1004;

    /// <summary>The remote authentication callback paths that accept cross-site form posts (Information).</summary>
    public const int RemoteAuthenticationCallbacks = 1005;

    /// <summary>A remote authentication scheme whose callback paths could not be read (Warning).</summary>
    public const int RemoteAuthenticationCallbacksUnreadable = 1006;

    /// <summary>A Cors configuration section is ignored because the policies are written in code (Warning).</summary>
    public const int ConfigurationSectionIgnored = 1007;

    /// <summary>The framework's CORS middleware (UseCors()) is in the pipeline next to CorsKit (Error).</summary>
    public const int FrameworkCorsUsed = 1008;

    /// <summary>An endpoint added after startup has a CORS problem and is denied cross-origin access (Error).</summary>
    public const int EndpointPolicyProblem = 1009;

    /// <summary>Access-Control-* headers were already on the response when CorsKit ran: another CORS middleware runs before it (Error).</summary>
    public const int CorsHeadersBeforeCorsKit = 1010;

    /// <summary>What changed in access, at startup or on a reload: widened, narrowed or unchanged (Information).</summary>
    public const int AccessChanged = 1011;

    /// <summary>The framework's CORS middleware answers next to CorsKit in report-only mode: the migration setup (Information).</summary>
    public const int FrameworkCorsNextToReportOnly = 1012;

    /// <summary>A bound configuration section whose configuration sources CorsKit cannot see (Information).</summary>
    public const int ConfigurationLayersUnseen = 1013;

    /// <summary>The startup inventory of exemptions: endpoints that accept cross-origin form posts, authentication callbacks, endpoints that disable CORS or leave their CORS headers to themselves (Information).</summary>
    public const int EndpointInventory = 1014;

    /// <summary>An origin the origin store gave that configuration would refuse: never matched (Warning).</summary>
    public const int StoreOriginRefused = 1017;

    /// <summary>The origin store failed or timed out for a key: its origins are denied, or its last good list serves (Error, at most once a second).</summary>
    public const int OriginStoreFailed = 1018;

    /// <summary>Access-Control-* headers another component wrote were replaced by CorsKit's decision, once per endpoint (Warning).</summary>
    public const int CorsHeadersOverridden = 1016;

    /// <summary>A request denied: its origin is not allowed (Debug).</summary>
    public const int OriginNotAllowed = 2001;

    /// <summary>A request denied: its Origin header is not a browser-canonical origin (Debug).</summary>
    public const int OriginMalformed = 2002;

    /// <summary>A request denied: it carries several Origin headers (Debug).</summary>
    public const int SeveralOrigins = 2003;

    /// <summary>A request denied: its origin is the opaque origin null (Debug).</summary>
    public const int NullOrigin = 2004;

    /// <summary>A preflight denied: the method it asks for is not allowed (Debug).</summary>
    public const int MethodNotAllowed = 2005;

    /// <summary>A preflight denied: a request header it asks for is not allowed (Debug).</summary>
    public const int HeaderNotAllowed = 2006;

    /// <summary>Cookies sent under a policy without credentials, so a credentialed fetch cannot read the answer (Debug).</summary>
    public const int CredentialsNotAllowed = 2007;

    /// <summary>A preflight denied: it asks for private network access, which the policy does not allow (Debug).</summary>
    public const int PrivateNetworkNotAllowed = 2008;

    /// <summary>A cross-origin unsafe request blocked by the CSRF guard before the endpoint ran (Debug).</summary>
    public const int CrossOriginRequestBlocked = 2009;

    /// <summary>A cross-site form post to an authentication callback path that its handler did not consume, blocked (Debug).</summary>
    public const int CallbackNotConsumed = 2010;

    /// <summary>A request denied because the origin store failed to give the key's origins (Debug).</summary>
    public const int OriginStoreUnavailable = 2011;

    /// <summary>Report-only mode: a request the policy would deny (Information, rate-limited).</summary>
    public const int ReportOnlyWouldDeny = 3001;

    /// <summary>Report-only mode: a request the CSRF guard would block (Information, rate-limited).</summary>
    public const int ReportOnlyWouldBlock = 3002;

    /// <summary>Report-only mode: how many reports the rate limit left out (Information).</summary>
    public const int ReportOnlyReportsLeftOut = 3003;
}
