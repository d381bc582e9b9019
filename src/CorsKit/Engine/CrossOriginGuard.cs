using CorsKit.Fetch;
using CorsKit.Origins;
using CorsKit.Policies;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Engine;

/// <summary>Who accepts cross-site form posts at a request's target, letting them past the CSRF guard.</summary>
internal enum FormPostExemption : byte
{
    /// <summary>No one: form posts are judged as every other unsafe request.</summary>
    None,

    /// <summary>The selected endpoint, marked <c>AllowCrossOriginFormPosts</c>.</summary>
    Endpoint,

    /// <summary>
    /// A remote authentication handler whose callback path the request targets; the endpoint
    /// routing selected there did not opt in, so only the handler may consume the request.
    /// </summary>
    CallbackPath,
}

/// <summary>
/// CorsKit's CSRF guard. CORS only hides responses: a simple cross-origin POST still executes.
/// So an unsafe request that the policy does not allow is blocked before the endpoint runs,
/// unless it is same-origin or an endpoint accepts cross-site form posts explicitly. A request
/// the policy does not allow is one from an origin it does not list; one carrying cookies under
/// a policy without credentials (the policy says that origin may not act with the user's
/// credentials, so such a request is a forgery riding on the user's session); and one without
/// Origin that Fetch Metadata, which pages cannot forge, says came from another site.
/// </summary>
internal static class CrossOriginGuard
{
    /// <summary>
    /// Whether the guard judges a request: an unsafe method; a safe one that the selected
    /// endpoint does not accept (routing selected it for another method before a method override
    /// rewrote it); or a safe one with a body to an endpoint that also accepts an unsafe method.
    /// No browser sends a body with GET or HEAD (fetch() refuses to, and OPTIONS with one is
    /// preflighted), so such a request is a rewritten POST — a form posting <c>_method=GET</c>.
    /// </summary>
    public static bool Judges(string method, bool hasBody, IReadOnlyList<string>? endpointMethods) =>
        JudgesMethod(method, endpointMethods) || (hasBody && BodyCanBeARewrittenWrite(endpointMethods));

    /// <summary>The first two conditions of <see cref="Judges"/>, which need no request header.</summary>
    public static bool JudgesMethod(string method, IReadOnlyList<string>? endpointMethods) =>
        !HttpMethodRules.IsSafe(method) || !Accepts(endpointMethods, method);

