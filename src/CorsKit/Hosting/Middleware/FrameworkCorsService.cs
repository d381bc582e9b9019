using CorsKit.Hosting.Configuration;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CorsKit.Hosting.Middleware;

/// <summary>
/// The framework's CORS service as CorsKit leaves it: its middleware (<c>app.UseCors()</c>, left
/// from a migration) still evaluates, but writes no header, so that it can neither answer a
/// preflight in CorsKit's place nor grant an origin CorsKit does not; its first use is logged as
/// an error. In report-only mode, the one way to run both during a migration, it works as
/// without CorsKit, logged once as such. Its policies in <c>CorsOptions</c> already stop startup; this catches the rest
/// (inline policies, policy providers). The framework writes its headers only through this
/// service, as the response starts, so that no footprint is left for CorsKit to see on a request.
/// </summary>
internal sealed class FrameworkCorsService : ICorsService
{
    private readonly CorsService _framework;
    private readonly ILogger _logger;
    private readonly PipelineCheck _pipeline;
    private readonly CorsPolicyStore _store;

    public FrameworkCorsService(IOptions<CorsOptions> options, ILoggerFactory loggers, PipelineCheck pipeline, CorsPolicyStore store)
    {
        _framework = new CorsService(options, loggers);
        _logger = loggers.CreateLogger<StrictCorsMiddleware>();
        _pipeline = pipeline;
        _store = store;

        // Created for the framework's middleware when the pipeline is built.
        pipeline.FrameworkCorsPresent = true;
    }

    public CorsResult EvaluatePolicy(HttpContext context, CorsPolicy policy)
    {
        _pipeline.FrameworkCorsUsed(_logger, context.Request.Path, _store.Current.EnforcesNothing);
        return _framework.EvaluatePolicy(context, policy);
    }

    public void ApplyResult(CorsResult result, HttpResponse response)
    {
        // While CorsKit only reports (a migration), the framework's answers stand; otherwise nothing is written.
        if (_store.Current.EnforcesNothing)
        {
            _framework.ApplyResult(result, response);
        }
    }
}
