namespace CorsKit;

/// <summary>
/// Lets cross-site HTML form posts reach this endpoint despite CorsKit's CSRF guard: a POST with
/// <c>application/x-www-form-urlencoded</c> or <c>multipart/form-data</c> from an origin the
/// policy does not allow runs instead of being answered 403. Nothing else changes: the origin is
/// not added to the allow-list and gets no Access-Control-* header. For endpoints that must
/// accept such posts by design — OpenID Connect <c>response_mode=form_post</c> callbacks,
/// payment-provider returns — and that verify the request themselves (state, nonce, signature).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class AllowCrossOriginFormPostsAttribute : Attribute;
