using CorsKit;

namespace Microsoft.AspNetCore.Builder;

/// <summary>CorsKit metadata for endpoints and route groups.</summary>
public static class StrictCorsEndpointConventionBuilderExtensions
{
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
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint => endpoint.Metadata.Add(new AllowCrossOriginFormPostsAttribute()));
        return builder;
    }
}
