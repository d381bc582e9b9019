using CorsKit.Diagnostics;
using CorsKit.Engine;
using CorsKit.Fetch;
using CorsKit.Hosting.Configuration;
using CorsKit.Hosting.Endpoints;
using CorsKit.Policies;
using ICorsMetadata = Microsoft.AspNetCore.Cors.Infrastructure.ICorsMetadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace CorsKit.Hosting.Middleware;

/// <summary>
/// The thin adapter between ASP.NET Core and <see cref="CorsEngine"/>. Preflights and requests
/// blocked by the CSRF guard are answered here without reaching the endpoint. Every other
/// request gets its CORS headers and <c>Vary</c> before the endpoint runs (so the endpoint may
/// still change them, and caches after CorsKit see them), and for an allowed request a
/// response-start callback restores them if an endpoint or an error handler cleared them.
/// </summary>
internal sealed class StrictCorsMiddleware
{
    private readonly RequestDelegate _next;
    private readonly CorsPolicyStore _store;
    private readonly CorsKitMetrics _metrics;
    private readonly RemoteAuthenticationCallbacks _callbacks;
    private readonly ReportOnlyLog _reports;
    private readonly PipelineCheck _pipeline;
    private readonly bool _explainDenials;
    private readonly ILogger _logger;
    private int _otherCorsReported;

    /// <summary>What puts CorsKit's decision on each response as it starts, per outcome and policy.</summary>
    private readonly CorsHeadersAtStart.Set _atStart;

    /// <param name="next">The rest of the pipeline.</param>
    /// <param name="store">The policies in force.</param>
    /// <param name="metrics">The CorsKit meter.</param>
    /// <param name="callbacks">Remote authentication callback paths, which accept cross-site form posts.</param>
    /// <param name="reports">The reports of report-only mode.</param>
    /// <param name="pipeline">What the app's pipeline holds besides CorsKit.</param>
    /// <param name="explainDenials">True in the Development environment: denials get a problem-details body.</param>
    /// <param name="logger">The logger.</param>
    public StrictCorsMiddleware(
        RequestDelegate next,
        CorsPolicyStore store,
        CorsKitMetrics metrics,
        RemoteAuthenticationCallbacks callbacks,
        ReportOnlyLog reports,
        PipelineCheck pipeline,
        bool explainDenials,
        ILogger<StrictCorsMiddleware> logger)
    {
        _next = next;
        _store = store;
        _metrics = metrics;
        _callbacks = callbacks;
        _reports = reports;
        _pipeline = pipeline;
        _explainDenials = explainDenials;
        _logger = logger;
        _atStart = new CorsHeadersAtStart.Set(logger);
    }

    public Task InvokeAsync(HttpContext context)
    {
        var policies = _store.Current;
        var endpoint = context.GetEndpoint();
        var metadata = EndpointPolicies.MetadataOf(endpoint);
        var request = context.Request;
        var response = context.Response;
        if (response.StatusCode >= StatusCodes.Status400BadRequest && ReExecution.IsReExecuted(context))
        {
            return ContinueReExecuted(context, metadata, policies.Mode == StrictCorsMode.ReportOnly);
        }

        var policy = EndpointPolicies.Resolve(policies, metadata);
        var origin = request.Headers.Origin;
        if (origin.Count > 0)
        {
            return InvokeCors(context, policies, policy, endpoint, metadata, origin);
        }

        // Browsers send Origin with every request but GET and HEAD (WebSocket handshakes
        // included), so without it only an unsafe method can be a browser's cross-site request
        // (told by Fetch Metadata).
        var reportOnly = policy.ReportOnly;
        var recorded = false;
        var judged = policies.BlockCrossOriginUnsafeRequests && !HttpMethodRules.IsSafe(request.Method);
        if (judged && Blocks(context, policies, endpoint, endpointMethods: null, policy, CorsDecision.NotCors) is { } blocked)
        {
            if (!policies.GuardReportsOnly)
            {
                return AnswerBlocked(context, policy, blocked, origin);
            }

            recorded = ReportBlocked(policy, blocked, origin, request.Method);
        }

        if (!recorded)
        {
            _metrics.Record(CorsDecision.NotCors, policy.Name, reportOnly);
        }

        var varied = AddVary(response, policies, policy, reportOnly, judged);
        MarkCorsMiddlewareInvoked(context, metadata);
        return Continue(context, reportOnly ? (varied ? _atStart.VaryOnly : null) : varied ? _atStart.NotAllowedVaryingByOrigin : _atStart.NotAllowed);
    }

