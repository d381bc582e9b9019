using System.Collections.Frozen;

namespace CorsKit.Policies;

/// <summary>
/// Every policy of one valid configuration, compiled: the unit that a reload replaces as a whole,
/// so a request always sees one complete configuration.
/// </summary>
internal sealed class CompiledPolicySet
{
    private readonly FrozenDictionary<string, CompiledPolicy> _policies;

    public CompiledPolicySet(IEnumerable<CompiledPolicy> policies, string? defaultPolicy, bool blockCrossOriginUnsafeRequests)
    {
        _policies = policies.ToFrozenDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        Default = defaultPolicy is null ? CompiledPolicy.DenyAll : _policies[defaultPolicy];
        BlockCrossOriginUnsafeRequests = blockCrossOriginUnsafeRequests;
    }

    /// <summary>The policy for endpoints that name none: the configured default, or <see cref="CompiledPolicy.DenyAll"/>.</summary>
    public CompiledPolicy Default { get; }

    /// <summary>Whether the CSRF guard is on.</summary>
    public bool BlockCrossOriginUnsafeRequests { get; }

    public IEnumerable<string> Names => _policies.Keys;

    /// <summary>The policy named <paramref name="name"/> (case-insensitive), or null.</summary>
    public CompiledPolicy? Find(string name) => _policies.GetValueOrDefault(name);
}
