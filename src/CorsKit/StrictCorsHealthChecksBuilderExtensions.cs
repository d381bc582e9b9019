using CorsKit.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>CorsKit's health check for the framework's health checks.</summary>
public static class StrictCorsHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds CorsKit's health check (<c>builder.Services.AddHealthChecks().AddStrictCors()</c>):
    /// Degraded when the last configuration reload was refused, when the embedded Public Suffix
    /// List is more than 180 days old, or when CorsKit replaced CORS headers another component
    /// wrote; Healthy otherwise. Its data names what is wrong. Requires <c>AddStrictCors()</c>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="tags">Tags to filter checks by (for example, to expose it on a readiness endpoint only).</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddStrictCors(this IHealthChecksBuilder builder, string name = "corskit", IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<CorsKitHealthCheck>();
        return builder.Add(new HealthCheckRegistration(
            name, services => services.GetRequiredService<CorsKitHealthCheck>(), failureStatus: HealthStatus.Degraded, tags));
    }
}
