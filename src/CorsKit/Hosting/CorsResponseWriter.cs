using CorsKit.Engine;
using CorsKit.Policies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Hosting;

/// <summary>Turns engine decisions into response headers, using the policy's precomputed values.</summary>
internal static class CorsResponseWriter
{
    private static readonly StringValues True = "true";
    private static readonly StringValues AnyOrigin = "*";

    /// <summary>Answers a preflight: 204 with the policy's headers when allowed, 403 with none when not.</summary>
    public static void WritePreflight(HttpResponse response, CorsPolicy policy, StringValues origin, in CorsDecision decision)
    {
        var headers = response.Headers;
        VaryHeader.Preflight.AddTo(headers);
        if (!decision.IsAllowed)
        {
            response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        response.StatusCode = StatusCodes.Status204NoContent;
        WriteAllowOrigin(headers, policy, origin);
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
    /// Adds the headers of an actual request as the response starts. If the endpoint wrote its own
    /// Access-Control-Allow-Origin, its CORS headers are left as they are.
    /// </summary>
    public static void WriteActual(IHeaderDictionary headers, CorsPolicy policy, StringValues origin, in CorsDecision decision)
    {
        VaryHeader.Origin.AddTo(headers);
        if (decision.IsAllowed && decision.Kind == CorsRequestKind.Actual && headers.AccessControlAllowOrigin.Count == 0)
        {
            WriteAllowOrigin(headers, policy, origin);
            if (policy.ExposeHeadersValue.Count > 0)
            {
                headers.AccessControlExposeHeaders = policy.ExposeHeadersValue;
            }
        }
    }

    /// <summary>Answers a request blocked by the CSRF guard: 403, no Access-Control-* header.</summary>
    public static void WriteBlocked(HttpResponse response)
    {
        VaryHeader.Origin.AddTo(response.Headers);
        response.StatusCode = StatusCodes.Status403Forbidden;
    }

    private static void WriteAllowOrigin(IHeaderDictionary headers, CorsPolicy policy, StringValues origin)
    {
        // The request's own value object is reused: echoing the origin allocates nothing.
        headers.AccessControlAllowOrigin = policy.Origins.AllowsAnyOrigin ? AnyOrigin : origin;
        if (policy.AllowCredentials)
        {
            headers.AccessControlAllowCredentials = True;
        }
    }
}
