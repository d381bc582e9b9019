using System.Runtime.CompilerServices;
using CorsKit.Diagnostics;
using CorsKit.Policies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace CorsKit.Hosting.Middleware;

/// <summary>
/// Makes the response carry CorsKit's decision when it starts, whatever ran after CorsKit: an
/// endpoint that assigns its own <c>Vary</c> or CORS headers, an exception handler that clears
/// the headers, a response cache that serves a stored answer, a proxied backend. <c>Vary</c>
/// keeps <c>Origin</c> (merged into the endpoint's own); an allowed request's
/// <c>Access-Control-*</c> headers are exactly its policy's (put back if cleared, replaced if
/// another value); any other response carries no <c>Access-Control-Allow-Origin</c> and nothing
/// that goes with it. Replacing or removing another component's values is logged once per
/// endpoint (EventId 1016). One instance per outcome (and per compiled policy for allowed
/// requests), so that registering it allocates nothing; it decides nothing anew.
/// </summary>
internal sealed class CorsHeadersAtStart
{
    private static readonly StringValues True = "true";
    private static readonly StringValues AnyOrigin = "*";

    private readonly CompiledPolicy? _allowedBy;
    private readonly bool _varyByOrigin;
    private readonly bool _ownsCorsHeaders;
    private readonly OverrideReports _reports;

    private CorsHeadersAtStart(CompiledPolicy? allowedBy, bool varyByOrigin, bool ownsCorsHeaders, OverrideReports reports)
    {
        _allowedBy = allowedBy;
        _varyByOrigin = varyByOrigin;
        _ownsCorsHeaders = ownsCorsHeaders;
        _reports = reports;
        OnResponseStarting = Apply;
    }

    /// <summary>The callback to register with <see cref="HttpResponse.OnStarting(Func{object, Task}, object)"/>, the context as its state.</summary>
    public Func<object, Task> OnResponseStarting { get; }

    /// <summary>The checks of one app: per outcome, and per policy of the set in force for allowed requests.</summary>
    public sealed class Set
    {
        private readonly OverrideReports _reports;
        private ByPolicy _allowed = new(null, []);

        public Set(ILogger logger, CorsKitStatus status)
        {
            _reports = new OverrideReports(logger, status);
            NotAllowedVaryingByOrigin = new(null, varyByOrigin: true, ownsCorsHeaders: true, _reports);
            NotAllowed = new(null, varyByOrigin: false, ownsCorsHeaders: true, _reports);
            VaryOnly = new(null, varyByOrigin: true, ownsCorsHeaders: false, _reports);
        }

        /// <summary>A request its policy did not allow, or no CORS request at all, whose answer depends on the origin.</summary>
        public CorsHeadersAtStart NotAllowedVaryingByOrigin { get; }

        /// <summary>A request under a policy that allows no origin (a disabled endpoint): the same answer for every origin.</summary>
        public CorsHeadersAtStart NotAllowed { get; }

        /// <summary>A report-only policy's request whose answer the CSRF guard made depend on the origin: Vary only, CORS headers untouched.</summary>
        public CorsHeadersAtStart VaryOnly { get; }

        /// <summary>The check of a request <paramref name="policy"/> of <paramref name="policies"/> allowed; created for the whole set on first use.</summary>
        public CorsHeadersAtStart AllowedBy(CompiledPolicySet policies, CompiledPolicy policy)
        {
            var allowed = Volatile.Read(ref _allowed);
            if (!ReferenceEquals(allowed.Set, policies))
            {
                allowed = new ByPolicy(policies, policies.Policies.Select(p => new CorsHeadersAtStart(p, varyByOrigin: true, ownsCorsHeaders: true, _reports)).ToArray());
                Volatile.Write(ref _allowed, allowed);
            }

            return allowed.Checks[policy.Index];
        }

        private sealed record ByPolicy(CompiledPolicySet? Set, CorsHeadersAtStart[] Checks);
    }

