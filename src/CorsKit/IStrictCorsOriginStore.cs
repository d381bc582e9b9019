namespace CorsKit;

/// <summary>
/// The application's store of origins per key — a tenant's custom domain, a route value — over
/// its own schema (EF Core, Dapper, anything). CorsKit asks it for a key's origins when a request
/// names a key whose list it does not hold, at most once at a time per key, and validates every
/// origin it returns like configuration: canonical form, no <c>null</c>, no <c>*</c>, patterns
/// never directly under a public suffix. Registered with
/// <c>services.AddStrictCorsOriginStore&lt;TStore&gt;()</c>, resolved in a scope of its own per query.
/// </summary>
public interface IStrictCorsOriginStore
{
    /// <summary>
    /// The origins allowed for <paramref name="key"/> under the policy <paramref name="policy"/>:
    /// empty when the key is unknown. Throwing, or not finishing within the policy's
    /// <see cref="StrictCorsOriginStoreOptions.TimeoutMilliseconds"/> (<paramref name="cancellationToken"/>
    /// is cancelled then), fails closed.
    /// </summary>
    /// <param name="policy">The name of the policy whose origins come from the store.</param>
    /// <param name="key">The key the request carries, as the policy's <see cref="StrictCorsOriginStoreOptions.Key"/> reads it.</param>
    /// <param name="cancellationToken">Cancelled when the query times out or the app stops.</param>
    /// <returns>The origins, written as in configuration (<c>https://app.example.com</c>, <c>https://*.example.com</c>).</returns>
    ValueTask<IReadOnlyCollection<string>> GetOriginsAsync(string policy, string key, CancellationToken cancellationToken);
}
