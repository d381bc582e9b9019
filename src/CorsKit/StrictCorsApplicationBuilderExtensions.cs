using CorsKit.Diagnostics;
using CorsKit.Hosting.Configuration;
using CorsKit.Hosting.Endpoints;
using CorsKit.Hosting.Middleware;
using CorsKit.Hosting.Stores;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds CorsKit's middleware to the request pipeline.</summary>
public static class StrictCorsApplicationBuilderExtensions
{
    /// <summary>Set by <c>UseRouting()</c> on the builder it is called on.</summary>
    private const string EndpointRouteBuilderKey = "__EndpointRouteBuilder";

    /// <summary>
    /// Applies CorsKit's policies: answers preflights, adds CORS and Vary headers, and blocks
    /// unsafe requests from disallowed origins before they reach an endpoint. Place it after
    /// routing (implicit with <c>WebApplication</c>), before authentication and the endpoints,
    /// and behind a reverse proxy after <c>UseForwardedHeaders()</c>. When the pipeline is built,
    /// the policies endpoints name are checked; an unknown name stops the app from starting.
    /// </summary>
    /// <param name="app">The application builder.</param>
    /// <returns>The application builder.</returns>
    public static IApplicationBuilder UseStrictCors(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var store = app.ApplicationServices.GetService<CorsPolicyStore>()
            ?? throw new InvalidOperationException("UseStrictCors() requires builder.Services.AddStrictCors() to be called first.");
        var pipeline = app.ApplicationServices.GetRequiredService<PipelineCheck>();
        pipeline.UseStrictCorsCalled(app);
        var logger = app.ApplicationServices.GetRequiredService<ILogger<StrictCorsMiddleware>>();
        var metrics = app.ApplicationServices.GetRequiredService<CorsKitMetrics>();
        var explainDenials = app.ApplicationServices.GetService<IHostEnvironment>()?.IsDevelopment() == true;
        var routingBefore = app.Properties.ContainsKey(EndpointRouteBuilderKey);
        return app.Use(next =>
        {
            // The pipeline is being built, from its last middleware to its first: every UseX() call
            // has been made and endpoints are known.
            pipeline.CorsKitBuilt();
            var endpoints = app.ApplicationServices.GetService<EndpointDataSource>();
            var routingAfter = !routingBefore && app.Properties.ContainsKey(EndpointRouteBuilderKey);
            // Report-only mode is the one way to run next to the framework's CORS: during a migration.
            var frameworkPolicies = store.Current.EnforcesNothing ? [] : PipelineCheck.FrameworkCorsPolicies(app.ApplicationServices);
            var pipelineErrors = new List<string>();
            if (frameworkPolicies.Count > 0)
            {
                pipelineErrors.Add(
                    $"The framework's CORS is configured next to CorsKit: services.AddCors(...) defines {string.Join(", ", frameworkPolicies)}. "
                    + "Whichever of app.UseCors() and app.UseStrictCors() runs first answers every preflight, so either CorsKit's checks are bypassed or the framework's origins get access CorsKit does not grant. "
                    + $"Remove services.AddCors(...) and app.UseCors(), and move the policies to {store.RootPath}:Policies, one object per policy name: WithOrigins(...) becomes \"Origins\", "
                    + "WithMethods \"Methods\", WithHeaders \"Headers\", WithExposedHeaders \"ExposedHeaders\", AllowCredentials() \"AllowCredentials\": true, SetPreflightMaxAge \"MaxAgeSeconds\"; "
                    + $"name the default policy in {store.RootPath}:DefaultPolicy.");
            }

            // Also in report-only mode: its reports would describe policies that endpoints do not have.
            if (PipelineCheck.LegacyRoutingProblem(app.ApplicationServices) is { } legacyRouting)
            {
                pipelineErrors.Add(legacyRouting);
            }

            StartupEndpointCheck.Run(endpoints?.Endpoints ?? [], store, routingAfter, pipelineErrors, logger);
            var callbacks = RemoteAuthenticationCallbacks.Discover(app.ApplicationServices, logger);
            var inventory = new EndpointInventory();
            inventory.Update(endpoints?.Endpoints ?? []);
            inventory.Log(logger, callbacks.Paths);
            if (endpoints is not null)
            {
                StartupEndpointCheck.Watch(endpoints, store, inventory, () => inventory.Log(logger, callbacks.Paths), logger);
            }

            var reports = new ReportOnlyLog(logger, app.ApplicationServices.GetService<TimeProvider>() ?? TimeProvider.System);
            return new StrictCorsMiddleware(
                next,
                store,
                app.ApplicationServices.GetRequiredService<OriginStoreCache>(),
                callbacks,
                inventory,
                new DecisionRecorder(metrics, reports, logger),
                new CorsResponseWriter(
                    callbacks,
                    pipeline,
                    app.ApplicationServices.GetRequiredService<ResponseCachingInPipeline>(),
                    app.ApplicationServices.GetRequiredService<CorsKitStatus>(),
                    explainDenials,
                    store.RootPath,
                    logger)).InvokeAsync;
        });
    }
}
