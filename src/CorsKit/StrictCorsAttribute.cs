using Microsoft.AspNetCore.Cors.Infrastructure;

namespace CorsKit;

/// <summary>
/// Applies the named CorsKit policy to a controller, an action or (with
/// <c>.WithMetadata</c>) an endpoint, instead of the default policy. The most specific wins:
/// an action's over its controller's, an endpoint's over its group's.
/// </summary>
/// <remarks>
/// It is CORS metadata for ASP.NET Core routing, so a preflight for a method the endpoint maps
/// (say PUT, with no OPTIONS route) reaches the endpoint's policy instead of a 405.
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class StrictCorsAttribute : Attribute, ICorsMetadata
{
    /// <summary>Applies the policy <paramref name="policyName"/>.</summary>
    /// <param name="policyName">A policy defined under <c>Cors:Policies</c>; checked when the app starts.</param>
    public StrictCorsAttribute(string policyName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(policyName);
        PolicyName = policyName;
    }

    /// <summary>The policy's name.</summary>
    public string PolicyName { get; }
}
