using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using CorsKit.Diagnostics;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CorsKit.Hosting.Middleware;

/// <summary>
/// Stops an app whose pipeline is assembled so that CorsKit cannot protect it: registered but
/// never used, placed after authentication or authorization, next to the framework's CORS
/// with policies of its own, or with MVC's legacy routing, which hides controllers' metadata. <c>UseStrictCors()</c> reports its call here; as a startup filter,
/// this checks, once the app's pipeline is assembled and before the server starts, that it came.
/// </summary>
internal sealed class PipelineCheck : IStartupFilter
{
    /// <summary>Set by <c>UseAuthentication()</c> and <c>UseAuthorization()</c> on the builder they are called on.</summary>
    private static readonly string[] AuthMarkers = ["__AuthenticationMiddlewareSet", "__AuthorizationMiddlewareSet"];

    private const string WriteInstead = "Write them in this order: app.UseStrictCors(); app.UseAuthentication(); app.UseAuthorization(); then the endpoints (app.MapControllers(), app.MapGet(...)).";

    private IApplicationBuilder? _usedOn;
    private int _frameworkCorsReported;
    private bool _corsKitBuilt;
    private bool _started;

    /// <param name="lifetime">Tells when the app has started: from then on, nothing is being built.</param>
    public PipelineCheck(Microsoft.Extensions.Hosting.IHostApplicationLifetime? lifetime = null) =>
        lifetime?.ApplicationStarted.Register(() => _started = true);

    /// <summary>
    /// Called when CorsKit's middleware is built. A pipeline is built from its last middleware to
    /// its first, so a CORS middleware built after this one runs before it.
    /// </summary>
    public void CorsKitBuilt() => _corsKitBuilt = true;

    /// <summary>
    /// Called by <c>UseStrictCors()</c>: fails at once if authentication or authorization was
    /// added to the same pipeline before.
    /// </summary>
    public void UseStrictCorsCalled(IApplicationBuilder app)
    {
        var before = AuthMarkers.Where(app.Properties.ContainsKey).ToList();
        if (before.Count > 0)
        {
            throw new InvalidOperationException(
                $"app.UseStrictCors() is called after {Describe(before)}: their answers to cross-origin requests (a 401 or 403, a login redirect) would go out without "
                + $"CORS headers, so the page sees a CORS error instead of the status, and preflights to protected endpoints would be refused. {WriteInstead}");
        }

        _usedOn ??= app;
    }

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        // With WebApplication the app's own middlewares are on a builder of their own, already
        // assembled when this runs; the builder here is the host's, which wraps it.
        var appBuilder = _usedOn;
        var authenticationCalled = appBuilder?.Properties.ContainsKey(AuthMarkers[0]) == true;
        var authorizationCalled = appBuilder?.Properties.ContainsKey(AuthMarkers[1]) == true;
        next(app);
        if (_usedOn is null)
        {
            throw new InvalidOperationException(
                "CorsKit is registered (services.AddStrictCors()) but app.UseStrictCors() is never called: no response gets CORS headers and the CSRF guard is off. "
                + "Add app.UseStrictCors() after routing (with WebApplication, routing comes first by itself) and before app.UseAuthentication(), app.UseAuthorization() and the endpoints: "
                + "in a webapi template's Program.cs, right after app.UseHttpsRedirection();.");
        }

        if (appBuilder is not null && !ReferenceEquals(appBuilder, app)
            && !authenticationCalled && appBuilder.Properties.ContainsKey(AuthMarkers[0])
            && RequestHandlingScheme(app.ApplicationServices) is { } scheme)
        {
            // Likewise UseAuthentication(), when authentication is registered: harmless while it
            // only reads who the user is, not when a scheme answers requests itself (an OpenID
            // Connect callback, OpenIddict's endpoints): those answers would go out before CorsKit.
            throw new InvalidOperationException(
                $"WebApplication adds app.UseAuthentication() ahead of app.UseStrictCors(), because the app does not call it, and authentication scheme '{scheme}' answers requests itself: "
                + $"its answers to cross-origin requests would go out without CORS headers and its cross-origin POSTs would never meet the CSRF guard. Call it yourself, after CorsKit. {WriteInstead}");
        }

