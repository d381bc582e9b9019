using CorsKit.Engine;
using CorsKit.Policies;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Tests.Engine;

public class CrossOriginGuardTests
{
    private static readonly CorsPolicy Trusting = TestPolicies.Compile(p => p.WithOrigins("https://trusted.example.net"));

    private static bool Blocks(in GuardRequest request, bool acceptsCrossOriginFormPosts = false, CorsPolicy? policy = null) =>
        CrossOriginGuard.Evaluate(policy ?? Trusting, CorsEngine.EvaluateActual(policy ?? Trusting, request.Origin), request, acceptsCrossOriginFormPosts).Result == CorsResult.Blocked;

    private static GuardRequest Request(
        string method = "POST",
        string origin = "https://evil.example",
        StringValues secFetchSite = default,
        string scheme = "https",
        string host = "api.example.com",
        string contentType = "text/plain",
        bool hasCookies = false) =>
        new(method, origin, secFetchSite, scheme, host, contentType, hasCookies);

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
        Blocks(Request(method, secFetchSite: "cross-site", contentType: contentType), acceptsCrossOriginFormPosts: true).Should().Be(blocked);

    [Fact]
    public void Unsafe_requests_from_an_allowed_origin_pass() =>
        Blocks(Request(origin: "https://trusted.example.net", secFetchSite: "cross-site", hasCookies: true)).Should().BeFalse();

    [Fact]
    public void Under_a_star_policy_unsafe_cross_origin_requests_pass_without_cookies_and_are_blocked_with_them()
    {
        var anyOrigin = TestPolicies.Compile(p => p.AllowAnyOrigin().WithMethods("PUT"));

        Blocks(Request("PUT", secFetchSite: "cross-site"), policy: anyOrigin).Should().BeFalse("a public API may accept anonymous writes");
        var withCookies = CrossOriginGuard.Evaluate(anyOrigin, CorsEngine.EvaluateActual(anyOrigin, "https://evil.example"), Request("POST", secFetchSite: "cross-site", hasCookies: true), acceptsCrossOriginFormPosts: false);
        withCookies.Should().Be(CorsDecision.Denied(CorsRequestKind.Actual, CorsReason.CredentialsNotAllowed).AsBlocked());
        Blocks(Request("POST", secFetchSite: "same-origin", hasCookies: true), policy: anyOrigin).Should().BeFalse();
        Blocks(Request("GET", secFetchSite: "cross-site", hasCookies: true), policy: anyOrigin).Should().BeFalse();
    }
}
