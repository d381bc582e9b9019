using CorsKit.Origins;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CorsKit.Diagnostics;

/// <summary>
/// CorsKit's health, for the framework's health checks: Degraded when the last configuration
/// reload was refused (the last good policies serve, not the configuration on disk), when the
/// embedded Public Suffix List is more than 180 days old, or when CorsKit replaced CORS headers
/// another component wrote (an endpoint, a filter or a proxied backend still sends its own), or
/// while a policy's origin store fails (its keys are denied unless a last good list serves);
/// Healthy otherwise. Its data names what is wrong. It never reports Unhealthy: CorsKit keeps
/// serving its last good policies in every one of these cases.
/// </summary>
internal sealed class CorsKitHealthCheck(CorsKitStatus status, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var problems = new List<string>();
        if (status.LastRefusedReload is { } refused)
        {
            data["reload_refused_at"] = refused.At;
            data["reload_refused_errors"] = refused.Errors;
            problems.Add($"the last configuration reload was refused ({refused.Errors.Count} error(s)); the last good policies are in force");
        }

        if (PublicSuffixListSnapshot.Current.StalenessWarning(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)) is { } stale)
        {
            data["public_suffix_list_date"] = PublicSuffixListSnapshot.Current.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            problems.Add(stale);
        }

        if (status.OverriddenEndpoints is { Count: > 0 } overridden)
        {
            data["cors_headers_overridden_on"] = overridden;
            problems.Add($"CorsKit replaced CORS headers another component wrote on {overridden.Count} endpoint(s): {string.Join(", ", overridden)}");
        }

        if (status.OriginStoresFailing is { Count: > 0 } failing)
        {
            data["origin_store_failing_since"] = failing;
            problems.Add($"the origin store is failing for {string.Join(", ", failing.Keys.Select(p => $"policy '{p}'"))}: those keys' origins are denied unless a last good list serves");
        }

        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy("CorsKit's policies in force are the configuration's.", data)
            : HealthCheckResult.Degraded(string.Join("; ", problems) + ".", data: data));
    }
}
