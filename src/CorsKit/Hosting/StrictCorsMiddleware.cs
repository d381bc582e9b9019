using CorsKit.Diagnostics;
using CorsKit.Engine;
using CorsKit.Policies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Hosting;

/// <summary>
/// The thin adapter between ASP.NET Core and <see cref="CorsEngine"/>. Preflights and requests
/// blocked by the CSRF guard are answered here without reaching the endpoint; every other
/// request runs, and its CORS headers are added as the response starts, so that they survive an
/// endpoint or error handler that clears or rewrites headers.
/// </summary>
internal sealed class StrictCorsMiddleware
{
    private readonly RequestDelegate _next;
    private readonly CorsPolicyStore _store;
    private readonly ILogger _logger;
    private readonly Func<object, Task> _onResponseStarting;

    public StrictCorsMiddleware(RequestDelegate next, CorsPolicyStore store, ILogger<StrictCorsMiddleware> logger)
    {
        _next = next;
        _store = store;
        _logger = logger;
        _onResponseStarting = OnResponseStarting;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var policies = _store.Current;
        var metadata = EndpointPolicies.MetadataOf(context.GetEndpoint());
        var policy = EndpointPolicies.Resolve(policies, metadata);
        var request = context.Request;
        var origin = request.Headers.Origin;
        if (origin.Count > 0)
        {
            if (request.Method == HttpMethods.Options && request.Headers.AccessControlRequestMethod.Count > 0)
            {
                AnswerPreflight(context, policy, origin);
                return Task.CompletedTask;
            }

            if (policies.BlockCrossOriginUnsafeRequests && !SafeMethods.IsSafe(request.Method) && IsBlocked(context, policy, origin))
            {
                CorsResponseWriter.WriteBlocked(context.Response, policy);
                return Task.CompletedTask;
            }
        }

        if (metadata is not null)
        {
            // The framework's endpoint middleware refuses to run an endpoint with CORS metadata
            // unless a CORS middleware says it has seen it.
            context.Items[EndpointPolicies.CorsMiddlewareInvokedKey] = EndpointPolicies.CorsMiddlewareInvokedValue;
        }

        // The state is the context itself and the delegate is cached, so registering allocates
        // nothing on servers that reuse their callback list, as Kestrel does per connection.
        context.Response.OnStarting(_onResponseStarting, context);
        return _next(context);
    }

    private void AnswerPreflight(HttpContext context, CorsPolicy policy, StringValues origin)
    {
        var headers = context.Request.Headers;
        var preflight = new PreflightRequest(
            origin, headers.AccessControlRequestMethod, headers.AccessControlRequestHeaders, headers[CorsHeaderNames.AccessControlRequestPrivateNetwork]);
        var decision = CorsEngine.EvaluatePreflight(policy, preflight);
        CorsResponseWriter.WritePreflight(context.Response, policy, origin, decision);
        if (!decision.IsAllowed)
        {
            CorsKitLog.PreflightDenied(_logger, policy.Name, decision, origin);
        }
    }

    private bool IsBlocked(HttpContext context, CorsPolicy policy, StringValues origin)
    {
        var request = context.Request;
        var headers = request.Headers;
        var guardRequest = new GuardRequest(
            request.Method, origin, headers[CorsHeaderNames.SecFetchSite], request.Scheme, headers.Host, headers.ContentType, headers.Cookie.Count > 0);
        var acceptsFormPosts = context.GetEndpoint()?.Metadata.GetMetadata<AllowCrossOriginFormPostsAttribute>() is not null;
        var decision = CrossOriginGuard.Evaluate(policy, guardRequest, acceptsFormPosts);
        if (decision.Result != CorsResult.Blocked)
        {
            return false;
        }

        CorsKitLog.CrossOriginRequestBlocked(_logger, policy.Name, decision, request.Method, origin);
        return true;
    }

    private Task OnResponseStarting(object state)
    {
        var context = (HttpContext)state;
        try
        {
            var policy = EndpointPolicies.Resolve(_store.Current, EndpointPolicies.MetadataOf(context.GetEndpoint()));
            var origin = context.Request.Headers.Origin;
            var decision = CorsEngine.EvaluateActual(policy, origin);
            CorsResponseWriter.WriteActual(context.Response.Headers, policy, origin, decision);
            if (decision.Result == CorsResult.Denied)
            {
                CorsKitLog.OriginNotAllowed(_logger, policy.Name, decision, origin);
            }
        }
#pragma warning disable CA1031 // A failure here must not turn the endpoint's response into a broken one.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            CorsKitLog.ApplyHeadersFailed(_logger, exception);
        }

        return Task.CompletedTask;
    }
}
