using CorsKit.Hosting.Configuration;
using CorsKit.Hosting.Endpoints;
using CorsKit.Policies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CorsKit.Hosting.Middleware;

/// <summary>
/// A base policy of ASP.NET Core's output cache that adds the request's <c>Origin</c> to the
/// cache key, so that the cache never hands one origin's CORS headers to another, whichever of
/// <c>UseOutputCache()</c> and <c>UseStrictCors()</c> comes first. The output cache ignores the
/// response's <c>Vary</c>: its key comes from its policies only.
/// </summary>
/// <remarks>
/// It never enables caching: an endpoint without <c>CacheOutput()</c> (or a policy of the app's
/// that enables it) stays uncached. The origin goes into <see cref="CacheVaryByRules.VaryByValues"/>
/// under a key of its own, which the framework's policies only ever add to, where
/// <see cref="CacheVaryByRules.HeaderNames"/> is replaced by <c>SetVaryByHeader()</c>. A request
/// without <c>Origin</c> adds nothing, so it keeps the key it has without CorsKit and can never
/// share an entry with a request that has one. If a later policy of the app removes or changes
/// the value, the response is not stored. Under a policy whose origins come from an origin store
/// keyed by a header (<c>Header:&lt;name&gt;</c>) the answer depends on that header too, which the
/// default key does not hold (unlike the host and the path of <c>Host</c> and <c>Route:</c> keys):
/// its value goes into the key next to the origin.
/// </remarks>
internal sealed class VaryByOriginOutputCachePolicy : IOutputCachePolicy
{
    /// <summary>The key of the origin in <see cref="CacheVaryByRules.VaryByValues"/>.</summary>
    public const string Key = "corskit-origin";

    /// <summary>The key of an origin store's key header in <see cref="CacheVaryByRules.VaryByValues"/>.</summary>
    public const string StoreKey = "corskit-origin-store-key";

    public static VaryByOriginOutputCachePolicy Instance { get; } = new();

    private VaryByOriginOutputCachePolicy()
    {
    }

    ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellationToken)
    {
        var origin = context.HttpContext.Request.Headers.Origin;
        if (origin.Count > 0)
        {
            // Repeated Origin headers (which CorsKit denies) are joined with commas: still a key of their own.
            context.CacheVaryByRules.VaryByValues[Key] = origin.ToString();
            if (StoreKeyHeader(context.HttpContext) is { } header)
            {
                // One key's answer for an origin is not another's: a request naming a tenant that
                // does not list the origin must not store the answer the origin's own tenant gets.
                context.CacheVaryByRules.VaryByValues[StoreKey] = context.HttpContext.Request.Headers[header].ToString();
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The header the endpoint's policy reads its origin store's key from, or null.</summary>
    private static string? StoreKeyHeader(HttpContext context) =>
        context.RequestServices.GetService<CorsPolicyStore>()?.CurrentOrNull is { } policies
        && EndpointPolicies.Resolve(policies, EndpointPolicies.MetadataOf(context.GetEndpoint())).OriginStore is { KeySource: OriginStoreKeySource.Header } store
            ? store.KeyName
            : null;

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellationToken)
    {
        // The key was computed from the rules before the endpoint ran: a response whose rules no
        // longer name its origin (an app policy removed or replaced the value) is not stored.
        var origin = context.HttpContext.Request.Headers.Origin;
        if (origin.Count > 0
            && (!KeyedBy(context, Key, origin.ToString())
                || (StoreKeyHeader(context.HttpContext) is { } header && !KeyedBy(context, StoreKey, context.HttpContext.Request.Headers[header].ToString()))))
        {
            context.AllowCacheStorage = false;
        }

        return ValueTask.CompletedTask;
    }

    private static bool KeyedBy(OutputCacheContext context, string key, string value) =>
        context.CacheVaryByRules.VaryByValues.TryGetValue(key, out var keyed) && string.Equals(keyed, value, StringComparison.Ordinal);

    /// <summary>Adds the policy to the output cache's base policies, once however often CorsKit is registered.</summary>
    internal sealed class Registration : IConfigureOptions<OutputCacheOptions>
    {
        public void Configure(OutputCacheOptions options) => options.AddBasePolicy(Instance);
    }
}
