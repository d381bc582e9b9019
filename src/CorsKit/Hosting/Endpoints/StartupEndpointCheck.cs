using CorsKit.Diagnostics;
using CorsKit.Hosting.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Logging;

namespace CorsKit.Hosting.Endpoints;

/// <summary>
/// Runs when the request pipeline is built, before the server accepts requests: every endpoint's
/// CORS metadata must name an existing policy, and CorsKit must run after routing if any endpoint
/// relies on metadata. Any problem, and any the caller found in the pipeline, stops the app from
/// starting. Endpoints added later (a data source that changes) are checked when they appear.
/// </summary>
internal static class StartupEndpointCheck
{
    public static void Run(IReadOnlyList<Endpoint> endpoints, CorsPolicyStore store, bool routingRunsAfterCorsKit, IEnumerable<string> pipelineErrors, ILogger logger)
    {
        var errors = pipelineErrors.Concat(EndpointPolicyValidator.Validate(endpoints, store.Current, store.RootPath)).ToList();
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
                $"CorsKit cannot start ({errors.Count} problem(s) with the pipeline or endpoint CORS metadata):{string.Concat(errors.Select(e => $"{Environment.NewLine}  - {e}"))}");
        }

        store.RequirePolicies(EndpointPolicyValidator.PoliciesInUse(endpoints));
    }

    /// <summary>
    /// Checks the endpoints each time the data source changes (endpoints added at run time): a
    /// problem is logged once as an error — the app is running; such an endpoint is denied every
    /// cross-origin access — the policies the endpoints use that exist are kept from reloads, and
    /// the inventory of exemptions is read again (and logged again when it changed).
    /// </summary>
    public static IDisposable Watch(EndpointDataSource dataSource, CorsPolicyStore store, EndpointInventory inventory, Action inventoryChanged, ILogger logger)
    {
        var reported = new HashSet<string>(StringComparer.Ordinal);
        return ChangeToken.OnChange(dataSource.GetChangeToken, () =>
        {
            var endpoints = dataSource.Endpoints;
            var current = store.Current;
            lock (reported)
            {
                foreach (var problem in EndpointPolicyValidator.Validate(endpoints, current, store.RootPath))
                {
                    if (reported.Add(problem))
                    {
                        CorsKitLog.EndpointPolicyProblem(logger, problem);
                    }
                }
            }

            if (inventory.Update(endpoints))
            {
                inventoryChanged();
            }

            var inUse = EndpointPolicyValidator.PoliciesInUse(endpoints);
            var existing = inUse.Named.Where(p => current.Find(p.Key) is not null).ToDictionary(StringComparer.OrdinalIgnoreCase);
            store.RequirePolicies(inUse with { Named = existing });
        });
    }
}