        if (appBuilder is not null && !ReferenceEquals(appBuilder, app)
            && !authorizationCalled && appBuilder.Properties.ContainsKey(AuthMarkers[1])
            && app.ApplicationServices.GetService<EndpointDataSource>()?.Endpoints.FirstOrDefault(RequiresAuthorization) is { } protectedEndpoint)
        {
            // WebApplication adds UseAuthorization() itself, ahead of the app's middlewares, when
            // authorization services are registered (MVC registers them) and the app does not call
            // it. That matters once an endpoint requires authorization: its 401s and 403s, and the
            // refused preflights, go out before CorsKit runs.
            throw new InvalidOperationException(
                $"WebApplication adds app.UseAuthorization() ahead of app.UseStrictCors(), because the app does not call it, and endpoint '{protectedEndpoint.DisplayName}' requires authorization: "
                + $"its answers to cross-origin requests would go out without CORS headers. Call it yourself, after CorsKit. {WriteInstead}");
        }
    };

    /// <summary>
    /// The policies configured for the framework's CORS middleware, which would answer preflights
    /// and grant origins next to CorsKit, as the app wrote them: <c>the policy 'legacy'</c>, or <c>the default
    /// policy (AddDefaultPolicy)</c> for the one the framework keeps under an internal name
    /// (<c>__DefaultCorsPolicy</c>). MVC registers the framework's CORS services on its own, so only
    /// configured policies tell that an app uses it.
    /// </summary>
    public static IReadOnlyList<string> FrameworkCorsPolicies(IServiceProvider services)
    {
        if (services.GetService<IOptions<CorsOptions>>()?.Value is not { } options)
        {
            return [];
        }

        // The framework lists its policies only in an internal dictionary; its default policy is
        // found through the public API whatever happens to that.
        var names = typeof(CorsOptions).GetProperty("PolicyMap", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(options) is IDictionary map
            ? map.Keys.Cast<string>().ToList()
            : [];
        if (names.Count == 0 && options.GetPolicy(options.DefaultPolicyName) is not null)
        {
            names.Add(options.DefaultPolicyName);
        }

        return [.. names.Select(name => name == options.DefaultPolicyName ? "the default policy (AddDefaultPolicy)" : $"the policy '{name}'")];
    }

    /// <summary>
    /// The problem with MVC's legacy routing, or null. With <c>MvcOptions.EnableEndpointRouting = false</c>
    /// (which <c>app.UseMvc()</c> requires), controllers and Razor Pages are routed inside MVC's own
    /// middleware and are not endpoints: CorsKit sees none of their metadata (<c>[DisableCors]</c>,
    /// <c>[StrictCors("x")]</c>, <c>[AllowCrossOriginFormPosts]</c>…) and would give every action the
    /// default policy. <c>UseMvc()</c> leaves no mark on the application builder, so the option
    /// decides: legacy routing is refused whenever it is on, whatever metadata the actions carry
    /// (none could be checked).
    /// </summary>
    /// <remarks>
    /// MVC registers its services with its own code, so an app that uses MVC has loaded it by now;
    /// an app without MVC does not load MVC's assemblies for this check. (Native AOT compiles every
    /// type in: there is nothing to load, and the check runs.)
    /// </remarks>
    public static string? LegacyRoutingProblem(IServiceProvider services) =>
        !RuntimeFeature.IsDynamicCodeSupported || AppDomain.CurrentDomain.GetAssemblies().Any(IsMvcCore) ? MvcLegacyRoutingProblem(services) : null;

    private static bool IsMvcCore(Assembly assembly) => string.Equals(assembly.GetName().Name, "Microsoft.AspNetCore.Mvc.Core", StringComparison.Ordinal);

    /// <summary>The check itself, in a method of its own: compiling it loads MVC's assemblies.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string? MvcLegacyRoutingProblem(IServiceProvider services)
    {
        var mvcRegistered = services.GetService<IServiceProviderIsService>() is { } isService
            ? isService.IsService(typeof(IActionDescriptorCollectionProvider))
            : services.GetService<IActionDescriptorCollectionProvider>() is not null;
        if (!mvcRegistered || services.GetService<IOptions<MvcOptions>>()?.Value.EnableEndpointRouting != false)
        {
            return null;
        }

        return "MVC's legacy routing is on (MvcOptions.EnableEndpointRouting = false, for app.UseMvc()): controllers and Razor Pages are then not endpoints, "
            + "so CorsKit cannot see their CORS metadata ([DisableCors], [EnableCors(\"x\")], [StrictCors(\"x\")], [DisableStrictCors], [AllowCrossOriginFormPosts]) "
            + "and every action would get the default policy. Use endpoint routing: remove EnableEndpointRouting = false and replace app.UseMvc() by app.MapControllers() "
            + "(app.UseMvcWithDefaultRoute() by app.MapDefaultControllerRoute(), routes of UseMvc(routes => ...) by app.MapControllerRoute(...), and add app.MapRazorPages() for Razor Pages).";
    }

    /// <summary>Whether the framework's CORS middleware is in the app's pipeline (it was given its service), in any branch.</summary>
    public bool FrameworkCorsPresent { get; private set; }

    /// <summary>
    /// Records that the framework's CORS middleware is in the pipeline (its service is created
    /// when the pipeline is built) and logs it once per app: an error, or expected when CorsKit
    /// enforces nothing (a migration in report-only mode).
    /// </summary>
    public void FrameworkCorsInPipeline(ILogger logger, bool corsKitEnforcesNothing)
    {
        if (_corsKitBuilt && !_started)
        {
            throw new InvalidOperationException(
                "app.UseCors() runs before app.UseStrictCors(): the framework's CORS middleware would answer every preflight first (where CorsKit enforces, with an empty 204 "
                + "that grants nothing, so the pages' real preflights fail), and in report-only mode CorsKit would never see them. Remove app.UseCors() and services.AddCors(...); "
                + "during a migration in report-only mode, call app.UseCors() after app.UseStrictCors().");
        }

        FrameworkCorsPresent = true;
        if (Interlocked.Exchange(ref _frameworkCorsReported, 1) == 0)
        {
            if (corsKitEnforcesNothing)
            {
                CorsKitLog.FrameworkCorsNextToReportOnly(logger);
            }
            else
            {
                CorsKitLog.FrameworkCorsUsed(logger);
            }
        }
    }

    /// <summary>The first authentication scheme whose handler answers requests (<see cref="IAuthenticationRequestHandler"/>), or null.</summary>
    private static string? RequestHandlingScheme(IServiceProvider services) =>
        services.GetService<IAuthenticationSchemeProvider>()?.GetRequestHandlerSchemesAsync().GetAwaiter().GetResult().FirstOrDefault()?.Name;

    private static bool RequiresAuthorization(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IAuthorizeData>() is not null || endpoint.Metadata.GetMetadata<AuthorizationPolicy>() is not null;

    private static string Describe(List<string> markers) => string.Join(" and ", markers.Select(m => m == AuthMarkers[0] ? "app.UseAuthentication()" : "app.UseAuthorization()"));
}
