using CorsKit.Fetch;
using CorsKit.Origins;
using CorsKit.Policies;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Engine;

/// <summary>
/// The CORS decisions, as pure functions of a compiled policy and request header values: no
/// HttpContext, no I/O, no allocation. Hosting turns decisions into responses.
/// </summary>
internal static class CorsEngine
{
    private const string PrivateNetworkRequested = "true";

    /// <summary>
    /// Decides a preflight: allowed only when the origin, the method, every requested header and,
    /// if asked, private-network access are all allowed by the policy.
    /// </summary>
    public static CorsDecision EvaluatePreflight(CompiledPolicy policy, in PreflightRequest request)
    {
        const CorsRequestKind kind = CorsRequestKind.Preflight;
        var origin = policy.Origins.Match(request.Origin);
        if (origin != OriginVerdict.Allowed)
        {
            return CorsDecision.Denied(kind, ToReason(origin));
        }

        if (!IsMethodAllowed(policy.Methods, request.RequestMethod, out var refusedMethod))
        {
            return CorsDecision.Denied(kind, CorsReason.MethodNotAllowed, refusedMethod);
        }

        if (!RequestHeaderList.AreAllowed(policy.Headers, request.RequestHeaders, out var refusedHeader))
        {
            return CorsDecision.Denied(kind, CorsReason.HeaderNotAllowed, refusedHeader);
        }

        var privateNetwork = request.RequestPrivateNetwork;
        if (privateNetwork.Count == 0)
        {
            return CorsDecision.Allowed(kind);
        }

        return policy.AllowPrivateNetwork && privateNetwork.Count == 1 && privateNetwork[0] == PrivateNetworkRequested
            ? CorsDecision.Allowed(kind, grantsPrivateNetwork: true)
            : CorsDecision.Denied(kind, CorsReason.PrivateNetworkNotAllowed);
    }

    /// <summary>Decides whether an actual (non-preflight) request's origin may read the response.</summary>
    public static CorsDecision EvaluateActual(CompiledPolicy policy, StringValues origin)
    {
        if (origin.Count == 0)
        {
            return CorsDecision.NotCors;
        }

        var verdict = policy.Origins.Match(origin);
        return verdict == OriginVerdict.Allowed
            ? CorsDecision.Allowed(CorsRequestKind.Actual)
            : CorsDecision.Denied(CorsRequestKind.Actual, ToReason(verdict));
    }

    private static bool IsMethodAllowed(NameSet methods, StringValues requested, out ReadOnlyMemory<char> refused)
    {
        refused = default;
        if (requested.Count != 1)
        {
            return false;
        }

        // Listed names are valid tokens, so only the wildcard needs the request's syntax checked.
        var method = requested[0] ?? string.Empty;
        if (HttpMethodRules.IsCorsSafelisted(method) || methods.Contains(method)
            || (methods.ContainsWildcard && HttpToken.IsValid(method) && !HttpMethodRules.IsForbidden(method)))
        {
            return true;
        }

        refused = method.AsMemory();
        return false;
    }

    private static CorsReason ToReason(OriginVerdict verdict) => verdict switch
    {
        OriginVerdict.NotAllowed => CorsReason.OriginNotAllowed,
        OriginVerdict.Null => CorsReason.OriginNull,
        OriginVerdict.Multiple => CorsReason.OriginMultiple,
        _ => CorsReason.OriginMalformed,
    };
}
