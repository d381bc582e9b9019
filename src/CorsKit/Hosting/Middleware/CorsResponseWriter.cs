using CorsKit.Diagnostics;
using CorsKit.Engine;
using CorsKit.Fetch;
using CorsKit.Hosting.Endpoints;
using CorsKit.Policies;
using ICorsMetadata = Microsoft.AspNetCore.Cors.Infrastructure.ICorsMetadata;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace CorsKit.Hosting.Middleware;

/// <summary>
/// Applies a decision to the response, and owns everything it writes: the status of an answer
/// given here (a preflight, a blocked request) and its Development explanation; the CORS headers
/// and <c>Vary</c> of a request that goes on to the endpoint, written before it runs (so that
/// caches after CorsKit see them) and put back as the response starts
/// (<see cref="CorsHeadersAtStart"/>); the endpoint a request must run instead of the one routing
/// selected (<see cref="PreflightTerminus"/>, a callback's <see cref="RemoteAuthenticationCallbacks.NotConsumed"/>).
/// It decides nothing: every choice is read off the decision, with the policy's precomputed values.
/// </summary>
internal sealed class CorsResponseWriter(
    RemoteAuthenticationCallbacks callbacks, PipelineCheck pipeline, ResponseCachingInPipeline responseCaching, CorsKitStatus status, bool explainDenials, string rootPath, ILogger logger)
{
    private static readonly StringValues True = "true";
    private static readonly StringValues AnyOrigin = "*";

    private readonly CorsHeadersAtStart.Set _atStart = new(logger, status);
    private int _otherCorsReported;

    /// <summary>Applies <paramref name="decision"/>, made under <paramref name="policy"/> of <paramref name="policies"/>: answers here, or runs <paramref name="next"/>.</summary>
    public Task Apply(HttpContext context, CompiledPolicySet policies, CompiledPolicy policy, ICorsMetadata? metadata, in CorsDecision decision, RequestDelegate next)
    {
        var response = context.Response;
        if (decision.CorsEnforced && decision.Kind != CorsRequestKind.NotCors
            && response.Headers is { Count: > 0 } early && early.AccessControlAllowOrigin.Count > 0)
        {
            RemoveHeadersOfAnotherMiddleware(context);
        }

        if (decision.Kind == CorsRequestKind.Preflight)
        {
            if (decision.PreflightToEndpoint)
            {
                MarkCorsMiddlewareInvoked(context, metadata);
                return next(context);
            }

            return decision.CorsEnforced ? AnswerPreflight(context, policies, policy, decision) : PassPreflightOn(context, metadata, next);
        }

        if (decision.Result == CorsResult.Blocked && decision.Enforced)
        {
            WriteBlocked(response, _atStart.VaryOf(policies, policy));
            return Explain(context, policies, policy, decision);
        }

        if (decision.Vary != VaryTokens.None)
        {
            _atStart.VaryOf(policies, policy).AddTo(response.Headers);
        }

        CorsHeadersAtStart? atStart;
        if (!decision.CorsEnforced)
        {
            // Report-only writes no CORS header, and keeps none from being written: what stays is
            // Vary, where the guard made the answer depend on the origin.
            atStart = decision.Vary != VaryTokens.None ? _atStart.VaryOnlyFor(policies, policy) : null;
        }
        else if (decision.OriginAllowed)
        {
            WriteAllowed(response.Headers, policy, decision.Origin);
            atStart = _atStart.AllowedBy(policies, policy);
        }
        else
        {
            atStart = decision.Vary != VaryTokens.None ? _atStart.NotAllowedVaryingFor(policies, policy) : _atStart.NotAllowed;
        }

        if (decision.RunsOnlyAsCallback)
        {
            context.SetEndpoint(callbacks.NotConsumed);
        }

        MarkCorsMiddlewareInvoked(context, metadata);
        return Continue(context, atStart, next);
    }

    /// <summary>
    /// A request an exception handler or status-code pages run again: the first pass's decision
    /// stands (its response-start callback puts its headers and Vary back); only the marker the
    /// endpoint middleware looks for is set again.
    /// </summary>
    public static Task ContinueReExecuted(HttpContext context, ICorsMetadata? metadata, RequestDelegate next)
    {
        MarkCorsMiddlewareInvoked(context, metadata);
        return next(context);
    }

    /// <summary>
    /// A 403 that is final: status-code pages (<c>UseStatusCodePagesWithReExecute</c>) would run
    /// the error endpoint with the refused request's method, body and cookies, so they are turned
    /// off for it. An exception handler never sees it: nothing is thrown.
    /// </summary>
    public static void Refuse(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status403Forbidden;
        if (response.HttpContext.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
        {
            statusCodePages.Enabled = false;
        }
    }

    /// <summary>Adds the headers of an allowed actual request before the endpoint runs.</summary>
    public static void WriteAllowed(IHeaderDictionary headers, CompiledPolicy policy, StringValues origin)
    {
        // An echoed origin reuses the request's own value: nothing is allocated.
        headers.AccessControlAllowOrigin = policy.Origins.AllowsAnyOrigin ? AnyOrigin : origin;
        if (policy.AllowCredentials)
        {
            headers.AccessControlAllowCredentials = True;
        }

        if (policy.ExposeHeadersValue.Count > 0)
        {
            headers.AccessControlExposeHeaders = policy.ExposeHeadersValue;
        }
    }

    /// <summary>
    /// Answers a request blocked by the CSRF guard: 403, no Access-Control-* header, and
    /// <c>Vary: Origin</c>, since the same request from the site itself would run.
    /// </summary>
    private static void WriteBlocked(HttpResponse response, VaryHeader vary)
    {
        vary.AddTo(response.Headers);
        Refuse(response);
    }

    /// <summary>Answers a preflight: 204 with the policy's headers when allowed, 403 with none when not.</summary>
    private Task AnswerPreflight(HttpContext context, CompiledPolicySet policies, CompiledPolicy policy, in CorsDecision decision)
    {
        var response = context.Response;
        var headers = response.Headers;
        if (decision.Vary != VaryTokens.None)
        {
            _atStart.PreflightVaryOf(policies, policy).AddTo(headers);
        }

        if (!decision.IsAllowed)
        {
            Refuse(response);
            return Explain(context, policies, policy, decision);
        }

        response.StatusCode = StatusCodes.Status204NoContent;
        headers.AccessControlAllowOrigin = policy.Origins.AllowsAnyOrigin ? AnyOrigin : decision.Origin;
        if (policy.AllowCredentials)
        {
            headers.AccessControlAllowCredentials = True;
        }

        if (policy.AllowMethodsValue.Count > 0)
        {
            headers.AccessControlAllowMethods = policy.AllowMethodsValue;
        }

        if (policy.AllowHeadersValue.Count > 0)
        {
            headers.AccessControlAllowHeaders = policy.AllowHeadersValue;
        }

        if (policy.MaxAgeValue.Count > 0)
        {
            headers.AccessControlMaxAge = policy.MaxAgeValue;
        }

        if (decision.GrantsPrivateNetwork)
        {
            headers[CorsHeaderNames.AccessControlAllowPrivateNetwork] = True;
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// A preflight under a report-only policy is answered by nobody here: by the framework's CORS
    /// middleware when the app still has one (a migration), otherwise with an empty 204 that grants
    /// nothing. It never runs the endpoint routing selected for it: the framework's middleware
    /// answers only when it finds a policy, so the endpoint is replaced by
    /// <see cref="PreflightTerminus"/>, with the same metadata for the framework to read.
    /// </summary>
    private Task PassPreflightOn(HttpContext context, ICorsMetadata? metadata, RequestDelegate next)
    {
        if (!pipeline.FrameworkCorsPresent)
        {
            return PreflightTerminus.AnswerEmpty(context);
        }

        context.SetEndpoint(PreflightTerminus.For(context.GetEndpoint()));
        MarkCorsMiddlewareInvoked(context, metadata);
        return next(context);
    }

    /// <summary>In the Development environment, a refusal's explanation, from the configuration that decided it.</summary>
    private Task Explain(HttpContext context, CompiledPolicySet policies, CompiledPolicy policy, in CorsDecision decision)
    {
        if (!explainDenials)
        {
            return Task.CompletedTask;
        }

        var method = decision.Kind == CorsRequestKind.Preflight ? HttpMethods.Options : context.Request.Method;
        return DevelopmentProblem.WriteAsync(
            context.Response, policy, decision, decision.Origin, method, EndpointPolicies.DenialSettingOf(context.GetEndpoint(), policies, rootPath));
    }

    /// <summary>
    /// Runs the rest of the pipeline with <paramref name="atStart"/> registered to put the decision
    /// back on the response as it starts (null: report-only, nothing to keep). The state is the
    /// context and the delegates are cached, so registering allocates nothing on servers that reuse
    /// their callback list, as Kestrel does. Under a response cache that runs before CorsKit, which
    /// stores the headers as the first byte of the body is written (before the response starts)
    /// and later serves them without CorsKit running, the decision is also put on the response
    /// before that first byte.
    /// </summary>
    private Task Continue(HttpContext context, CorsHeadersAtStart? atStart, RequestDelegate next)
    {
        if (atStart is null)
        {
            return next(context);
        }

        context.Response.OnStarting(atStart.OnResponseStarting, context);
        return responseCaching.Present && DecidedBeforeFirstByte.IsStoring(context) ? DecidedBeforeFirstByte.RunAsync(context, atStart, next) : next(context);
    }

    /// <summary>
    /// The framework's endpoint middleware refuses to run an endpoint with CORS metadata unless a
    /// CORS middleware says it has seen it.
    /// </summary>
    private static void MarkCorsMiddlewareInvoked(HttpContext context, ICorsMetadata? metadata)
    {
        if (metadata is not null)
        {
            context.Items[EndpointPolicies.CorsMiddlewareInvokedKey] = EndpointPolicies.CorsMiddlewareInvokedValue;
        }
    }

    /// <summary>
    /// Something before CorsKit wrote CORS headers (a CORS middleware of the app's own): they are
    /// taken off, so that CorsKit's policy alone decides what this origin may read, and the
    /// misassembly is logged as an error once. (The framework's middleware writes its headers
    /// only as the response starts; <see cref="FrameworkCorsService"/> keeps it from writing them.)
    /// </summary>
    private void RemoveHeadersOfAnotherMiddleware(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.Remove(HeaderNames.AccessControlAllowOrigin);
        headers.Remove(HeaderNames.AccessControlAllowCredentials);
        headers.Remove(HeaderNames.AccessControlExposeHeaders);
        if (Interlocked.Exchange(ref _otherCorsReported, 1) == 0)
        {
            CorsKitLog.CorsHeadersBeforeCorsKit(logger, context.Request.Path.ToString());
        }
    }
}
