using CorsKit.Diagnostics;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CorsKit.Hosting.Middleware;

/// <summary>
/// The framework's CORS service as CorsKit leaves it: its middleware (<c>app.UseCors()</c>, left
/// from a migration) still evaluates, but writes no header, so that it can neither answer a
/// preflight in CorsKit's place nor grant an origin CorsKit does not; its first use is logged as
/// an error. Its policies in <c>CorsOptions</c> already stop startup; this catches the rest
/// (inline policies, policy providers). The framework writes its headers only through this
/// service, as the response starts, so that no footprint is left for CorsKit to see on a request.
/// </summary>
internal sealed class FrameworkCorsService(IOptions<CorsOptions> options, ILoggerFactory loggers, PipelineCheck pipeline) : ICorsService
{
    private readonly CorsService _framework = new(options, loggers);
    private readonly ILogger _logger = loggers.CreateLogger<StrictCorsMiddleware>();

    public CorsResult EvaluatePolicy(HttpContext context, CorsPolicy policy)
    {
        pipeline.FrameworkCorsUsed(_logger, context.Request.Path);
        return _framework.EvaluatePolicy(context, policy);
    }

    public void ApplyResult(CorsResult result, HttpResponse response)
    {
        // Nothing is written.
    }
}
