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
    private readonly VaryHeader? _vary;
    private readonly bool _ownsCorsHeaders;
    private readonly OverrideReports _reports;

    private CorsHeadersAtStart(CompiledPolicy? allowedBy, VaryHeader? vary, bool ownsCorsHeaders, OverrideReports reports)
    {
        _allowedBy = allowedBy;
        _vary = vary;
        _ownsCorsHeaders = ownsCorsHeaders;
        _reports = reports;
        OnResponseStarting = Apply;
    }

    /// <summary>The callback to register with <see cref="HttpResponse.OnStarting(Func{object, Task}, object)"/>, the context as its state.</summary>
    public Func<object, Task> OnResponseStarting { get; }

    /// <summary>
    /// The checks of one app: per outcome, and per policy of the set in force where the policy
    /// needs its own (allowed requests; a policy whose origins come from a store keyed by a header,
    /// whose answers also vary by that header).
    /// </summary>
    public sealed class Set
    {
        private readonly OverrideReports _reports;
        private ByPolicy _byPolicy = new(null, [], [], [], [], []);

        public Set(ILogger logger, CorsKitStatus status)
        {
            _reports = new OverrideReports(logger, status);
            NotAllowedVaryingByOrigin = new(null, VaryHeader.Origin, ownsCorsHeaders: true, _reports);
            NotAllowed = new(null, vary: null, ownsCorsHeaders: true, _reports);
            VaryOnly = new(null, VaryHeader.Origin, ownsCorsHeaders: false, _reports);
        }

        /// <summary>A request its policy did not allow, or no CORS request at all, whose answer depends on the origin.</summary>
        public CorsHeadersAtStart NotAllowedVaryingByOrigin { get; }

        /// <summary>A request under a policy that allows no origin (a disabled endpoint): the same answer for every origin.</summary>
        public CorsHeadersAtStart NotAllowed { get; }

        /// <summary>A report-only policy's request whose answer the CSRF guard made depend on the origin: Vary only, CORS headers untouched.</summary>
        public CorsHeadersAtStart VaryOnly { get; }

        /// <summary>The check of a request <paramref name="policy"/> of <paramref name="policies"/> allowed.</summary>
        public CorsHeadersAtStart AllowedBy(CompiledPolicySet policies, CompiledPolicy policy) => For(policies).Allowed[policy.Index];

        /// <summary><see cref="NotAllowedVaryingByOrigin"/>, with the key header of a policy that has one.</summary>
        public CorsHeadersAtStart NotAllowedVaryingFor(CompiledPolicySet policies, CompiledPolicy policy) =>
            VariesByKeyHeader(policy) ? For(policies).NotAllowedVarying[policy.Index] : NotAllowedVaryingByOrigin;

        /// <summary><see cref="VaryOnly"/>, with the key header of a policy that has one.</summary>
        public CorsHeadersAtStart VaryOnlyFor(CompiledPolicySet policies, CompiledPolicy policy) =>
            VariesByKeyHeader(policy) ? For(policies).VaryOnly[policy.Index] : VaryOnly;

        /// <summary>The <c>Vary</c> of an answer that depends on the origin under <paramref name="policy"/>.</summary>
        public VaryHeader VaryOf(CompiledPolicySet policies, CompiledPolicy policy) =>
            VariesByKeyHeader(policy) ? For(policies).Vary[policy.Index] : VaryHeader.Origin;

        /// <summary>The <c>Vary</c> of a preflight's answer under <paramref name="policy"/>.</summary>
        public VaryHeader PreflightVaryOf(CompiledPolicySet policies, CompiledPolicy policy) =>
            VariesByKeyHeader(policy) ? For(policies).PreflightVary[policy.Index] : VaryHeader.Preflight;

        private static bool VariesByKeyHeader(CompiledPolicy policy) => policy.OriginStore is { KeySource: OriginStoreKeySource.Header };

        /// <summary>The per-policy checks of <paramref name="policies"/>, created for the whole set on first use.</summary>
        private ByPolicy For(CompiledPolicySet policies)
        {
            var byPolicy = Volatile.Read(ref _byPolicy);
            if (!ReferenceEquals(byPolicy.Set, policies))
            {
                byPolicy = Build(policies);
                Volatile.Write(ref _byPolicy, byPolicy);
            }

            return byPolicy;
        }

        private ByPolicy Build(CompiledPolicySet policies)
        {
            var all = policies.Policies;
            var vary = all.Select(p => VariesByKeyHeader(p) ? VaryHeader.Origin.With(p.OriginStore!.KeyName) : VaryHeader.Origin).ToArray();
            return new ByPolicy(
                policies,
                all.Select((p, i) => new CorsHeadersAtStart(p, vary[i], ownsCorsHeaders: true, _reports)).ToArray(),
                all.Select((p, i) => VariesByKeyHeader(p) ? new CorsHeadersAtStart(null, vary[i], ownsCorsHeaders: true, _reports) : NotAllowedVaryingByOrigin).ToArray(),
                all.Select((p, i) => VariesByKeyHeader(p) ? new CorsHeadersAtStart(null, vary[i], ownsCorsHeaders: false, _reports) : VaryOnly).ToArray(),
                vary,
                all.Select(p => VariesByKeyHeader(p) ? VaryHeader.Preflight.With(p.OriginStore!.KeyName) : VaryHeader.Preflight).ToArray());
        }

        private sealed record ByPolicy(
            CompiledPolicySet? Set, CorsHeadersAtStart[] Allowed, CorsHeadersAtStart[] NotAllowedVarying, CorsHeadersAtStart[] VaryOnly, VaryHeader[] Vary, VaryHeader[] PreflightVary);
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
            _vary?.AddTo(headers);

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
