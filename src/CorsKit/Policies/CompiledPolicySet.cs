using System.Collections.Frozen;

namespace CorsKit.Policies;

/// <summary>
/// Every policy of one valid configuration, compiled: the unit that a reload replaces as a whole,
/// so a request always sees one complete configuration.
/// </summary>
internal sealed class CompiledPolicySet
{
    private readonly FrozenDictionary<string, CompiledPolicy> _policies;

    public CompiledPolicySet(
        IEnumerable<CompiledPolicy> policies,
        string? defaultPolicy,
        CrossOriginGuardMode guard,
        StrictCorsMode mode = StrictCorsMode.Enforce,
        int maxOriginLength = Origins.OriginMatcher.DefaultMaxOriginLength,
        bool guardFollowsMode = false)
    {
        var guardEnforcement = guard switch
        {
            CrossOriginGuardMode.Enforce => Enforcement.Enforced,
            CrossOriginGuardMode.ReportOnly => Enforcement.Reported,
            _ => Enforcement.Off,
        };
        Policies = policies.Select(p => p.UnderGuard(guardEnforcement)).ToArray();
        if (Policies.Where((p, i) => p.Index != i).Any())
        {
            throw new ArgumentException("Each policy's Index must be its position in the set.", nameof(policies));
        }

        _policies = Policies.ToFrozenDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        None = CompiledPolicy.None(guardEnforcement);
        Default = defaultPolicy is null ? None : _policies[defaultPolicy];
        Guard = guard;
        Mode = mode;
        MaxOriginLength = maxOriginLength;
        GuardFollowsMode = guardFollowsMode;
        EnforcesNothing = mode == StrictCorsMode.ReportOnly && guard != CrossOriginGuardMode.Enforce && _policies.Values.All(p => p.ReportOnly);
    }

    /// <summary>The policy for endpoints that name none: the configured default, or <see cref="None"/>.</summary>
    public CompiledPolicy Default { get; }

    /// <summary>No cross-origin access under this configuration's guard: disabled endpoints, no default policy, names that resolve to nothing.</summary>
    public CompiledPolicy None { get; }

    /// <summary>The CSRF guard's state.</summary>
    public CrossOriginGuardMode Guard { get; }

    /// <summary>Whether the guard's state comes from the section's <see cref="Mode"/> (neither guard key is set).</summary>
    public bool GuardFollowsMode { get; }

    /// <summary>The longest Origin any policy looks at (<see cref="StrictCorsOptions.MaxOriginLength"/>); longer ones are denied.</summary>
    public int MaxOriginLength { get; }

    /// <summary>
    /// The section's mode: the mode of policies that set none, and the guard's state when it is
    /// not set. Endpoints that allow no cross-origin access (<see cref="None"/>) are enforced in
    /// every mode.
    /// </summary>
    public StrictCorsMode Mode { get; }

    /// <summary>Whether nothing at all is enforced: every policy and the guard only report (or the guard is off).</summary>
    public bool EnforcesNothing { get; }

    public IEnumerable<string> Names => _policies.Keys;

    /// <summary>The policies, each at its <see cref="CompiledPolicy.Index"/>.</summary>
    public IReadOnlyList<CompiledPolicy> Policies { get; }

    /// <summary>The policy named <paramref name="name"/> (case-insensitive), or null.</summary>
    public CompiledPolicy? Find(string name) => _policies.GetValueOrDefault(name);
}
