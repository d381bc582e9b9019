using CorsKit.Policies;
using Microsoft.AspNetCore.Cors.Infrastructure;
using CorsPolicy = CorsKit.Policies.CorsPolicy;
using Microsoft.AspNetCore.Http;

namespace CorsKit.Hosting;

/// <summary>
/// Which policy an endpoint uses. The most specific CORS metadata decides (ASP.NET Core orders
/// metadata from general to specific: group, then endpoint; controller, then action), whether it
/// is CorsKit's or the framework's, so apps can keep their <c>[EnableCors]</c> attributes.
/// </summary>
internal static class EndpointPolicies
{
    /// <summary>
    /// The key ASP.NET Core's endpoint middleware looks for before running an endpoint that has
    /// CORS metadata: without it, it refuses to run the endpoint (no CORS middleware saw it).
    /// </summary>
    public const string CorsMiddlewareInvokedKey = "__CorsMiddlewareWithEndpointInvoked";

    public static readonly object CorsMiddlewareInvokedValue = new();

    /// <summary>The endpoint's most specific CORS metadata, or null when it has none.</summary>
    public static ICorsMetadata? MetadataOf(Endpoint? endpoint) => endpoint?.Metadata.GetMetadata<ICorsMetadata>();

    /// <summary>
    /// The policy for an endpoint's metadata under <paramref name="policies"/>. Fails closed: a name
    /// that the configuration lacks (startup validation prevents it) resolves to <see cref="CorsPolicy.DenyAll"/>.
    /// </summary>
    public static CorsPolicy Resolve(CorsPolicySet policies, ICorsMetadata? metadata) => metadata switch
    {
        null => policies.Default,
        StrictCorsAttribute strict => policies.Find(strict.PolicyName) ?? CorsPolicy.DenyAll,
        IEnableCorsAttribute { PolicyName: { } name } => policies.Find(name) ?? CorsPolicy.DenyAll,
        IEnableCorsAttribute => policies.Default,
        _ => CorsPolicy.DenyAll, // the disabling attributes; inline policies, which startup refuses
    };
}
