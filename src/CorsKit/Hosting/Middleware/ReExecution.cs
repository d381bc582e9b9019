using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace CorsKit.Hosting.Middleware;

/// <summary>
/// Tells a request that an exception handler or status-code pages run through the pipeline a
/// second time. Both set their feature before re-executing, with an error status already set, so
/// callers look only when the status is 400 or more and ordinary requests pay nothing.
/// </summary>
internal static class ReExecution
{
    public static bool IsReExecuted(HttpContext context) =>
        context.Features.Get<IExceptionHandlerFeature>() is not null
        || context.Features.Get<IStatusCodeReExecuteFeature>() is not null;
}
