using CorsKit.Policies;
using Microsoft.AspNetCore.Cors.Infrastructure;
using CorsPolicy = CorsKit.Policies.CorsPolicy;
using Microsoft.AspNetCore.Http;

namespace CorsKit.Hosting;

/// <summary>
/// Checks, when the app starts, that every policy an endpoint names exists and that no endpoint
/// carries a policy built in code (which CorsKit cannot validate); lists the policies in use so
/// that a reload dropping one of them can be refused.
/// </summary>
internal static class EndpointPolicyValidator
{
    /// <summary>What the endpoints require of any later configuration.</summary>
    public static PoliciesInUse PoliciesInUse(IEnumerable<Endpoint> endpoints)
    {
        var named = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? defaultUsedBy = null;
        foreach (var endpoint in endpoints)
        {
            if (SelectsPolicy(EndpointPolicies.MetadataOf(endpoint), out var name))
            {
                if (name is null)
                {
                    defaultUsedBy ??= Describe(endpoint);
                }
                else
                {
                    named.TryAdd(name, Describe(endpoint));
                }
            }
        }

        return new PoliciesInUse(named, defaultUsedBy);
    }

    public static List<string> Validate(IEnumerable<Endpoint> endpoints, CorsPolicySet policies, string rootPath)
    {
        var errors = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var metadata = EndpointPolicies.MetadataOf(endpoint);
            if (metadata is ContradictingCorsMetadata contradiction)
            {
                errors.Add(contradiction.Message);
            }
            else if (metadata is ICorsPolicyMetadata)
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
        name = (metadata as StrictCorsAttribute)?.PolicyName ?? (metadata as IEnableCorsAttribute)?.PolicyName;
        return metadata is StrictCorsAttribute or IEnableCorsAttribute;
    }

    private static string Describe(Endpoint endpoint) => endpoint.DisplayName ?? "(unnamed endpoint)";
}

/// <summary>
/// What the endpoints require of the configuration, checked when the app started, so that a reload
/// cannot take it away: the policy names they use, and whether one relies on the default policy
/// (<c>[EnableCors]</c> without a name). Each comes with one endpoint, for messages.
/// </summary>
internal sealed record PoliciesInUse(IReadOnlyDictionary<string, string> Named, string? DefaultUsedBy)
{
    public static PoliciesInUse None { get; } = new(new Dictionary<string, string>(), null);
}
