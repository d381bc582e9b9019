using CorsKit.Diagnostics;
using CorsKit.Hosting.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CorsKit.Hosting.Endpoints;

/// <summary>
/// Runs when the request pipeline is built, before the server accepts requests: every endpoint's
/// CORS metadata must name an existing policy, and CorsKit must run after routing if any endpoint
/// relies on metadata. Any problem stops the app from starting.
/// </summary>
internal static class StartupEndpointCheck
{
    public static void Run(IReadOnlyList<Endpoint> endpoints, CorsPolicyStore store, bool routingRunsAfterCorsKit, ILogger logger)
    {
        var errors = EndpointPolicyValidator.Validate(endpoints, store.Current, store.RootPath);
        if (routingRunsAfterCorsKit)
        {
            var relying = endpoints.FirstOrDefault(e =>
                EndpointPolicies.MetadataOf(e) is not null || e.Metadata.GetMetadata<AllowCrossOriginFormPostsAttribute>() is not null);
            if (relying is not null)
            {
                errors.Add($"app.UseStrictCors() runs before app.UseRouting(), so it cannot see endpoint metadata such as that of '{relying.DisplayName}'. "
                    + "Call app.UseRouting() before app.UseStrictCors(), or drop the explicit UseRouting() call (WebApplication then routes first).");
            }
            else
            {
                CorsKitLog.RunsBeforeRouting(logger);
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException(
                $"CorsKit cannot start ({errors.Count} problem(s) with endpoint CORS metadata):{string.Concat(errors.Select(e => $"{Environment.NewLine}  - {e}"))}");
        }

        store.RequirePolicies(EndpointPolicyValidator.PoliciesInUse(endpoints));
    }
}
