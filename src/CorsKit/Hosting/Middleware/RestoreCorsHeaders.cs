using CorsKit.Diagnostics;
using CorsKit.Engine;
using CorsKit.Policies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CorsKit.Hosting.Middleware;

/// <summary>
/// The response-start callback of requests a policy allowed: adds Vary: Origin, and puts that
/// policy's CORS headers back if something (typically an exception handler, which also clears
/// the endpoint) removed them. One instance per compiled policy: it restores headers with the
/// policy that decided, whatever endpoint or configuration is current when the response starts.
/// </summary>
internal sealed class RestoreCorsHeaders(CompiledPolicy policy, ILogger logger)
{
    public Task OnResponseStarting(object state)
    {
        var context = (HttpContext)state;
        try
        {
            var headers = context.Response.Headers;
            VaryHeader.Origin.AddTo(headers);
            var origin = context.Request.Headers.Origin;
            if (headers.AccessControlAllowOrigin.Count == 0 && CorsEngine.EvaluateActual(policy, origin).IsAllowed)
            {
                CorsResponseWriter.RestoreAllowed(headers, policy, origin);
            }
        }
#pragma warning disable CA1031 // A failure here must not turn the endpoint's response into a broken one.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            CorsKitLog.ApplyHeadersFailed(logger, exception);
        }

        return Task.CompletedTask;
    }
}
