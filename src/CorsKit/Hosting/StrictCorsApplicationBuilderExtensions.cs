using CorsKit.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds CorsKit's middleware to the request pipeline.</summary>
public static class StrictCorsApplicationBuilderExtensions
{
    /// <summary>
    /// Applies CorsKit's policies: answers preflights, adds CORS and Vary headers, and blocks
    /// unsafe requests from disallowed origins before they reach an endpoint. Place it before
    /// the endpoints and, behind a reverse proxy, after <c>UseForwardedHeaders()</c>.
    /// </summary>
    /// <param name="app">The application builder.</param>
    /// <returns>The application builder.</returns>
    public static IApplicationBuilder UseStrictCors(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var store = app.ApplicationServices.GetService<CorsPolicyStore>()
            ?? throw new InvalidOperationException("UseStrictCors() requires builder.Services.AddStrictCors() to be called first.");
        var logger = app.ApplicationServices.GetRequiredService<ILogger<StrictCorsMiddleware>>();
        return app.Use(next => new StrictCorsMiddleware(next, store, logger).InvokeAsync);
    }
}
