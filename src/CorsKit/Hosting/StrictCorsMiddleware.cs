using CorsKit.Diagnostics;
using CorsKit.Engine;
using CorsKit.Policies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Hosting;

/// <summary>
/// The thin adapter between ASP.NET Core and <see cref="CorsEngine"/>. Preflights and requests
/// blocked by the CSRF guard are answered here without reaching the endpoint. Every other
/// request gets its CORS headers before the endpoint runs (so the endpoint may still change
/// them), and a response-start callback adds <c>Vary: Origin</c> and restores the CORS headers
/// if an endpoint or an error handler cleared them.
/// </summary>
internal sealed class StrictCorsMiddleware
{
    private readonly RequestDelegate _next;
    private readonly CorsPolicyStore _store;
    private readonly ILogger _logger;
    private readonly Func<object, Task> _addVary;
    private readonly Func<object, Task> _addVaryAndRestoreCorsHeaders;
    private volatile bool _endpointsCarryCorsMetadata = true;

    public StrictCorsMiddleware(RequestDelegate next, CorsPolicyStore store, EndpointDataSource? endpoints, ILogger<StrictCorsMiddleware> logger)
    {
        _next = next;
        _store = store;
        _logger = logger;
        _addVary = AddVary;
        _addVaryAndRestoreCorsHeaders = AddVaryAndRestoreCorsHeaders;
        if (endpoints is not null)
        {
            // Apps whose endpoints name no policy skip the endpoint lookup on every request.
            ChangeToken.OnChange(endpoints.GetChangeToken, () => _endpointsCarryCorsMetadata = AnyCarriesCorsMetadata(endpoints));
            _endpointsCarryCorsMetadata = AnyCarriesCorsMetadata(endpoints);
        }
    }

    public Task InvokeAsync(HttpContext context)
    {
        var policies = _store.Current;
        var metadata = MetadataOf(context);
        var policy = EndpointPolicies.Resolve(policies, metadata);
        var request = context.Request;
        var origin = request.Headers.Origin;
        var onResponseStarting = _addVary;
        if (origin.Count > 0)
        {
            if (request.Method == HttpMethods.Options && request.Headers.AccessControlRequestMethod is { Count: > 0 } requestMethod)
            {
                AnswerPreflight(context, policy, origin, requestMethod);
                return Task.CompletedTask;
            }

            var decision = CorsEngine.EvaluateActual(policy, origin);
            if (policies.BlockCrossOriginUnsafeRequests && !SafeMethods.IsSafe(request.Method) && IsBlocked(context, policy, decision))
            {
                CorsResponseWriter.WriteBlocked(context.Response, policy);
                return Task.CompletedTask;
            }

            if (decision.IsAllowed)
            {
                CorsResponseWriter.WriteAllowed(context.Response.Headers, policy, origin);
                onResponseStarting = _addVaryAndRestoreCorsHeaders;
            }
            else
            {
                CorsKitLog.OriginNotAllowed(_logger, policy.Name, decision, origin);
            }
        }

        if (metadata is not null)
        {
            // The framework's endpoint middleware refuses to run an endpoint with CORS metadata
            // unless a CORS middleware says it has seen it.
            context.Items[EndpointPolicies.CorsMiddlewareInvokedKey] = EndpointPolicies.CorsMiddlewareInvokedValue;
        }

        if (policy.VariesByOrigin)
        {
            // The state is the context itself and the delegates are cached (which one tells what
            // was decided), so registering allocates nothing on servers that reuse their callback
            // list, as Kestrel does per connection.
            context.Response.OnStarting(onResponseStarting, context);
        }

        return _next(context);
    }

    private static bool AnyCarriesCorsMetadata(EndpointDataSource endpoints) =>
        endpoints.Endpoints.Any(e => EndpointPolicies.MetadataOf(e) is not null);

    private Microsoft.AspNetCore.Cors.Infrastructure.ICorsMetadata? MetadataOf(HttpContext context) =>
        _endpointsCarryCorsMetadata ? EndpointPolicies.MetadataOf(context.GetEndpoint()) : null;

    private void AnswerPreflight(HttpContext context, CorsPolicy policy, StringValues origin, StringValues requestMethod)
    {
        var headers = context.Request.Headers;
        var preflight = new PreflightRequest(
            origin, requestMethod, headers.AccessControlRequestHeaders, headers[CorsHeaderNames.AccessControlRequestPrivateNetwork]);
        var decision = CorsEngine.EvaluatePreflight(policy, preflight);
        CorsResponseWriter.WritePreflight(context.Response, policy, origin, decision);
        if (!decision.IsAllowed)
        {
            CorsKitLog.PreflightDenied(_logger, policy.Name, decision, origin);
        }
    }

    private bool IsBlocked(HttpContext context, CorsPolicy policy, in CorsDecision decision)
    {
        var request = context.Request;
        var headers = request.Headers;
        var guardRequest = new GuardRequest(
            request.Method, headers.Origin, headers[CorsHeaderNames.SecFetchSite], request.Scheme, headers.Host, headers.ContentType, headers.Cookie.Count > 0);
        var acceptsFormPosts = context.GetEndpoint()?.Metadata.GetMetadata<AllowCrossOriginFormPostsAttribute>() is not null;
        var verdict = CrossOriginGuard.Evaluate(policy, decision, guardRequest, acceptsFormPosts);
        if (verdict.Result != CorsResult.Blocked)
        {
            return false;
        }

        CorsKitLog.CrossOriginRequestBlocked(_logger, policy.Name, verdict, request.Method, headers.Origin);
        return true;
    }

    /// <summary>Runs as the response starts: adds Vary: Origin to whatever Vary the endpoint left.</summary>
    private Task AddVary(object state)
    {
        var context = (HttpContext)state;
        try
        {
            VaryHeader.Origin.AddTo(context.Response.Headers);
        }
#pragma warning disable CA1031 // A failure here must not turn the endpoint's response into a broken one.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            CorsKitLog.ApplyHeadersFailed(_logger, exception);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Runs as the response of an allowed request starts: adds Vary: Origin, and puts the CORS
    /// headers back if something (typically an exception handler) cleared them.
    /// </summary>
    private Task AddVaryAndRestoreCorsHeaders(object state)
    {
        var context = (HttpContext)state;
        try
        {
            var headers = context.Response.Headers;
            VaryHeader.Origin.AddTo(headers);
            if (headers.AccessControlAllowOrigin.Count == 0)
            {
                var policy = EndpointPolicies.Resolve(_store.Current, MetadataOf(context));
                var origin = context.Request.Headers.Origin;
                if (CorsEngine.EvaluateActual(policy, origin).IsAllowed)
                {
                    CorsResponseWriter.RestoreAllowed(headers, policy, origin);
                }
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
