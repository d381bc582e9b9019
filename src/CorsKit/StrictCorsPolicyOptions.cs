namespace CorsKit;

/// <summary>
/// One CORS policy, as written under <c>Cors:Policies:&lt;name&gt;</c> in appsettings.json.
/// Every list is an allow-list; anything not listed is denied.
/// </summary>
public sealed class StrictCorsPolicyOptions
{
    /// <summary>
    /// Allowed origins, in browser-canonical form: <c>https://app.example.com</c>,
    /// <c>http://localhost:3000</c>; subdomain patterns <c>https://*.example.com</c>; or <c>*</c>
    /// alone for a public policy without credentials.
    /// </summary>
    public IList<string> Origins { get; } = new List<string>();

    /// <summary>
    /// Methods allowed beyond the CORS-safelisted GET, HEAD and POST (which browsers never need
    /// listed), e.g. PUT, PATCH, DELETE. Case-sensitive, as browsers send them. <c>*</c> allows
    /// any method in a policy without credentials.
    /// </summary>
    public IList<string> Methods { get; } = new List<string>();

    /// <summary>
    /// Request headers a page may send, e.g. <c>Content-Type</c> (needed for JSON) and
    /// <c>Authorization</c>. <c>*</c> allows any header except <c>Authorization</c> in a policy
    /// without credentials.
    /// </summary>
    public IList<string> Headers { get; } = new List<string>();

    /// <summary>Response headers a page may read beyond the CORS-safelisted ones.</summary>
    public IList<string> ExposedHeaders { get; } = new List<string>();

    /// <summary>Whether pages may send cookies and read credentialed responses. Never with <c>*</c>.</summary>
    public bool AllowCredentials { get; set; }

    /// <summary>How long, in seconds, a browser may cache a preflight answer. Unset sends no header.</summary>
    public int? MaxAgeSeconds { get; set; }

    /// <summary>Answers Chromium's legacy Private Network Access preflights. Off by default.</summary>
    public bool AllowPrivateNetwork { get; set; }

    /// <summary>
    /// Permits plain <c>http://</c> origins other than loopback in a policy with credentials or
    /// private-network access. Off by default: a network attacker can impersonate such origins.
    /// </summary>
    public bool AllowInsecureOrigins { get; set; }

    /// <summary>
    /// Takes the policy's origins from the application's <see cref="IStrictCorsOriginStore"/>,
    /// per key the request carries (a tenant's host, a route value), in addition to
    /// <see cref="Origins"/>, which may then be empty. Null: only <see cref="Origins"/>.
    /// </summary>
    public StrictCorsOriginStoreOptions? OriginStore { get; set; }

    /// <summary>
    /// This policy's own <see cref="StrictCorsMode"/>; unset, the section's
    /// <see cref="StrictCorsOptions.Mode"/> applies. Report-only policies change nothing on
    /// responses and report what they would deny.
    /// </summary>
    public StrictCorsMode? Mode { get; set; }
}
