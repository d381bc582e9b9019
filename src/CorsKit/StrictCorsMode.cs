namespace CorsKit;

/// <summary>Whether CorsKit applies its decisions or only reports them.</summary>
public enum StrictCorsMode
{
    /// <summary>Decisions are applied: headers written, preflights answered, requests blocked (the default).</summary>
    Enforce,

    /// <summary>
    /// Every request is evaluated as under <see cref="Enforce"/>, but nothing is changed: no header
    /// written, no preflight answered, no request blocked. What would be denied or blocked is
    /// logged and counted, so the allow-lists can be written before enforcing them.
    /// </summary>
    ReportOnly,
}
