using Microsoft.AspNetCore.Cors.Infrastructure;

namespace CorsKit;

/// <summary>
/// Allows no cross-origin access to a controller, an action or an endpoint, whatever the default
/// policy: preflights are answered 403, no Access-Control-* header is sent, and the CSRF guard
/// still blocks cross-origin unsafe requests. The most specific CorsKit or CORS metadata wins.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class DisableStrictCorsAttribute : Attribute, ICorsMetadata;
