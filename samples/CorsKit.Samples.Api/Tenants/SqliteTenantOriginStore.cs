namespace CorsKit.Samples.Api.Tenants;

/// <summary>
/// CorsKit's origin store over the tenants' SQLite file: for the policy "tenants", the origins of
/// the tenant the route names (<c>"Key": "Route:tenant"</c>). CorsKit asks it only for keys whose
/// list it does not hold, validates what it returns (an entry configuration would refuse is
/// logged, EventId 1017, and never matched), and cancels the token when the query times out.
/// </summary>
public sealed class SqliteTenantOriginStore(TenantDatabase database) : IStrictCorsOriginStore
{
    public async ValueTask<IReadOnlyCollection<string>> GetOriginsAsync(string policy, string key, CancellationToken cancellationToken) =>
        policy == TenantDatabase.Policy ? await database.OriginsAsync(key, cancellationToken).ConfigureAwait(false) : [];
}