    /// <summary>A request with <c>Origin</c>: a preflight, or a request that may be a CORS request.</summary>
    private Task InvokeCors(HttpContext context, CompiledPolicySet policies, CompiledPolicy policy, Endpoint? endpoint, ICorsMetadata? metadata, StringValues origin)
    {
        var request = context.Request;
        var response = context.Response;
        var reportOnly = policy.ReportOnly;

        if (!reportOnly && response.Headers is { Count: > 0 } early && early.AccessControlAllowOrigin.Count > 0)
        {
            RemoveHeadersOfAnotherMiddleware(context);
        }

        // Routing takes OPTIONS in any case, with Origin and Access-Control-Request-Method, for a
        // preflight and selects the endpoint of the method it names: such a request is answered
        // here, never run, whatever the case of its method.
        if (HttpMethods.IsOptions(request.Method) && request.Headers.AccessControlRequestMethod is { Count: > 0 } requestMethod)
        {
            return reportOnly ? ReportPreflight(context, policy, metadata, origin, requestMethod) : AnswerPreflight(context, policy, origin, requestMethod);
        }

        var decision = CorsEngine.EvaluateActual(policy, origin);
        IReadOnlyList<string>? endpointMethods = null;

        // Whether the CSRF guard judges the request: then its answer depends on the origin.
        bool judged;
        if (decision.IsAllowed && policy.AllowCredentials)
        {
            // The guard never blocks an allowed origin of a policy with credentials (a handshake
            // included), and the answer already varies by origin: the request's body, upgrade
            // and endpoint are not read.
            judged = policies.BlockCrossOriginUnsafeRequests && !HttpMethodRules.IsSafe(request.Method);
        }
        else
        {
            endpointMethods = endpoint?.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            // The body is read only where it can matter (CrossOriginGuard.Judges).
            judged = policies.BlockCrossOriginUnsafeRequests
                && (CrossOriginGuard.JudgesMethod(request.Method, endpointMethods)
                    || IsUpgrade(request)
                    || (CrossOriginGuard.BodyCanBeARewrittenWrite(endpointMethods) && HasBody(request)));
        }

        var recorded = false;
        if (judged && Blocks(context, policies, endpoint, endpointMethods, policy, decision) is { } blocked)
        {
            if (!policies.GuardReportsOnly)
            {
                return AnswerBlocked(context, policy, blocked, origin);
            }

            recorded = ReportBlocked(policy, blocked, origin, request.Method);
        }

        if (!recorded)
        {
            _metrics.Record(decision, policy.Name, reportOnly);
        }

        var varied = AddVary(response, policies, policy, reportOnly, judged);
        MarkCorsMiddlewareInvoked(context, metadata);
        CorsHeadersAtStart? atStart;
        if (reportOnly)
        {
            if (!decision.IsAllowed && !recorded)
            {
                _reports.WouldDeny(policy, decision, origin, request.Method);
            }

            atStart = varied ? _atStart.VaryOnly : null;
        }
        else if (decision.IsAllowed)
        {
            CorsResponseWriter.WriteAllowed(response.Headers, policy, origin);
            if (!policy.AllowCredentials && _logger.IsEnabled(LogLevel.Debug) && request.Headers.Cookie.Count > 0)
            {
                CorsKitLog.CredentialsMismatch(_logger, policy.Name, origin);
            }

            atStart = _atStart.AllowedBy(policies, policy);
        }
        else
        {
            CorsKitLog.Denied(_logger, policy, decision, origin, request.Method);
            atStart = varied ? _atStart.NotAllowedVaryingByOrigin : _atStart.NotAllowed;
        }

        return Continue(context, atStart);
    }

