using System.Collections.Frozen;

namespace CorsKit.Policies;

/// <summary>
/// Every policy of one valid configuration, compiled: the unit that a reload replaces as a whole,
/// so a request always sees one complete configuration.
/// </summary>
internal sealed class CorsPolicySet
{
    private readonly FrozenDictionary<string, CorsPolicy> _policies;

    public CorsPolicySet(IEnumerable<CorsPolicy> policies, string? defaultPolicy, bool blockCrossOriginUnsafeRequests)
    {
        _policies = policies.ToFrozenDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        Default = defaultPolicy is null ? CorsPolicy.DenyAll : _policies[defaultPolicy];
        BlockCrossOriginUnsafeRequests = blockCrossOriginUnsafeRequests;
    }

    /// <summary>The policy for endpoints that name none: the configured default, or <see cref="CorsPolicy.DenyAll"/>.</summary>
    public CorsPolicy Default { get; }

    /// <summary>Whether the CSRF guard is on.</summary>
    public bool BlockCrossOriginUnsafeRequests { get; }

    public IEnumerable<string> Names => _policies.Keys;

    /// <summary>The policy named <paramref name="name"/> (case-insensitive), or null.</summary>
    public CorsPolicy? Find(string name) => _policies.GetValueOrDefault(name);
}