    private Task Apply(object state)
    {
        Apply((HttpContext)state);
        return Task.CompletedTask;
    }

    /// <summary>Puts CorsKit's decision on the response's headers.</summary>
    public void Apply(HttpContext context)
    {
        try
        {
            var headers = context.Response.Headers;
            if (_varyByOrigin)
            {
                VaryHeader.Origin.AddTo(headers);
            }

            if (!_ownsCorsHeaders)
            {
                return;
            }

            // The request's own Origin, which its policy allowed when it decided: nothing is decided again.
            var overridden = _allowedBy is { } policy
                ? EnsureAllowed(headers, policy, context.Request.Headers.Origin)
                : EnsureNone(headers);
            if (overridden)
            {
                _reports.Overridden(context);
            }
        }
#pragma warning disable CA1031 // A failure here must not turn the endpoint's response into a broken one.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            CorsKitLog.ApplyHeadersFailed(_reports.Logger, exception);
        }
    }

    /// <summary>The headers of an allowed request, exactly; true if another value was replaced or removed.</summary>
    private static bool EnsureAllowed(IHeaderDictionary headers, CompiledPolicy policy, StringValues origin)
    {
        var overridden = false;
        var allowOrigin = policy.Origins.AllowsAnyOrigin ? AnyOrigin : origin;
        var existing = headers.AccessControlAllowOrigin;
        if (!Same(existing, allowOrigin))
        {
            headers.AccessControlAllowOrigin = allowOrigin;
            overridden = existing.Count > 0;
        }

        existing = headers.AccessControlAllowCredentials;
        var credentials = policy.AllowCredentials ? True : StringValues.Empty;
        if (!Same(existing, credentials))
        {
            headers.AccessControlAllowCredentials = credentials;
            overridden |= existing.Count > 0;
        }

        existing = headers.AccessControlExposeHeaders;
        if (!Same(existing, policy.ExposeHeadersValue))
        {
            headers.AccessControlExposeHeaders = policy.ExposeHeadersValue;
            overridden |= existing.Count > 0;
        }

        // Cleared (an exception handler, an endpoint that cleared its headers) is put back silently.
        return overridden;
    }

    /// <summary>
    /// No grant at all: without Access-Control-Allow-Origin a browser reads nothing, so the
    /// headers that go with it are only looked for when someone wrote one.
    /// </summary>
    private static bool EnsureNone(IHeaderDictionary headers)
    {
        if (headers.AccessControlAllowOrigin.Count == 0)
        {
            return false;
        }

        headers.Remove(HeaderNames.AccessControlAllowOrigin);
        headers.Remove(HeaderNames.AccessControlAllowCredentials);
        headers.Remove(HeaderNames.AccessControlExposeHeaders);
        return true;
    }

    /// <summary>Whether a header still holds exactly <paramref name="expected"/>: usually the very string written before the endpoint.</summary>
    private static bool Same(StringValues existing, StringValues expected) =>
        existing.Count == expected.Count
        && (existing.Count == 0 || (existing.Count == 1 && (ReferenceEquals(existing[0], expected[0]) || string.Equals(existing[0], expected[0], StringComparison.Ordinal))));

    /// <summary>Logs, once per endpoint, that CorsKit replaced CORS headers another component wrote.</summary>
    private sealed class OverrideReports(ILogger logger, CorsKitStatus status)
    {
        private static readonly Endpoint NoEndpoint = new(null, null, "(no endpoint)");
        private readonly ConditionalWeakTable<Endpoint, object> _reported = new();

        public ILogger Logger => logger;

        public void Overridden(HttpContext context)
        {
            var endpoint = context.GetEndpoint() ?? NoEndpoint;
            if (_reported.TryAdd(endpoint, endpoint))
            {
                var name = endpoint.DisplayName ?? "(unnamed endpoint)";
                CorsKitLog.CorsHeadersOverridden(logger, name);
                status.CorsHeadersOverridden(name);
            }
        }
    }
}
