using CorsKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CorsKit.Benchmarks;

/// <summary>
/// The two middlewares as an app gets them, with equivalent policies: CorsKit through
/// <c>AddStrictCors</c>/<c>UseStrictCors</c>, the framework through <c>AddCors</c>/<c>UseCors("web")</c>,
/// each in front of an endpoint that does nothing.
/// </summary>
internal sealed class Pipeline : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly RequestDelegate _app;

    private Pipeline(ServiceProvider services, Action<IApplicationBuilder> useCors, HeaderStore store)
    {
        _services = services;
        var builder = new ApplicationBuilder(services);
        useCors(builder);
        builder.Run(_ => Task.CompletedTask);
        _app = builder.Build();
        Http = new ReusableHttpContext(services, store);
    }

    public ReusableHttpContext Http { get; }

    /// <summary>
    /// CorsKit with a credentialed policy over <paramref name="origins"/> (exact origins and/or
    /// patterns); <paramref name="mode"/> sets the section's mode.
    /// </summary>
    public static Pipeline CorsKit(IEnumerable<string> origins, HeaderStore store = HeaderStore.HeaderDictionary, StrictCorsMode mode = StrictCorsMode.Enforce)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddStrictCors(o => o.AddDefaultPolicy("web", p => p
                .WithOrigins([.. origins])
                .WithMethods("PUT", "DELETE")
                .WithHeaders("Content-Type", "Authorization")
                .WithExposedHeaders("X-Request-Id")
                .AllowCredentials()
                .WithMaxAge(TimeSpan.FromMinutes(10))).Mode = mode)
            .BuildServiceProvider();
        return new Pipeline(services, app => app.UseStrictCors(), store);
    }

    /// <summary>The framework's middleware with the same policy (patterns through SetIsOriginAllowedToAllowWildcardSubdomains).</summary>
    public static Pipeline Framework(IEnumerable<string> origins, HeaderStore store = HeaderStore.HeaderDictionary)
    {
        var list = origins.ToArray();
        var services = new ServiceCollection()
            .AddLogging()
            .AddCors(o => o.AddPolicy("web", p =>
            {
                p.WithOrigins(list)
                    .WithMethods("PUT", "DELETE")
                    .WithHeaders("Content-Type", "Authorization")
                    .WithExposedHeaders("X-Request-Id")
                    .AllowCredentials()
                    .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
                if (list.Any(o => o.Contains('*', StringComparison.Ordinal)))
                {
                    p.SetIsOriginAllowedToAllowWildcardSubdomains();
                }
            }))
            .BuildServiceProvider();
        return new Pipeline(services, app => app.UseCors("web"), store);
    }

    /// <summary>A pipeline of <paramref name="useCors"/> in front of the same empty endpoint.</summary>
    public static Pipeline Custom(ServiceProvider services, Action<IApplicationBuilder> useCors, HeaderStore store) => new(services, useCors, store);

    /// <summary>Sends the current request once and returns the status, so the work cannot be optimized away.</summary>
    public int Send()
    {
        Http.Send(_app);
        return Http.StatusCode;
    }

    public void Dispose() => _services.Dispose();
}

/// <summary>The requests the benchmarks send.</summary>
internal static class Requests
{
    public const string Allowed = "https://app.example.com";
    public const string Disallowed = "https://evil.example";

    public static void Preflight(ReusableHttpContext http, string origin) =>
        http.WithRequest("OPTIONS", ("Origin", origin), ("Access-Control-Request-Method", "PUT"), ("Access-Control-Request-Headers", "content-type,authorization"));

    public static void Get(ReusableHttpContext http, string origin) => http.WithRequest("GET", ("Origin", origin));

    public static void GetWithoutOrigin(ReusableHttpContext http) => http.WithRequest("GET");
}
