namespace CorsKit;

/// <summary>
/// CorsKit's cache of the origins an <see cref="IStrictCorsOriginStore"/> returned, per policy
/// and key. An application that changes a key's origins calls <see cref="Invalidate"/> so the
/// change applies at once on this instance; other instances see it within the policy's
/// <see cref="StrictCorsOriginStoreOptions.RefreshSeconds"/>, or at once when told (for example
/// by PostgreSQL <c>LISTEN</c>/<c>NOTIFY</c>).
/// </summary>
public interface IStrictCorsOriginCache
{
    /// <summary>
    /// Forgets <paramref name="key"/>'s list under <paramref name="policy"/>: the next request naming
    /// it asks the store. The lists of keys that differ from it only in case or surrounding spaces
    /// are forgotten too: a store whose collation answers them alike gave them the same list.
    /// </summary>
    /// <param name="policy">The policy's name.</param>
    /// <param name="key">The key whose origins changed.</param>
    void Invalidate(string policy, string key);
}
