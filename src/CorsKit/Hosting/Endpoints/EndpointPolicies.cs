using System.Runtime.CompilerServices;
using CorsKit.Diagnostics;
using CorsKit.Policies;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CorsKit.Hosting.Endpoints;

/// <summary>
/// Which policy an endpoint uses. Its most specific CORS metadata decides
/// (<see cref="CorsMetadataPrecedence"/>), whether it is CorsKit's or the framework's, so apps
/// can keep their <c>[EnableCors]</c> attributes; <see cref="PolicySelection"/> reads it.
/// </summary>
internal static class EndpointPolicies
{
    /// <summary>
    /// The key ASP.NET Core's endpoint middleware looks for before running an endpoint that has
    /// CORS metadata: without it, it refuses to run the endpoint (no CORS middleware saw it).
    /// </summary>
    public const string CorsMiddlewareInvokedKey = "__CorsMiddlewareWithEndpointInvoked";

    public static readonly object CorsMiddlewareInvokedValue = new();

    /// <summary>
    /// The deciding metadata of endpoints with several pieces of CORS metadata, worked out once per
    /// endpoint. Endpoints are immutable; the table lets go of those that routing no longer holds.
    /// </summary>
    private static readonly ConditionalWeakTable<Endpoint, ICorsMetadata> Decided = new();

    /// <summary>The endpoint's deciding CORS metadata, or null when it has none.</summary>
    public static ICorsMetadata? MetadataOf(Endpoint? endpoint)
    {
        if (endpoint is null)
        {
            return null;
        }

        var all = endpoint.Metadata.GetOrderedMetadata<ICorsMetadata>();
        return all.Count switch
        {
            0 => null,
            1 => all[0],
            _ => Decided.TryGetValue(endpoint, out var decided) ? decided : Decided.GetValue(endpoint, CorsMetadataPrecedence.Decide),
        };
    }

    /// <summary>
    /// What the Development explanation of a denial at <paramref name="endpoint"/> needs: the
    /// policies that decided (<paramref name="policies"/>, read once for the request), where they are configured (<paramref name="rootPath"/>), and the endpoint's metadata when it selects
    /// something other than the default policy (<c>[DisableStrictCors]</c>, …).
    /// </summary>
    public static DenialSetting DenialSettingOf(Endpoint? endpoint, CompiledPolicySet policies, string rootPath)
    {
        var metadata = MetadataOf(endpoint);
        var written = metadata switch
        {
            null => null,
            _ when PolicySelection.Of(metadata).Kind == PolicySelectionKind.ExplicitDefault => null,
            DisableStrictCorsAttribute => "[DisableStrictCors] (or .DisableStrictCors())",
            _ => CorsMetadataPrecedence.Describe(metadata),
        };
        return new DenialSetting(rootPath, policies, written);
    }

    /// <summary>
    /// The policy for an endpoint's metadata under <paramref name="policies"/>. Fails closed: a name
    /// that the configuration lacks (startup validation prevents it), contradicting metadata and
    /// policies built in code (which startup refuses) resolve to <see cref="CompiledPolicySet.None"/>.
    /// </summary>
    public static CompiledPolicy Resolve(CompiledPolicySet policies, ICorsMetadata? metadata)
    {
        var selection = PolicySelection.Of(metadata);
        return selection.Kind switch
        {
            PolicySelectionKind.Default or PolicySelectionKind.ExplicitDefault => policies.Default,
            PolicySelectionKind.Named => policies.Find(selection.Name!) ?? policies.None,
            _ => policies.None,
        };
    }
}
