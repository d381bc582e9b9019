using CorsKit.Fetch;
using CorsKit.Origins;
using CorsKit.Policies;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Engine;

/// <summary>
/// The CORS decisions, as pure functions of a compiled policy and request facts: no HttpContext,
/// no I/O, no allocation. <see cref="Decide"/> is the one call hosting makes: it decides
/// everything about a request, and hosting applies the decision.
/// </summary>
internal static class CorsEngine
{
    private const string PrivateNetworkRequested = "true";

    /// <summary>
    /// Decides a request under <paramref name="policy"/>, in one call: a preflight, an actual
    /// request or none (no <c>Origin</c>); the CSRF guard's judgement (method override, bodies,
    /// handshakes, Fetch Metadata, cookies, form-post exemptions); whether the outcome is applied
    /// or only reported, as the policy's compiled enforcement says; and the <c>Vary</c> tokens the
    /// response needs. Each fact of <paramref name="request"/> is read only if the decision needs it.
    /// </summary>
    public static CorsDecision Decide<TRequest>(CompiledPolicy policy, ref TRequest request)
        where TRequest : struct, IRequestFacts
    {
        var origin = request.Origin;
        if (origin.Count == 0)
        {
            return DecideWithoutOrigin(policy, ref request);
        }

        // Routing takes OPTIONS in any case, with Origin and Access-Control-Request-Method, for a
        // preflight and selects the endpoint of the method it names: such a request is answered
        // as a preflight whatever the case of its method.
        var method = request.Method;
        if (HttpMethodRules.IsOptionsInAnyCase(method) && request.AccessControlRequestMethod is { Count: > 0 } requestMethod)
        {
            var preflight = EvaluatePreflight(policy, new PreflightRequest(origin, requestMethod, request.AccessControlRequestHeaders, request.AccessControlRequestPrivateNetwork));
            if (request.CorsHeadersLeftToEndpoint)
            {
                // The endpoint (a backend behind a gateway) answers its own preflights: CorsKit only reports what it would have answered.
                return preflight with { Origin = origin, PreflightToEndpoint = true };
            }

            var enforced = policy.Cors == Enforcement.Enforced;
            return preflight with
            {
                Origin = origin,
                Enforced = enforced,
                CorsEnforced = enforced,
                OriginAllowed = preflight.IsAllowed,
                Vary = enforced && policy.VariesByOrigin ? VaryTokens.Preflight : VaryTokens.None,
            };
        }

        var decision = EvaluateActual(policy, origin);
        bool judged;
        if (decision.IsAllowed && policy.AllowCredentials)
        {
            // The guard never blocks an allowed origin of a policy with credentials (a handshake
            // included), and the answer already varies by origin: the request's body, upgrade
            // and endpoint are not read.
            judged = policy.Guard != Enforcement.Off && !HttpMethodRules.IsSafe(method);
        }
        else
        {
            var endpointMethods = request.EndpointMethods;
            judged = policy.Guard != Enforcement.Off
                && (CrossOriginGuard.JudgesMethod(method, endpointMethods)
                    || request.IsUpgrade
                    || (CrossOriginGuard.BodyCanBeARewrittenWrite(endpointMethods) && request.HasBody));
        }

        return Guarded(policy, decision with { Origin = origin }, judged, ref request);
    }

    /// <summary>
    /// A request without Origin: no CORS request. Browsers send Origin with every request but GET
    /// and HEAD (WebSocket handshakes included), so without it only an unsafe method can be a
    /// browser's cross-site request, told by Fetch Metadata.
    /// </summary>
    private static CorsDecision DecideWithoutOrigin<TRequest>(CompiledPolicy policy, ref TRequest request)
        where TRequest : struct, IRequestFacts
    {
        if (policy.Guard == Enforcement.Off || HttpMethodRules.IsSafe(request.Method))
        {
            // The common case, built in one go: nothing to judge, nothing granted.
            var enforced = policy.Cors == Enforcement.Enforced;
            return new CorsDecision(CorsRequestKind.NotCors, CorsResult.Allowed)
            {
                Enforced = enforced,
                CorsEnforced = enforced,
                Vary = enforced && policy.VariesByOrigin ? VaryTokens.Origin : VaryTokens.None,
            };
        }

        return Guarded(policy, CorsDecision.NotCors, judged: true, ref request);
    }

    /// <summary>
    /// The CORS decision on an actual request (or none), completed with the guard's judgement when
    /// it judges the request, what is applied, and the Vary tokens: the answer depends on the
    /// origin where an applied policy allows some origin, and wherever an applied guard judges.
    /// </summary>
    private static CorsDecision Guarded<TRequest>(CompiledPolicy policy, CorsDecision decision, bool judged, ref TRequest request)
        where TRequest : struct, IRequestFacts
    {
        var corsEnforced = policy.Cors == Enforcement.Enforced && (decision.Kind == CorsRequestKind.NotCors || !request.CorsHeadersLeftToEndpoint);
        var guardEnforced = policy.Guard == Enforcement.Enforced;
        var outcome = judged ? CrossOriginGuard.Evaluate(policy, decision, ref request) : decision;
        var blocked = outcome.Result == CorsResult.Blocked;
        return outcome with
        {
            Origin = decision.Origin,
            Enforced = blocked ? guardEnforced : corsEnforced,
            CorsEnforced = corsEnforced,
            OriginAllowed = decision.IsAllowed && decision.Kind == CorsRequestKind.Actual,
            RunsOnlyAsCallback = outcome.RunsOnlyAsCallback && guardEnforced,
            Vary = (corsEnforced && policy.VariesByOrigin) || (judged && guardEnforced) ? VaryTokens.Origin : VaryTokens.None,
        };
    }

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
            return CorsDecision.Denied(kind, ToReason(policy, origin));
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
            : CorsDecision.Denied(CorsRequestKind.Actual, ToReason(policy, verdict));
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

    private static CorsReason ToReason(CompiledPolicy policy, OriginVerdict verdict) => verdict switch
    {
        OriginVerdict.NotAllowed => policy.StoreUnavailableForKey ? CorsReason.OriginStoreUnavailable : CorsReason.OriginNotAllowed,
        OriginVerdict.Null => CorsReason.OriginNull,
        OriginVerdict.Multiple => CorsReason.OriginMultiple,
        _ => CorsReason.OriginMalformed,
    };
}
