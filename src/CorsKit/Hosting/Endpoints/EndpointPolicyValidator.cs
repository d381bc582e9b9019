using CorsKit.Hosting.Configuration;
using CorsKit.Policies;
using Microsoft.AspNetCore.Http;

namespace CorsKit.Hosting.Endpoints;

/// <summary>
/// Checks, when the app starts, that every policy an endpoint names exists, that no endpoint
/// carries a policy built in code (which CorsKit cannot validate) or contradicting metadata; lists
/// the policies in use so that a reload dropping one of them can be refused.
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
            var selection = PolicySelection.Of(EndpointPolicies.MetadataOf(endpoint));
            if (selection.Kind == PolicySelectionKind.ExplicitDefault)
            {
                defaultUsedBy ??= Describe(endpoint);
            }
            else if (selection.Kind == PolicySelectionKind.Named)
            {
                named.TryAdd(selection.Name!, Describe(endpoint));
            }
        }

        return new PoliciesInUse(named, defaultUsedBy);
    }

    public static List<string> Validate(IEnumerable<Endpoint> endpoints, CompiledPolicySet policies, string rootPath)
    {
        var errors = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var metadata = EndpointPolicies.MetadataOf(endpoint);
            var selection = PolicySelection.Of(metadata);
            switch (selection.Kind)
            {
                case PolicySelectionKind.Contradiction:
                    errors.Add(((ContradictingCorsMetadata)metadata!).Message);
                    break;
                case PolicySelectionKind.BuiltInCode:
                    errors.Add($"Endpoint '{Describe(endpoint)}' has a CORS policy built in code (RequireCors(policy => ...) or a CorsPolicy instance). "
                        + $"CorsKit validates every policy from configuration: move it to {rootPath}:Policies:<name> and write .RequireStrictCors(\"<name>\") or .RequireCors(\"<name>\").");
                    break;
                case PolicySelectionKind.ExplicitDefault when policies.Default.IsNone:
                    errors.Add($"Endpoint '{Describe(endpoint)}' has [EnableCors] without a policy name, which means the default policy, but {rootPath}:DefaultPolicy is not set. "
                        + "Set it, or name the policy: [EnableCors(\"<name>\")].");
                    break;
                case PolicySelectionKind.Named when policies.Find(selection.Name!) is null:
                    var defined = policies.Names.Any() ? $"defined policies: {string.Join(", ", policies.Names)}" : "no policy is defined";
                    errors.Add($"Endpoint '{Describe(endpoint)}' names the CORS policy '{selection.Name}', which does not exist ({defined}). "
                        + $"Define it under {rootPath}:Policies:{selection.Name} or fix the name.");
                    break;
            }
        }

        return errors;
    }

    private static string Describe(Endpoint endpoint) => endpoint.DisplayName ?? "(unnamed endpoint)";
}
