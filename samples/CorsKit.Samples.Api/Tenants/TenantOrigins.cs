namespace CorsKit.Samples.Api.Tenants;

/// <summary>
/// Changes a tenant's origins the way an application should: in the database, then
/// <see cref="IStrictCorsOriginCache.Invalidate"/>, so the change applies at once on this
/// instance (other instances see it within the policy's RefreshSeconds).
/// </summary>
public sealed class TenantOrigins(TenantDatabase database, IStrictCorsOriginCache cache)
{
    public Task<IReadOnlyList<string>> ListAsync(string tenant, CancellationToken cancellationToken) => database.OriginsAsync(tenant, cancellationToken);

    /// <summary>Adds <paramref name="origin"/>; false when the tenant had it already.</summary>
    public async Task<bool> AddAsync(string tenant, string origin, CancellationToken cancellationToken)
    {
        var added = await database.AddOriginAsync(tenant, origin, cancellationToken).ConfigureAwait(false);
        cache.Invalidate(TenantDatabase.Policy, tenant);
        return added;
    }

    /// <summary>Removes <paramref name="origin"/>; false when the tenant did not have it.</summary>
    public async Task<bool> RemoveAsync(string tenant, string origin, CancellationToken cancellationToken)
    {
        var removed = await database.RemoveOriginAsync(tenant, origin, cancellationToken).ConfigureAwait(false);
        cache.Invalidate(TenantDatabase.Policy, tenant);
        return removed;
    }
}

/// <summary>The body of POST /admin/tenants/{tenant}/origins.</summary>
public sealed record OriginInput(string? Origin);
