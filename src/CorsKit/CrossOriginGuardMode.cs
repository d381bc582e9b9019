namespace CorsKit;

/// <summary>The state of CorsKit's CSRF guard (<see cref="StrictCorsOptions.CrossOriginGuard"/>).</summary>
public enum CrossOriginGuardMode
{
    /// <summary>Unsafe requests from origins the policy does not allow are answered 403 before the endpoint runs.</summary>
    Enforce,

    /// <summary>Such requests run; each one the guard would block is logged and counted.</summary>
    ReportOnly,

    /// <summary>The guard is off: nothing is judged.</summary>
    Off,
}
