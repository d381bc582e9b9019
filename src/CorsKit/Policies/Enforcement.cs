namespace CorsKit.Policies;

/// <summary>
/// What CorsKit does with a decision, compiled into each policy: for its CORS answers (from the
/// policy's or the section's <c>Mode</c>) and for the CSRF guard (from <c>CrossOriginGuard</c>).
/// </summary>
internal enum Enforcement : byte
{
    /// <summary>Applied: headers written, preflights answered, requests blocked.</summary>
    Enforced,

    /// <summary>Only reported (logs and the counter, tagged <c>report_only</c>): nothing is written or blocked.</summary>
    Reported,

    /// <summary>Not evaluated at all (the CSRF guard turned off).</summary>
    Off,
}
