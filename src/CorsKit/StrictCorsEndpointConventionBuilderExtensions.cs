using CorsKit;

namespace Microsoft.AspNetCore.Builder;

/// <summary>CorsKit metadata for endpoints and route groups.</summary>
public static class StrictCorsEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Applies the named policy to these endpoints instead of the default one (see
    /// <see cref="StrictCorsAttribute"/>). On a route group it applies to every endpoint in it,
    /// unless an endpoint names its own.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint convention builder type.</typeparam>
    /// <param name="builder">An endpoint or route group.</param>
    /// <param name="policyName">A policy defined under <c>Cors:Policies</c>; checked when the app starts.</param>
    /// <returns>The builder.</returns>
    public static TBuilder RequireStrictCors<TBuilder>(this TBuilder builder, string policyName)
        where TBuilder : IEndpointConventionBuilder
    {
        return builder.WithCorsKitMetadata(new StrictCorsAttribute(policyName));
    }

    /// <summary>
    /// Allows no cross-origin access to these endpoints (see <see cref="DisableStrictCorsAttribute"/>).
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint convention builder type.</typeparam>
    /// <param name="builder">An endpoint or route group.</param>
    /// <returns>The builder.</returns>
    public static TBuilder DisableStrictCors<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        return builder.WithCorsKitMetadata(new DisableStrictCorsAttribute());
    }

    /// <summary>
    /// Lets cross-site HTML form posts reach these endpoints despite CorsKit's CSRF guard
    /// (see <see cref="AllowCrossOriginFormPostsAttribute"/>). Grants no CORS access.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint convention builder type.</typeparam>
    /// <param name="builder">An endpoint or route group.</param>
    /// <returns>The builder.</returns>
    public static TBuilder AllowCrossOriginFormPosts<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        return builder.WithCorsKitMetadata(new AllowCrossOriginFormPostsAttribute());
    }

    /// <summary>
    /// Leaves these endpoints' CORS headers to them, for a backend that deliberately answers CORS
    /// (see <see cref="LeaveCorsHeadersToEndpointAttribute"/>): CorsKit writes and removes none
    /// and passes their preflights on; its CSRF guard still judges their writes.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint convention builder type.</typeparam>
    /// <param name="builder">An endpoint or route group (for YARP, the builder <c>MapReverseProxy()</c> returns).</param>
    /// <returns>The builder.</returns>
    public static TBuilder LeaveCorsHeadersToEndpoint<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        return builder.WithCorsKitMetadata(new LeaveCorsHeadersToEndpointAttribute());
    }

    private static TBuilder WithCorsKitMetadata<TBuilder>(this TBuilder builder, object metadata)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint => endpoint.Metadata.Add(metadata));
        return builder;
    }
}
