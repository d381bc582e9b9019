using CorsKit.Hosting.Configuration;
using CorsKit.Hosting.Endpoints;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CorsKit.Hosting.Middleware;

/// <summary>
/// The framework's CORS service as CorsKit leaves it: its middleware (<c>app.UseCors()</c>, left
/// from a migration) still evaluates, but writes no header where CorsKit enforces, so that it can
/// neither answer a preflight in CorsKit's place nor grant an origin CorsKit does not. Under a
/// report-only policy, the one way to run both during a migration, its answers stand as without
/// CorsKit. Its presence is logged once when the pipeline is built (an error unless CorsKit
/// enforces nothing). Its policies in <c>CorsOptions</c> already stop startup; this catches the
/// rest (inline policies, policy providers). The framework writes its headers only through this
/// service, as the response starts, so that no footprint is left for CorsKit to see on a request.
/// </summary>
internal sealed class FrameworkCorsService : ICorsService
{
    private readonly CorsService _framework;
    private readonly CorsPolicyStore _store;

    public FrameworkCorsService(IOptions<CorsOptions> options, ILoggerFactory loggers, PipelineCheck pipeline, CorsPolicyStore store)
    {
        _framework = new CorsService(options, loggers);
        _store = store;

        // Created for the framework's middleware when the pipeline is built.
        pipeline.FrameworkCorsInPipeline(loggers.CreateLogger<StrictCorsMiddleware>(), store.CurrentOrNull?.EnforcesNothing == true);
    }

    public CorsResult EvaluatePolicy(HttpContext context, CorsPolicy policy) => _framework.EvaluatePolicy(context, policy);

    public void ApplyResult(CorsResult result, HttpResponse response)
    {
        // Where CorsKit only reports (a migration), the framework's answers stand; where it enforces, nothing is written.
        var endpoint = response.HttpContext.GetEndpoint();
        if (EndpointPolicies.Resolve(_store.Current, EndpointPolicies.MetadataOf(endpoint)).ReportOnly)
        {
            _framework.ApplyResult(result, response);
        }
    }
}