    /// <summary>
    /// Runs the rest of the pipeline with <paramref name="atStart"/> registered to put CorsKit's
    /// decision back on the response as it starts (null: report-only, nothing to keep). The state
    /// is the context and the delegates are cached, so registering allocates nothing on servers
    /// that reuse their callback list, as Kestrel does. Under a response cache that runs before
    /// CorsKit, which stores the headers as the first byte of the body is written (before the
    /// response starts) and later serves them without CorsKit running, the decision is also put
    /// on the response before that first byte.
    /// </summary>
    private Task Continue(HttpContext context, CorsHeadersAtStart? atStart)
    {
        if (atStart is null)
        {
            return _next(context);
        }

        context.Response.OnStarting(atStart.OnResponseStarting, context);
        return DecidedBeforeFirstByte.IsStoring(context) ? DecidedBeforeFirstByte.RunAsync(context, atStart, _next) : _next(context);
    }

    /// <summary>
    /// Adds <c>Vary: Origin</c> where the answer depends on the origin, before the endpoint and
    /// before any cache after CorsKit takes its snapshot or computes its key, so that caches never
    /// hand one origin's answer to another; first, so that on a response without headers it is
    /// one write. Report-only mode writes nothing. Returns whether it was added.
    /// </summary>
    private static bool AddVary(HttpResponse response, CompiledPolicySet policies, CompiledPolicy policy, bool reportOnly, bool judged)
    {
        if ((policy.VariesByOrigin && !reportOnly) || (judged && !policies.GuardReportsOnly))
        {
            VaryHeader.Origin.AddTo(response.Headers);
            return true;
        }

        return false;
    }

    /// <summary>Reports a request the guard would block, in report-only mode; it goes on. Returns true: it is counted.</summary>
    private bool ReportBlocked(CompiledPolicy policy, in CorsDecision blocked, StringValues origin, string method)
    {
        _metrics.Record(blocked, policy.Name, reportOnly: true);
        _reports.WouldBlock(policy, blocked, origin, method);
        return true;
    }

    /// <summary>
    /// A preflight under a report-only policy: evaluated, counted, reported if it would be
    /// denied, and answered by nobody here — by the framework's CORS middleware when the app still
    /// has one (a migration), otherwise with an empty 204 that grants nothing, as an app without
    /// CORS support gives none. A preflight never runs the endpoint routing selected for it: the
    /// framework's middleware answers only when it finds a policy, so the endpoint is replaced by
    /// <see cref="PreflightTerminus"/>, with the same metadata for the framework to read.
    /// </summary>
    private Task ReportPreflight(HttpContext context, CompiledPolicy policy, ICorsMetadata? metadata, StringValues origin, StringValues requestMethod)
    {
        var decision = CorsEngine.EvaluatePreflight(policy, PreflightOf(context.Request.Headers, origin, requestMethod));
        _metrics.Record(decision, policy.Name, reportOnly: true);
        if (!decision.IsAllowed)
        {
            _reports.WouldDeny(policy, decision, origin, HttpMethods.Options);
        }

        if (!_pipeline.FrameworkCorsPresent)
        {
            return PreflightTerminus.AnswerEmpty(context);
        }

        context.SetEndpoint(PreflightTerminus.For(context.GetEndpoint()));
        MarkCorsMiddlewareInvoked(context, metadata);
        return _next(context);
    }

    private static PreflightRequest PreflightOf(IHeaderDictionary headers, StringValues origin, StringValues requestMethod) =>
        new(origin, requestMethod, headers.AccessControlRequestHeaders, headers[CorsHeaderNames.AccessControlRequestPrivateNetwork]);

