using CorsKit.Policies;
using Microsoft.AspNetCore.Cors.Infrastructure;
using CorsPolicy = CorsKit.Policies.CorsPolicy;
using Microsoft.AspNetCore.Http;

namespace CorsKit.Hosting;

/// <summary>
/// Checks, when the app starts, that every policy an endpoint names exists and that no endpoint
/// carries a policy built in code (which CorsKit cannot validate); lists the names in use so that
/// a reload dropping one of them can be refused.
/// </summary>
internal static class EndpointPolicyValidator
{
    /// <summary>The policy names endpoints use, each with one endpoint that uses it (for messages).</summary>
    public static Dictionary<string, string> PolicyNamesInUse(IEnumerable<Endpoint> endpoints)
    {
        var inUse = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var endpoint in endpoints)
        {
            if (SelectsPolicy(EndpointPolicies.MetadataOf(endpoint), out var name) && name is not null)
            {
                inUse.TryAdd(name, Describe(endpoint));
            }
        }

        return inUse;
    }

    public static List<string> Validate(IEnumerable<Endpoint> endpoints, CorsPolicySet policies, string rootPath)
    {
        var errors = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var metadata = EndpointPolicies.MetadataOf(endpoint);
            if (metadata is ICorsPolicyMetadata)
            {
                errors.Add($"Endpoint '{Describe(endpoint)}' has a CORS policy built in code (RequireCors(policy => ...) or a CorsPolicy instance). "
                    + $"CorsKit validates every policy from configuration: move it to {rootPath}:Policies:<name> and write .RequireStrictCors(\"<name>\") or .RequireCors(\"<name>\").");
            }
            else if (!SelectsPolicy(metadata, out var name))
            {
                continue;
            }
            else if (name is null && ReferenceEquals(policies.Default, CorsPolicy.DenyAll))
            {
                errors.Add($"Endpoint '{Describe(endpoint)}' has [EnableCors] without a policy name, which means the default policy, but {rootPath}:DefaultPolicy is not set. "
                    + "Set it, or name the policy: [EnableCors(\"<name>\")].");
            }
            else if (name is not null && policies.Find(name) is null)
            {
                var defined = policies.Names.Any() ? $"defined policies: {string.Join(", ", policies.Names)}" : "no policy is defined";
                errors.Add($"Endpoint '{Describe(endpoint)}' names the CORS policy '{name}', which does not exist ({defined}). "
                    + $"Define it under {rootPath}:Policies:{name} or fix the name.");
            }
        }

        return errors;
    }

    /// <summary>Whether the metadata selects a policy by name (<paramref name="name"/>), or the default one (null name).</summary>
    private static bool SelectsPolicy(ICorsMetadata? metadata, out string? name)
    {
        (var selects, name) = metadata switch
        {
            StrictCorsAttribute strict => (true, strict.PolicyName),
            IEnableCorsAttribute enable => (true, enable.PolicyName),
            _ => (false, null),
        };
        return selects;
    }

    private static string Describe(Endpoint endpoint) => endpoint.DisplayName ?? "(unnamed endpoint)";
}
