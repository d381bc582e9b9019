using CorsKit.Engine;
using CorsKit.Policies;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Tests.Engine;

public class CrossOriginGuardTests
{
    private static readonly CompiledPolicy Trusting = TestPolicies.Compile(p => p.WithOrigins("https://trusted.example.net"));

    private static bool Blocks(RequestFacts request, FormPostExemption formPosts = FormPostExemption.None, CompiledPolicy? policy = null) =>
        Decide(request, formPosts, policy).Result == CorsResult.Blocked;

    /// <summary>The engine's whole decision on <paramref name="request"/>, as the middleware asks for it.</summary>
    private static CorsDecision Decide(RequestFacts request, FormPostExemption formPosts = FormPostExemption.None, CompiledPolicy? policy = null)
    {
        var facts = new RequestFacts(request.Method, request.HasBody, request.EndpointMethods, request.Origin, request.SecFetchSite,
            request.Scheme, request.Host, request.ContentType, request.HasCookies, request.IsUpgrade, formPosts);
        return CorsEngine.Decide(policy ?? Trusting, ref facts);
    }

    private static RequestFacts Request(
        string method = "POST",
        string? origin = "https://evil.example",
        StringValues secFetchSite = default,
        string scheme = "https",
        string host = "api.example.com",
        string contentType = "text/plain",
        bool hasCookies = false,
        string[]? endpointMethods = null,
        bool hasBody = false) =>
        new(method, hasBody, endpointMethods, origin, secFetchSite, scheme, host, contentType, hasCookies);

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    [InlineData("PROPFIND")]
    [InlineData("get")] // not GET: browsers normalize get to GET, so this did not come from one
    [InlineData("options")]
    public void Unsafe_cross_origin_requests_are_blocked(string method) =>
        Blocks(Request(method, secFetchSite: "cross-site")).Should().BeTrue();

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    [InlineData("OPTIONS")]
    public void Safe_methods_are_never_blocked(string method) =>
        Blocks(Request(method, secFetchSite: "cross-site")).Should().BeFalse();

