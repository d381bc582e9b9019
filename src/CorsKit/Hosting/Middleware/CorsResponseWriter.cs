using CorsKit.Engine;
using CorsKit.Fetch;
using CorsKit.Policies;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace CorsKit.Hosting.Middleware;

/// <summary>Turns engine decisions into response headers, using the policy's precomputed values.</summary>
internal static class CorsResponseWriter
{
    private static readonly StringValues True = "true";
    private static readonly StringValues AnyOrigin = "*";

    /// <summary>Answers a preflight: 204 with the policy's headers when allowed, 403 with none when not.</summary>
    public static void WritePreflight(HttpResponse response, CompiledPolicy policy, StringValues origin, in CorsDecision decision)
    {
        var headers = response.Headers;
        if (policy.VariesByOrigin)
        {
            VaryHeader.Preflight.AddTo(headers);
        }

        if (!decision.IsAllowed)
        {
            Refuse(response);
            return;
        }

        response.StatusCode = StatusCodes.Status204NoContent;
        headers.AccessControlAllowOrigin = policy.Origins.AllowsAnyOrigin ? AnyOrigin : origin;
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
    }

    /// <summary>
    /// Adds the headers of an allowed actual request before the endpoint runs; the endpoint may
    /// still replace them.
    /// </summary>
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
    public static void WriteBlocked(HttpResponse response)
    {
        VaryHeader.Origin.AddTo(response.Headers);
        Refuse(response);
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
}
