namespace CorsKit;

/// <summary>
/// CorsKit's configuration: the <c>Cors</c> section of appsettings.json, or the same settings
/// written in code with <see cref="AddPolicy"/>. Validated as a whole when the app starts.
/// </summary>
public sealed class StrictCorsOptions
{
    /// <summary>The names <see cref="AddPolicy"/> added, as written; configuration binding never adds to it.</summary>
    private readonly Dictionary<string, string> _namesAddedInCode = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The name of the policy applied to every endpoint that names none (with
    /// <c>.RequireStrictCors</c>, <c>[StrictCors]</c> or the framework's <c>[EnableCors]</c>). When
    /// unset, such endpoints allow no cross-origin access at all (the CSRF guard still applies).
    /// </summary>
    public string? DefaultPolicy { get; set; }

    /// <summary>The named policies. Names are case-insensitive, as configuration keys are.</summary>
    public IDictionary<string, StrictCorsPolicyOptions> Policies { get; } =
        new Dictionary<string, StrictCorsPolicyOptions>(StringComparer.OrdinalIgnoreCase);

    private bool _blockCrossOriginUnsafeRequests = true;

    /// <summary>
    /// CorsKit's CSRF guard (on by default): an unsafe request (POST, PUT, PATCH, DELETE, …) from
    /// an origin the policy does not allow is answered 403 before the endpoint runs, unless it is
    /// same-origin. Turn off only if another layer already protects every endpoint. The older way
    /// of writing <see cref="CrossOriginGuard"/>: set both, and they must agree (true with
    /// Enforce or ReportOnly, false with Off), or the configuration is refused.
    /// </summary>
    public bool BlockCrossOriginUnsafeRequests
    {
        get => _blockCrossOriginUnsafeRequests;
        set
        {
            _blockCrossOriginUnsafeRequests = value;
            BlockCrossOriginUnsafeRequestsIsSet = true;
        }
    }

    /// <summary>
    /// Whether <see cref="BlockCrossOriginUnsafeRequests"/> was set, by configuration binding or
    /// by code, rather than left at its default: only then can it contradict <see cref="CrossOriginGuard"/>.
    /// </summary>
    internal bool BlockCrossOriginUnsafeRequestsIsSet { get; private set; }

    /// <summary>
    /// <see cref="StrictCorsMode.Enforce"/> (the default) or <see cref="StrictCorsMode.ReportOnly"/>:
    /// evaluate every request but change nothing, only log and count what would be denied or
    /// blocked. Applies to every policy that does not set its own <see cref="StrictCorsPolicyOptions.Mode"/>,
    /// and to the CSRF guard unless <see cref="CrossOriginGuard"/> is set.
    /// </summary>
    public StrictCorsMode Mode { get; set; }

    /// <summary>
    /// The CSRF guard's state: <see cref="CrossOriginGuardMode.Enforce"/>,
    /// <see cref="CrossOriginGuardMode.ReportOnly"/> or <see cref="CrossOriginGuardMode.Off"/>.
    /// Unset, it follows <see cref="Mode"/> (and is off when <see cref="BlockCrossOriginUnsafeRequests"/>
    /// is false, the older way of saying Off); set next to <see cref="BlockCrossOriginUnsafeRequests"/>,
    /// the two must agree.
    /// </summary>
    public CrossOriginGuardMode? CrossOriginGuard { get; set; }

    /// <summary>
    /// The longest Origin header value CorsKit looks at (512 by default); longer values are
    /// denied before any lookup. Must be at least as long as every listed origin.
    /// </summary>
    public int MaxOriginLength { get; set; } = Origins.OriginMatcher.DefaultMaxOriginLength;

    /// <summary>
    /// Each time <see cref="AddPolicy"/> named a policy it had already added (names are
    /// case-insensitive): the name written first and the one written again. Validation refuses them.
    /// </summary>
    internal List<(string Earlier, string Later)> RepeatedPolicyNames { get; } = [];

    /// <summary>Adds the policy <paramref name="name"/>; adding a name twice is refused when the options are validated.</summary>
    /// <param name="name">The policy's name, referenced by <see cref="DefaultPolicy"/> and by endpoints.</param>
    /// <param name="configure">Describes the policy.</param>
    /// <returns>These options, for chaining.</returns>
    public StrictCorsOptions AddPolicy(string name, Action<StrictCorsPolicyBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configure);
        var policy = new StrictCorsPolicyOptions();
        configure(new StrictCorsPolicyBuilder(policy));
        if (_namesAddedInCode.TryGetValue(name, out var earlier) && Policies.ContainsKey(name))
        {
            RepeatedPolicyNames.Add((earlier, name));
        }

        _namesAddedInCode[name] = name;
        Policies[name] = policy;
        return this;
    }

    /// <summary>Adds the policy <paramref name="name"/> and makes it the <see cref="DefaultPolicy"/>.</summary>
    /// <param name="name">The policy's name.</param>
    /// <param name="configure">Describes the policy.</param>
    /// <returns>These options, for chaining.</returns>
    public StrictCorsOptions AddDefaultPolicy(string name, Action<StrictCorsPolicyBuilder> configure)
    {
        AddPolicy(name, configure);
        DefaultPolicy = name;
        return this;
    }
}
