using System.Runtime.CompilerServices;
using CorsKit.Hosting.Configuration;
using CorsKit.Origins;
using CorsKit.Policies;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace CorsKit.Hosting.Middleware;

/// <summary>
/// The framework's <see cref="ICorsPolicyProvider"/> answered from CorsKit's compiled policies,
/// read-only and current across reloads, so that whatever asks the framework gets CorsKit's
/// answer: YARP validates a route's <c>CorsPolicy</c> name with it, .NET 11's CSRF protection reads
/// the trusted origins of an endpoint's policy from it. What each CorsKit policy means there:
/// <list type="bullet">
/// <item>listed origins are the policy's origins; subdomain patterns are matched by CorsKit's own
/// matcher (<see cref="CorsPolicy.IsOriginAllowed"/>), never the framework's suffix check;
/// <c>*</c> is any origin; methods, headers, exposed headers, credentials and max-age as configured
/// (GET, HEAD and POST always);</item>
/// <item>a report-only policy grants nothing from CorsKit: the framework's own policy of that name
/// when the app still configures one (a migration), otherwise a policy that allows no origin;</item>
/// <item>no name is CorsKit's default policy; a name CorsKit does not know is the framework's own
/// policy of that name, or none — so a YARP route naming an unknown policy still fails
/// validation, naming it.</item>
/// </list>
/// The framework's middleware still writes no header where CorsKit enforces
/// (<see cref="FrameworkCorsService"/>).
/// </summary>
internal sealed class FrameworkCorsPolicyProvider(CorsPolicyStore store, IOptions<CorsOptions> frameworkOptions) : ICorsPolicyProvider
{
    private static readonly CorsPolicy GrantsNothing = new();

    /// <summary>The framework's view of each compiled set's policies, made once per set.</summary>
    private static readonly ConditionalWeakTable<CompiledPolicy, CorsPolicy> Views = new();

    public Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName)
    {
        var policies = store.Current;
        var compiled = policyName is null ? (policies.Default.IsNone ? null : policies.Default) : policies.Find(policyName);
        var framework = frameworkOptions.Value.GetPolicy(policyName ?? frameworkOptions.Value.DefaultPolicyName);
        var answer = compiled switch
        {
            null => framework,
            { ReportOnly: true } => framework ?? GrantsNothing,
            _ => Views.GetValue(compiled, ViewOf),
        };
        return Task.FromResult(answer);
    }

    private static CorsPolicy ViewOf(CompiledPolicy policy)
    {
        var view = new CorsPolicy
        {
            SupportsCredentials = policy.AllowCredentials,
            PreflightMaxAge = policy.MaxAgeSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        };
        if (policy.Origins.AllowsAnyOrigin)
        {
            view.Origins.Add(CorsConstants.AnyOrigin);
        }
        else
        {
            foreach (var origin in policy.Origins.Listed)
            {
                view.Origins.Add(origin);
            }

            // The framework would read a pattern as a literal (or match suffixes its own way): CorsKit's matcher decides.
            view.IsOriginAllowed = origin => policy.Origins.Match(origin) == OriginVerdict.Allowed;
        }

        Add(view.Methods, policy.Methods.ContainsWildcard ? [CorsConstants.AnyOrigin] : ["GET", "HEAD", "POST", .. policy.Methods.Names]);
        Add(view.Headers, policy.Headers.ContainsWildcard ? [CorsConstants.AnyOrigin] : policy.Headers.Names);
        Add(view.ExposedHeaders, policy.ExposedHeaders);
        return view;
    }

    private static void Add(IList<string> list, IEnumerable<string> values)
    {
        foreach (var value in values.Distinct(StringComparer.Ordinal))
        {
            list.Add(value);
        }
    }
}