    /// <summary>
    /// Whether the endpoint also accepts an unsafe method (null or empty: any method), so that a
    /// body on a safe method may be a rewritten write. An endpoint that only accepts safe methods
    /// is only ever reached as what it accepts.
    /// </summary>
    public static bool BodyCanBeARewrittenWrite(IReadOnlyList<string>? endpointMethods)
    {
        if (endpointMethods is null || endpointMethods.Count == 0)
        {
            return true;
        }

        for (var i = 0; i < endpointMethods.Count; i++)
        {
            // Routing compares methods ignoring case.
            var accepted = endpointMethods[i];
            if (!(accepted.Equals("GET", StringComparison.OrdinalIgnoreCase) || accepted.Equals("HEAD", StringComparison.OrdinalIgnoreCase)
                || accepted.Equals("OPTIONS", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The guard's decision, given the policy's decision on the request's origin
    /// (<see cref="CorsEngine.EvaluateActual"/>): <see cref="CorsResult.Blocked"/> or not. A form
    /// post that passes only because its path is a remote authentication callback comes back
    /// <see cref="CorsDecision.RunsOnlyAsCallback"/>: the handler may consume it, no endpoint may run it.
    /// </summary>
    public static CorsDecision Evaluate<TRequest>(CompiledPolicy policy, CorsDecision decision, ref TRequest request)
        where TRequest : struct, IRequestFacts
    {
        if (!request.IsUpgrade && !Judges(request.Method, request.HasBody, request.EndpointMethods))
        {
            return decision;
        }

        var site = request.SecFetchSite;
        var policyDecision = decision;
        if (decision.Kind == CorsRequestKind.NotCors)
        {
            // Browsers send Origin with every unsafe request; without it, only Fetch Metadata can
            // say that a browser sent the request from another site.
            if (site.Count == 0 || IsSameOrigin(site, ref request))
            {
                return decision;
            }

            decision = CorsDecision.Denied(CorsRequestKind.Actual, CorsReason.OriginMissing);
        }
        else if (decision.IsAllowed)
        {
            if (policy.AllowCredentials || !request.HasCookies)
            {
                return decision;
            }

            decision = CorsDecision.Denied(CorsRequestKind.Actual, CorsReason.CredentialsNotAllowed);
        }

        if (IsSameOrigin(site, ref request))
        {
            // A same-origin request is no CORS request, whatever the policy says of its origin:
            // it runs, and is counted and logged as what it is.
            return policyDecision.IsAllowed ? policyDecision : CorsDecision.NotCors with { Origin = policyDecision.Origin };
        }

        return request.FormPosts switch
        {
            FormPostExemption.Endpoint when IsFormPost(ref request) => decision,
            FormPostExemption.CallbackPath when IsFormPost(ref request) => decision.AsCallbackOnly(),
            _ => decision.AsBlocked(),
        };
    }

    /// <summary>
    /// Same-origin by Fetch Metadata when the browser sent it (<paramref name="site"/>:
    /// <c>same-origin</c>, or <c>none</c> for a user-typed navigation); otherwise by comparing
    /// Origin with the request's own scheme, host and port.
    /// </summary>
    public static bool IsSameOrigin<TRequest>(StringValues site, ref TRequest request)
        where TRequest : struct, IRequestFacts
    {
        if (site.Count > 0)
        {
            return site.Count == 1 && site[0] is "same-origin" or "none";
        }

        var origin = request.Origin;
        var host = request.Host;
        return origin.Count == 1 && host.Count == 1
            && OriginEqualsOwn(origin[0] ?? string.Empty, request.Scheme, host[0] ?? string.Empty);
    }

    /// <summary>Whether an endpoint accepting <paramref name="endpointMethods"/> was selected for <paramref name="method"/>, as routing compares methods.</summary>
    private static bool Accepts(IReadOnlyList<string>? endpointMethods, string method)
    {
        if (endpointMethods is null || endpointMethods.Count == 0)
        {
            return true;
        }

        for (var i = 0; i < endpointMethods.Count; i++)
        {
            if (endpointMethods[i].Equals(method, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool OriginEqualsOwn(string origin, string ownScheme, string ownHost)
    {
        if (!OriginParser.TryParse(origin, out var parts)
            || !parts.Scheme(origin).Equals(ownScheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Host is "host[:port]", with IPv6 in brackets; host names compare case-insensitively.
        var hostEnd = ownHost.StartsWith('[') ? ownHost.IndexOf(']') + 1 : ownHost.LastIndexOf(':');
        if (hostEnd <= 0)
        {
            hostEnd = ownHost.Length;
        }

        var defaultPort = OriginParser.DefaultPort(parts.Scheme(origin));
        var ownPort = defaultPort;
        if (hostEnd < ownHost.Length
            && (ownHost[hostEnd] != ':' || !int.TryParse(ownHost.AsSpan(hostEnd + 1), System.Globalization.NumberStyles.None, null, out ownPort)))
        {
            return false;
        }

        var originPort = parts.Port < 0 ? defaultPort : parts.Port;
        return ownPort == originPort
            && parts.Host(origin).Equals(ownHost.AsSpan(0, hostEnd), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A POST with an HTML form's content type, the only request a form-post opt-out lets through.</summary>
    private static bool IsFormPost<TRequest>(ref TRequest request)
        where TRequest : struct, IRequestFacts
    {
        var contentTypes = request.ContentType;
        if (request.Method != "POST" || contentTypes.Count != 1)
        {
            return false;
        }

        var contentType = (contentTypes[0] ?? string.Empty).AsSpan();
        var semicolon = contentType.IndexOf(';');
        var mediaType = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim();
        return mediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase);
    }
}