    /// <summary>
    /// An exception handler or status-code pages run the pipeline again for the same request: the
    /// first pass's decision stands (no second guard or preflight evaluation, nothing counted or
    /// logged twice). Only what the handler's clearing took is put back: Vary (the headers of an
    /// allowed request are restored by the first pass's response-start callback) and the marker
    /// the endpoint middleware looks for.
    /// </summary>
    private Task ContinueReExecuted(HttpContext context, ICorsMetadata? metadata, bool reportOnly)
    {
        if (!reportOnly)
        {
            VaryHeader.Origin.AddTo(context.Response.Headers);
        }

        MarkCorsMiddlewareInvoked(context, metadata);
        return _next(context);
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
            CorsKitLog.CorsHeadersBeforeCorsKit(_logger, context.Request.Path.ToString());
        }
    }

    /// <summary>
    /// A protocol upgrade: an HTTP/1.1 WebSocket handshake is a GET with <c>Upgrade</c>, which
    /// pages cannot set. It is judged as an unsafe request, as the HTTP/2 and HTTP/3 handshake
    /// (an extended CONNECT) is: cookies ride on handshakes and CORS does not apply to them.
    /// </summary>
    private static bool IsUpgrade(HttpRequest request) => request.Headers.Upgrade.Count > 0;

    /// <summary>
    /// Whether the request says it carries a body. Its content type is enough: a method override
    /// from a form field needs a form content type, and browsers send one with every form.
    /// </summary>
    private static bool HasBody(HttpRequest request) => request.Headers.ContentType.Count > 0;

    private Task AnswerPreflight(HttpContext context, CompiledPolicy policy, StringValues origin, StringValues requestMethod)
    {
        var decision = CorsEngine.EvaluatePreflight(policy, PreflightOf(context.Request.Headers, origin, requestMethod));
        _metrics.Record(decision, policy.Name);
        CorsResponseWriter.WritePreflight(context.Response, policy, origin, decision);
        if (decision.IsAllowed)
        {
            return Task.CompletedTask;
        }

        CorsKitLog.Denied(_logger, policy, decision, origin, HttpMethods.Options);
        return _explainDenials
            ? DevelopmentProblem.WriteAsync(context.Response, policy, decision, origin, HttpMethods.Options, EndpointPolicies.DenialSettingOf(context.GetEndpoint(), _store))
            : Task.CompletedTask;
    }

    private Task AnswerBlocked(HttpContext context, CompiledPolicy policy, in CorsDecision blocked, StringValues origin)
    {
        var method = context.Request.Method;
        _metrics.Record(blocked, policy.Name);
        CorsKitLog.Blocked(_logger, policy, blocked, origin, method);
        CorsResponseWriter.WriteBlocked(context.Response);
        return _explainDenials
            ? DevelopmentProblem.WriteAsync(context.Response, policy, blocked, origin, method, EndpointPolicies.DenialSettingOf(context.GetEndpoint(), _store))
            : Task.CompletedTask;
    }

    /// <summary>
    /// The CSRF guard's blocking decision for a request it judges, or null when it may run.
    /// <paramref name="endpointMethods"/>: the methods the endpoint accepts, as routing matched
    /// them; null when it accepts any. A form post that may run only because its path is a remote
    /// authentication callback gets, while the guard enforces, an endpoint that refuses it in
    /// place of the one routing selected: the handler consumes a genuine callback before any
    /// endpoint runs, and what it declines never reaches an endpoint that did not opt in.
    /// </summary>
    private CorsDecision? Blocks(HttpContext context, CompiledPolicySet policies, Endpoint? endpoint, IReadOnlyList<string>? endpointMethods, CompiledPolicy policy, in CorsDecision decision)
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
            headers.Cookie.Count > 0,
            IsUpgrade(request));
        var formPosts = endpoint?.Metadata.GetMetadata<AllowCrossOriginFormPostsAttribute>() is not null ? FormPostExemption.Endpoint
            : _callbacks.Contains(request.Path) ? FormPostExemption.CallbackPath
            : FormPostExemption.None;
        var verdict = CrossOriginGuard.Evaluate(policy, decision, guardRequest, formPosts);
        if (verdict.RunsOnlyAsCallback && !policies.GuardReportsOnly)
        {
            context.SetEndpoint(_callbacks.NotConsumed);
        }

        return verdict.Result == CorsResult.Blocked ? verdict : null;
    }
}
