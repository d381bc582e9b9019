using CorsKit.Engine;
using CorsKit.Policies;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Tests.Engine;

public class PreflightTests
{
    private static readonly CompiledPolicy Web = TestPolicies.Web();

    private static CorsDecision Preflight(
        CompiledPolicy policy, StringValues origin, StringValues method, StringValues headers = default, StringValues privateNetwork = default) =>
        CorsEngine.EvaluatePreflight(policy, new PreflightRequest(origin, method, headers, privateNetwork));

    [Theory]
    [InlineData("PUT", "")]
    [InlineData("DELETE", "content-type")]
    [InlineData("PUT", "authorization,content-type")]
    [InlineData("PUT", "Content-Type, Authorization")] // tolerated: any case, spaces after commas
    [InlineData("PUT", "content-type,,authorization")] // tolerated: empty list elements
    [InlineData("GET", "authorization")] // safelisted methods are always allowed
    [InlineData("POST", "content-type")]
    [InlineData("HEAD", "")]
    public void Allowed_preflight_is_allowed(string method, string headers) =>
        Preflight(Web, "https://app.example.com", method, headers).Should().Be(CorsDecision.Allowed(CorsRequestKind.Preflight));

    [Fact]
    public void Preflight_from_a_pattern_origin_is_allowed() =>
        Preflight(Web, "https://a.b.example.com", "PUT", "content-type").IsAllowed.Should().BeTrue();

    [Theory]
    [InlineData("https://evil.example", nameof(CorsReason.OriginNotAllowed))]
    [InlineData("https://example.com", nameof(CorsReason.OriginNotAllowed))]
    [InlineData("null", nameof(CorsReason.OriginNull))]
    [InlineData("https://app.example.com/", nameof(CorsReason.OriginMalformed))]
    public void Preflight_from_a_disallowed_origin_is_denied(string origin, string reason) =>
        Preflight(Web, origin, "PUT").Should().Be(CorsDecision.Denied(CorsRequestKind.Preflight, Enum.Parse<CorsReason>(reason)));

    [Theory]
    [InlineData("PATCH")]
    [InlineData("put")] // methods are case-sensitive; browsers send PUT
    [InlineData("TRACE")]
    [InlineData("P UT")]
    [InlineData("")]
    public void Preflight_for_a_method_not_allowed_is_denied_and_names_it(string method)
    {
        var decision = Preflight(Web, "https://app.example.com", method);
        decision.Result.Should().Be(CorsResult.Denied);
        decision.Reason.Should().Be(CorsReason.MethodNotAllowed);
        decision.Detail.ToString().Should().Be(method);
    }

    [Fact]
    public void Preflight_with_several_request_method_headers_is_denied() =>
        Preflight(Web, "https://app.example.com", new StringValues(["PUT", "DELETE"])).Reason.Should().Be(CorsReason.MethodNotAllowed);

    [Theory]
    [InlineData("x-custom", "x-custom")]
    [InlineData("content-type,x-custom", "x-custom")]
    [InlineData("content-type, x-evil ,authorization", "x-evil")]
    [InlineData("content type", "content type")]
    [InlineData("content-type,\u00ffx", "\u00ffx")]
    public void Preflight_for_a_header_not_allowed_is_denied_and_names_it(string headers, string refused)
    {
        var decision = Preflight(Web, "https://app.example.com", "PUT", headers);
        decision.Reason.Should().Be(CorsReason.HeaderNotAllowed);
        decision.Detail.ToString().Should().Be(refused);
    }

