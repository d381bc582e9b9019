using System.Runtime.CompilerServices;
using CorsKit.Diagnostics;
using CorsKit.Engine;
using CorsKit.Fetch;
using CorsKit.Hosting.Configuration;
using CorsKit.Hosting.Endpoints;
using CorsKit.Policies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Hosting.Middleware;

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
    private readonly CorsKitMetrics _metrics;
    private readonly RemoteAuthenticationCallbacks _callbacks;
    private readonly bool _explainDenials;
    private readonly ILogger _logger;
    private readonly Func<object, Task> _addVary;

    /// <summary>
    /// The response-start callback of each compiled policy, created on first use, so that
    /// registering it allocates nothing; the table lets go of policies a reload replaced.
    /// </summary>
    private readonly ConditionalWeakTable<CompiledPolicy, Func<object, Task>> _restoreCallbacks = new();
    private readonly ConditionalWeakTable<CompiledPolicy, Func<object, Task>>.CreateValueCallback _createRestoreCallback;

    /// <param name="next">The rest of the pipeline.</param>
    /// <param name="store">The policies in force.</param>
    /// <param name="metrics">The CorsKit meter.</param>
    /// <param name="callbacks">Remote authentication callback paths, which accept cross-site form posts.</param>
    /// <param name="explainDenials">True in the Development environment: denials get a problem-details body.</param>
    /// <param name="logger">The logger.</param>
    public StrictCorsMiddleware(
        RequestDelegate next,
        CorsPolicyStore store,
        CorsKitMetrics metrics,
        RemoteAuthenticationCallbacks callbacks,
        bool explainDenials,
        ILogger<StrictCorsMiddleware> logger)
    {
        _next = next;
        _store = store;
        _metrics = metrics;
        _callbacks = callbacks;
        _explainDenials = explainDenials;
        _logger = logger;
        _addVary = AddVary;
        _createRestoreCallback = policy => new RestoreCorsHeaders(policy, logger).OnResponseStarting;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var policies = _store.Current;
        var endpoint = context.GetEndpoint();
        var metadata = EndpointPolicies.MetadataOf(endpoint);
        var policy = EndpointPolicies.Resolve(policies, metadata);
        var request = context.Request;
        var origin = request.Headers.Origin;
        var onResponseStarting = _addVary;

        // Whether the CSRF guard judges the request: then its answer depends on the origin.
        bool judged;
        if (origin.Count == 0)
        {
            // Browsers send Origin with every request but GET and HEAD, so without it only an
            // unsafe method can be a browser's cross-site request (told by Fetch Metadata).
            judged = policies.BlockCrossOriginUnsafeRequests && !HttpMethodRules.IsSafe(request.Method);
            if (judged && Blocks(context, endpoint, endpointMethods: null, policy, CorsDecision.NotCors) is { } blocked)
            {
                return AnswerBlocked(context, policy, blocked, origin);
            }

            _metrics.Record(CorsDecision.NotCors, policy.Name);
        }
        else
        {
            if (request.Method == HttpMethods.Options && request.Headers.AccessControlRequestMethod is { Count: > 0 } requestMethod)
            {
                return AnswerPreflight(context, policy, origin, requestMethod);
            }

            var decision = CorsEngine.EvaluateActual(policy, origin);
            IReadOnlyList<string>? endpointMethods = null;
            if (decision.IsAllowed && policy.AllowCredentials)
            {
                // The guard never blocks an allowed origin of a policy with credentials, and the
                // answer already varies by origin: the request's body and endpoint are not read.
                judged = policies.BlockCrossOriginUnsafeRequests && !HttpMethodRules.IsSafe(request.Method);
            }
            else
            {
                endpointMethods = endpoint?.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
                // The body is read only where it can matter (CrossOriginGuard.Judges).
                judged = policies.BlockCrossOriginUnsafeRequests
                    && (CrossOriginGuard.JudgesMethod(request.Method, endpointMethods)
                        || (CrossOriginGuard.BodyCanBeARewrittenWrite(endpointMethods) && HasBody(request)));
            }

            if (judged && Blocks(context, endpoint, endpointMethods, policy, decision) is { } blocked)
            {
                return AnswerBlocked(context, policy, blocked, origin);
            }

            _metrics.Record(decision, policy.Name);
            if (decision.IsAllowed)
            {
                CorsResponseWriter.WriteAllowed(context.Response.Headers, policy, origin);
                onResponseStarting = _restoreCallbacks.TryGetValue(policy, out var restore) ? restore : _restoreCallbacks.GetValue(policy, _createRestoreCallback);
                if (!policy.AllowCredentials && _logger.IsEnabled(LogLevel.Debug) && request.Headers.Cookie.Count > 0)
                {
                    CorsKitLog.CredentialsMismatch(_logger, policy.Name, origin);
                }
            }
            else
            {
                CorsKitLog.Denied(_logger, policy, decision, origin, request.Method);
            }
        }

        if (metadata is not null)
        {
            // The framework's endpoint middleware refuses to run an endpoint with CORS metadata
            // unless a CORS middleware says it has seen it.
            context.Items[EndpointPolicies.CorsMiddlewareInvokedKey] = EndpointPolicies.CorsMiddlewareInvokedValue;
        }

        if (policy.VariesByOrigin || judged)
        {
            // The state is the context itself and the delegates are cached (which one, and for an
            // allowed request its policy, tells what was decided), so registering allocates nothing
            // on servers that reuse their callback list, as Kestrel does per connection.
            context.Response.OnStarting(onResponseStarting, context);
        }

        return _next(context);
    }

    /// <summary>
    /// Whether the request says it carries a body. Its content type is enough: a method override
    /// from a form field needs a form content type, and browsers send one with every form.
    /// </summary>
    private static bool HasBody(HttpRequest request) => request.Headers.ContentType.Count > 0;

    private Task AnswerPreflight(HttpContext context, CompiledPolicy policy, StringValues origin, StringValues requestMethod)
    {
        var headers = context.Request.Headers;
        var preflight = new PreflightRequest(
            origin, requestMethod, headers.AccessControlRequestHeaders, headers[CorsHeaderNames.AccessControlRequestPrivateNetwork]);
        var decision = CorsEngine.EvaluatePreflight(policy, preflight);
        _metrics.Record(decision, policy.Name);
        CorsResponseWriter.WritePreflight(context.Response, policy, origin, decision);
        if (decision.IsAllowed)
        {
            return Task.CompletedTask;
        }

        CorsKitLog.Denied(_logger, policy, decision, origin, HttpMethods.Options);
        return _explainDenials
            ? DevelopmentProblem.WriteAsync(context.Response, policy, decision, origin, HttpMethods.Options, _store.RootPath)
            : Task.CompletedTask;
    }

    private Task AnswerBlocked(HttpContext context, CompiledPolicy policy, in CorsDecision blocked, StringValues origin)
    {
        var method = context.Request.Method;
        _metrics.Record(blocked, policy.Name);
        CorsKitLog.Blocked(_logger, policy, blocked, origin, method);
        CorsResponseWriter.WriteBlocked(context.Response);
        return _explainDenials
            ? DevelopmentProblem.WriteAsync(context.Response, policy, blocked, origin, method, _store.RootPath)
            : Task.CompletedTask;
    }

    /// <summary>
    /// The CSRF guard's blocking decision for a request it judges, or null when it may run.
    /// <paramref name="endpointMethods"/>: the methods the endpoint accepts, as routing matched
    /// them; null when it accepts any.
    /// </summary>
    private CorsDecision? Blocks(HttpContext context, Endpoint? endpoint, IReadOnlyList<string>? endpointMethods, CompiledPolicy policy, in CorsDecision decision)
    {
        var request = context.Request;
        var headers = request.Headers;
        var guardRequest = new GuardRequest(
            request.Method,
            HasBody(request),
            endpointMethods,
            headers.Origin,
            headers[CorsHeaderNames.SecFetchSite],
            request.Scheme,
            headers.Host,
            headers.ContentType,
            headers.Cookie.Count > 0);
        var acceptsFormPosts = endpoint?.Metadata.GetMetadata<AllowCrossOriginFormPostsAttribute>() is not null || _callbacks.Contains(request.Path);
        var verdict = CrossOriginGuard.Evaluate(policy, decision, guardRequest, acceptsFormPosts);
        return verdict.Result == CorsResult.Blocked ? verdict : null;
    }

    /// <summary>Runs as the response starts: adds Vary: Origin to whatever Vary the endpoint left.</summary>
    private Task AddVary(object state)
    {
        try
        {
            VaryHeader.Origin.AddTo(((HttpContext)state).Response.Headers);
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
