namespace CorsKit;

/// <summary>
/// Leaves this endpoint's CORS headers to the endpoint itself: a gateway route whose backend
/// deliberately answers CORS. CorsKit then writes no <c>Access-Control-*</c> header on its
/// responses, removes none that the endpoint or its backend writes, and passes its preflights on
/// to it. Its CSRF guard still judges the endpoint's cross-origin writes under the endpoint's
/// policy. Every such endpoint is named in the startup inventory (EventId
/// <see cref="CorsKitEventIds.EndpointInventory"/>): an auditor sees where CorsKit is not the
/// authority. Without it, CorsKit owns the CORS headers of every response it decides.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class LeaveCorsHeadersToEndpointAttribute : Attribute;