    /// <summary>
    /// Fetch's CORS-preflight check: every name of Access-Control-Request-Headers (the
    /// "CORS-unsafe request-header names") must be listed. A browser puts a safelisted name there
    /// when its value is not safelisted (CORS-unsafe bytes, over 128 bytes, or safelisted values
    /// over 1024 bytes together), so the name is never allowed without being listed.
    /// </summary>
    [Theory]
    [InlineData("accept")]
    [InlineData("accept-language")]
    [InlineData("content-language")]
    [InlineData("range")]
    public void Preflight_asking_for_a_safelisted_header_name_is_allowed_only_when_the_name_is_listed(string header)
    {
        var unlisted = TestPolicies.Compile(p => p.WithOrigins("https://app.example.com").WithHeaders("X-Trace-Id"));
        var listed = TestPolicies.Compile(p => p.WithOrigins("https://app.example.com").WithHeaders("Accept", "Accept-Language", "Content-Language", "Range"));
        var wildcard = TestPolicies.Compile(p => p.WithOrigins("https://app.example.com").WithHeaders("*"));

        var denied = Preflight(unlisted, "https://app.example.com", "GET", $"{header},x-trace-id");
        (denied.Result, denied.Reason, denied.Detail.ToString()).Should().Be((CorsResult.Denied, CorsReason.HeaderNotAllowed, header));
        Preflight(listed, "https://app.example.com", "GET", header).Should().Be(CorsDecision.Allowed(CorsRequestKind.Preflight));
        Preflight(wildcard, "https://app.example.com", "GET", header).Should().Be(CorsDecision.Allowed(CorsRequestKind.Preflight));
    }

    [Fact]
    public void Preflight_asking_for_content_type_is_denied_unless_it_is_listed()
    {
        var unlisted = TestPolicies.Compile(p => p.WithOrigins("https://app.example.com").WithMethods("PUT"));

        var denied = Preflight(unlisted, "https://app.example.com", "POST", "content-type");
        (denied.Result, denied.Reason, denied.Detail.ToString()).Should().Be((CorsResult.Denied, CorsReason.HeaderNotAllowed, "content-type"));
        Preflight(Web, "https://app.example.com", "POST", "content-type").Should().Be(CorsDecision.Allowed(CorsRequestKind.Preflight));
    }

    [Fact]
    public void Request_headers_split_over_several_header_lines_are_all_checked()
    {
        Preflight(Web, "https://app.example.com", "PUT", new StringValues(["content-type", "authorization"])).IsAllowed.Should().BeTrue();
        Preflight(Web, "https://app.example.com", "PUT", new StringValues(["content-type", "x-other"])).Detail.ToString().Should().Be("x-other");
    }

    [Fact]
    public void Wildcard_methods_and_headers_allow_any_token_but_never_Authorization_or_forbidden_methods()
    {
        var policy = TestPolicies.Public();
        Preflight(policy, "https://any.example", "PATCH", "x-anything,content-type").IsAllowed.Should().BeTrue();
        Preflight(policy, "https://any.example", "PROPFIND").IsAllowed.Should().BeTrue();
        Preflight(policy, "https://any.example", "PUT", "authorization").Reason.Should().Be(CorsReason.HeaderNotAllowed);
        Preflight(policy, "https://any.example", "CONNECT").Reason.Should().Be(CorsReason.MethodNotAllowed);
    }

    [Fact]
    public void Authorization_listed_next_to_a_wildcard_is_allowed()
    {
        var policy = TestPolicies.Compile(p => p.AllowAnyOrigin().WithHeaders("*", "Authorization"));
        Preflight(policy, "https://any.example", "GET", "authorization,x-a").IsAllowed.Should().BeTrue();
    }

    [Fact]
    public void Private_network_access_is_granted_only_when_the_policy_opts_in()
    {
        var optedIn = TestPolicies.Compile(p => p.WithOrigins("https://app.example.com").AllowPrivateNetwork());
        Preflight(optedIn, "https://app.example.com", "GET", privateNetwork: "true")
            .Should().Be(CorsDecision.Allowed(CorsRequestKind.Preflight, grantsPrivateNetwork: true));
        Preflight(optedIn, "https://app.example.com", "GET").GrantsPrivateNetwork.Should().BeFalse();
        Preflight(optedIn, "https://app.example.com", "GET", privateNetwork: "yes").Reason.Should().Be(CorsReason.PrivateNetworkNotAllowed);

        Preflight(Web, "https://app.example.com", "GET", privateNetwork: "true")
            .Should().Be(CorsDecision.Denied(CorsRequestKind.Preflight, CorsReason.PrivateNetworkNotAllowed));
    }

    [Fact]
    public void Thousands_of_requested_headers_are_checked_without_error()
    {
        var many = string.Join(',', Enumerable.Range(0, 5000).Select(_ => "content-type"));
        Preflight(Web, "https://app.example.com", "PUT", many).IsAllowed.Should().BeTrue();
        Preflight(Web, "https://app.example.com", "PUT", many + ",x-last").Detail.ToString().Should().Be("x-last");
    }
}