    [Theory]
    [InlineData("GET", new[] { "POST" }, true)] // a method override turned the POST routing selected into GET
    [InlineData("HEAD", new[] { "POST" }, true)]
    [InlineData("OPTIONS", new[] { "POST", "PUT" }, true)]
    [InlineData("GET", new[] { "GET", "POST" }, false)]
    [InlineData("GET", new[] { "get" }, false)] // routing compares methods case-insensitively
    [InlineData("HEAD", new[] { "HEAD" }, false)]
    [InlineData("GET", new string[0], false)] // an endpoint that accepts any method
    public void A_safe_method_the_endpoint_was_not_selected_for_is_judged_as_unsafe(string method, string[] endpointMethods, bool blocked)
    {
        CrossOriginGuard.Judges(method, hasBody: false, endpointMethods).Should().Be(blocked);
        Blocks(Request(method, secFetchSite: "cross-site", endpointMethods: endpointMethods)).Should().Be(blocked);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    [InlineData("OPTIONS")]
    public void A_safe_method_with_a_body_is_judged_as_unsafe_because_no_browser_sends_one(string method)
    {
        CrossOriginGuard.Judges(method, hasBody: true, endpointMethods: null).Should().BeTrue("an endpoint without method metadata accepts any method");
        CrossOriginGuard.Judges(method, hasBody: true, endpointMethods: ["GET", "HEAD", "OPTIONS", "POST"]).Should().BeTrue();
        Blocks(Request(method, secFetchSite: "cross-site", endpointMethods: ["GET", "HEAD", "OPTIONS", "POST"], hasBody: true)).Should().BeTrue();
    }

    [Fact]
    public void A_body_on_a_safe_method_is_not_judged_at_an_endpoint_that_accepts_only_safe_methods()
    {
        CrossOriginGuard.Judges("GET", hasBody: true, endpointMethods: ["GET", "head"]).Should().BeFalse("routing can only have selected it as what it is");
        CrossOriginGuard.Judges("GET", hasBody: true, endpointMethods: ["GET", "post"]).Should().BeTrue();
    }

    [Theory]
    [InlineData("cross-site", true)]
    [InlineData("same-site", true)]
    [InlineData("garbage", true)]
    [InlineData("same-origin", false)]
    [InlineData("none", false)]
    public void Without_origin_only_fetch_metadata_can_say_a_write_crossed_origins(string secFetchSite, bool blocked)
    {
        var request = Request(origin: null, secFetchSite: secFetchSite);
        var verdict = Decide(request);

        verdict.Result.Should().Be(blocked ? CorsResult.Blocked : CorsResult.Allowed);
        verdict.Reason.Should().Be(blocked ? CorsReason.OriginMissing : CorsReason.None);
    }

    [Fact]
    public void Without_origin_and_fetch_metadata_a_write_is_not_a_cross_origin_request()
    {
        var decision = Decide(Request(origin: null));

        decision.Kind.Should().Be(CorsRequestKind.NotCors);
        decision.Result.Should().Be(CorsResult.Allowed);
        decision.Vary.Should().Be(VaryTokens.Origin, "the guard judged a write: the same write from another site would be blocked");
    }

    [Theory]
    [InlineData(false, true, true)]
    [InlineData(false, false, false)]
    [InlineData(true, true, false)]
    public void A_cookie_carrying_write_from_an_allowed_origin_runs_only_under_a_policy_with_credentials(bool allowCredentials, bool hasCookies, bool blocked)
    {
        var policy = TestPolicies.Compile(p =>
        {
            p.WithOrigins("https://trusted.example.net");
            if (allowCredentials)
            {
                p.AllowCredentials();
            }
        });

        var verdict = Decide(Request(origin: "https://trusted.example.net", secFetchSite: "cross-site", hasCookies: hasCookies), FormPostExemption.None, policy);

        verdict.Result.Should().Be(blocked ? CorsResult.Blocked : CorsResult.Allowed);
    }

    [Theory]
    [InlineData("same-origin", false)]
    [InlineData("none", false)]
    [InlineData("same-site", true)]
    [InlineData("cross-site", true)]
    [InlineData("garbage", true)]
    public void Fetch_metadata_decides_same_origin_when_present(string secFetchSite, bool blocked) =>
        Blocks(Request(origin: "https://api.example.com", secFetchSite: secFetchSite)).Should().Be(blocked);

    [Fact]
    public void Several_Sec_Fetch_Site_headers_are_not_trusted() =>
        Blocks(Request(secFetchSite: new StringValues(["same-origin", "same-origin"]))).Should().BeTrue();

    [Theory]
    [InlineData("https://api.example.com", "https", "api.example.com", false)]
    [InlineData("https://api.example.com", "https", "API.Example.com", false)] // Host names are case-insensitive
    [InlineData("https://api.example.com", "https", "api.example.com:443", false)]
    [InlineData("http://localhost:5000", "http", "localhost:5000", false)]
    [InlineData("http://[::1]:5000", "http", "[::1]:5000", false)]
    [InlineData("https://api.example.com", "HTTPS", "api.example.com", false)]
    [InlineData("https://api.example.com", "http", "api.example.com", true)]
    [InlineData("https://api.example.com", "https", "api.example.com:8443", true)]
    [InlineData("https://api.example.com:8443", "https", "api.example.com", true)]
    [InlineData("https://evil.example", "https", "api.example.com", true)]
    [InlineData("https://api.example.com.evil.example", "https", "api.example.com", true)]
    [InlineData("https://api.example.com", "https", "api.example.com.", true)]
    [InlineData("https://api.example.com", "https", "api.example.com:x", true)]
    [InlineData("https://api.example.com", "https", "", true)]
    [InlineData("null", "https", "api.example.com", true)]
    [InlineData("https://API.example.com", "https", "api.example.com", true)] // not canonical
    public void Without_fetch_metadata_same_origin_is_Origin_equal_to_the_own_origin(string origin, string scheme, string host, bool blocked) =>
        Blocks(Request(origin: origin, scheme: scheme, host: host)).Should().Be(blocked);

    [Theory]
    [InlineData("POST", "application/x-www-form-urlencoded", false)]
    [InlineData("POST", "application/x-www-form-urlencoded; charset=UTF-8", false)]
    [InlineData("POST", "Multipart/Form-Data; boundary=x", false)]
    [InlineData("POST", "text/plain", true)]
    [InlineData("POST", "application/json", true)]
    [InlineData("PUT", "application/x-www-form-urlencoded", true)]
    [InlineData("DELETE", "", true)]
    public void The_form_post_opt_out_lets_through_only_form_posts(string method, string contentType, bool blocked) =>
        Blocks(Request(method, secFetchSite: "cross-site", contentType: contentType), FormPostExemption.Endpoint).Should().Be(blocked);

    [Theory]
    [InlineData("POST", "multipart/form-data; boundary=x", false, true)]
    [InlineData("POST", "application/x-www-form-urlencoded", false, true)]
    [InlineData("POST", "application/json", true, false)]
    [InlineData("PUT", "application/x-www-form-urlencoded", true, false)]
    public void A_form_post_to_a_callback_path_passes_only_for_the_handler_never_for_an_endpoint(string method, string contentType, bool blocked, bool callbackOnly)
    {
        var request = Request(method, secFetchSite: "cross-site", contentType: contentType);

        var verdict = Decide(request, FormPostExemption.CallbackPath, Trusting);

        (verdict.Result == CorsResult.Blocked).Should().Be(blocked);
        verdict.RunsOnlyAsCallback.Should().Be(callbackOnly);
    }

    [Fact]
    public void An_endpoints_own_form_post_opt_out_runs_the_endpoint() =>
        Decide(Request("POST", secFetchSite: "cross-site", contentType: "multipart/form-data; boundary=x"), FormPostExemption.Endpoint, Trusting)
            .RunsOnlyAsCallback.Should().BeFalse();

    [Fact]
    public void Unsafe_requests_from_an_allowed_origin_pass() =>
        Blocks(Request(origin: "https://trusted.example.net", secFetchSite: "cross-site")).Should().BeFalse();

    [Fact]
    public void Under_a_star_policy_unsafe_cross_origin_requests_pass_without_cookies_and_are_blocked_with_them()
    {
        var anyOrigin = TestPolicies.Compile(p => p.AllowAnyOrigin().WithMethods("PUT"));

        Blocks(Request("PUT", secFetchSite: "cross-site"), policy: anyOrigin).Should().BeFalse("a public API may accept anonymous writes");
        var withCookies = Decide(Request("POST", secFetchSite: "cross-site", hasCookies: true), FormPostExemption.None, anyOrigin);
        (withCookies.Result, withCookies.Reason, withCookies.Enforced).Should().Be((CorsResult.Blocked, CorsReason.CredentialsNotAllowed, true));
        withCookies.OriginAllowed.Should().BeTrue("the origin itself is allowed: it is the cookies the policy does not allow");
        Blocks(Request("POST", secFetchSite: "same-origin", hasCookies: true), policy: anyOrigin).Should().BeFalse();
        Blocks(Request("GET", secFetchSite: "cross-site", hasCookies: true), policy: anyOrigin).Should().BeFalse();
    }
}
