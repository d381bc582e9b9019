using CorsKit.Engine;
using CorsKit.Policies;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Tests.Origins;

/// <summary>
/// Malformed and hostile Origin values against a credentialed policy that allows
/// https://example.com and https://*.example.com: every one is denied, none throws.
/// </summary>
public class HostileOriginTests
{
    private static readonly Lazy<CompiledPolicy> Policy = new(() => TestPolicies.Compile(p => p
        .WithOrigins("https://example.com", "https://*.example.com")
        .WithMethods("PUT")
        .WithHeaders("Content-Type")
        .AllowCredentials()));

    public static TheoryData<string> HostileOrigins => new(
    [
        // suffix, prefix and look-alike tricks
        "https://evil-example.com",
        "https://evilexample.com",
        "https://example.com.evil.com",
        "https://example.comevil.com",
        "https://a.example.com.evil.com",
        "https://aexample.com",
        "https://a-example.com",
        "https://example.co",
        "https://xn--exmple-cua.com",
        "https://еxample.com", // Cyrillic "е"
        "https://exämple.com", // raw unicode
        // case
        "https://EXAMPLE.com",
        "HTTPS://example.com",
        "https://Example.Com",
        "https://A.example.com",
        "https://a.EXAMPLE.com",
        // ports
        "https://example.com:443",
        "https://a.example.com:443",
        "https://example.com:8443",
        "https://a.example.com:8443",
        "https://example.com:0",
        "https://example.com:99999",
        "https://example.com:-1",
        "https://example.com:",
        // scheme
        "http://example.com",
        "http://a.example.com",
        "wss://example.com",
        "wss://a.example.com",
        "ws://a.example.com",
        "ftp://example.com",
        "file://example.com",
        "javascript://example.com",
        "file://",
        // Punycode the URL parser refuses, under the pattern
        "https://xn--.example.com",
        "https://xn--f.example.com",
        "https://xn--abc-.example.com",
        "https://a.xn--a.example.com",
        "https:/example.com",
        "https:example.com",
        "//example.com",
        "example.com",
        "https://",
        "https://:443",
        // path, query, fragment, userinfo, trailing characters
        "https://example.com/",
        "https://example.com/path",
        "https://example.com?x=1",
        "https://example.com#fragment",
        "https://user@example.com",
        "https://user:pass@example.com",
        "https://example.com@evil.com",
        "https://evil.com@example.com",
        "https://example.com\\",
        "https://example.com\\@evil.com",
        "https://example.com.",
        "https://a.example.com.",
        // empty labels and wildcards
        "https://.example.com",
        "https://..example.com",
        "https://a..example.com",
        "https://*.example.com",
        "https://%2A.example.com",
        "*",
        // whitespace and control bytes
        "",
        " ",
        " https://example.com",
        "https://example.com ",
        "https://example.com\t",
        "https://exa mple.com",
        "https://example.com\r\nSet-Cookie: a=b",
        "https://example.com\0",
        "https://exam\u0000ple.com",
        "\u202ehttps://example.com",
        "https://example.com\u00a0",
        "https://example.com\u00ff",
        // null, in every spelling
        "null",
        "NULL",
        "Null",
        // lists in one header
        "https://example.com,https://evil.com",
        "https://example.com https://evil.com",
        "https://evil.com, https://example.com",
        // IP hosts the policy does not list, and non-canonical spellings of them
        "https://[::1]",
        "https://127.0.0.1",
        "https://0x7f.0.0.1",
        // oversized values
        "https://" + new string('a', 64) + ".example.com",
        "https://" + new string('a', 8192) + ".example.com",
    ]);

    [Theory]
    [MemberData(nameof(HostileOrigins))]
    public void Hostile_origin_preflight_is_denied(string origin)
    {
        var decision = CorsEngine.EvaluatePreflight(Policy.Value, new PreflightRequest(origin, "PUT", "content-type", default));
        decision.Result.Should().Be(CorsResult.Denied);
        decision.Reason.Should().BeOneOf(CorsReason.OriginNotAllowed, CorsReason.OriginMalformed, CorsReason.OriginNull);
    }

    [Theory]
    [MemberData(nameof(HostileOrigins))]
    public void Hostile_origin_actual_request_gets_no_cors_access_and_unsafe_methods_are_blocked(string origin)
    {
        CorsEngine.EvaluateActual(Policy.Value, origin).Result.Should().Be(CorsResult.Denied);
        var request = new RequestFacts("POST", hasBody: true, endpointMethods: null, origin, "cross-site", "https", "api.example.net", "text/plain", hasCookies: true);
        CorsEngine.Decide(Policy.Value, ref request).Result.Should().Be(CorsResult.Blocked);
    }

    [Fact]
    public void The_table_holds_at_least_sixty_values() => HostileOrigins.Count.Should().BeGreaterThanOrEqualTo(60);

    [Theory]
    [InlineData("https://example.com", "https://example.com")]
    [InlineData("https://example.com", "https://evil.com")]
    [InlineData("https://evil.com", "https://example.com")]
    public void Several_Origin_headers_are_denied_even_if_one_is_allowed(string first, string second)
    {
        var origin = new StringValues([first, second]);
        var decision = CorsEngine.EvaluatePreflight(Policy.Value, new PreflightRequest(origin, "PUT", default, default));
        decision.Should().Be(CorsDecision.Denied(CorsRequestKind.Preflight, CorsReason.OriginMultiple));
        CorsEngine.EvaluateActual(Policy.Value, origin).Reason.Should().Be(CorsReason.OriginMultiple);
    }

    [Fact]
    public void The_allowed_origins_of_the_table_policy_are_allowed()
    {
        CorsEngine.EvaluateActual(Policy.Value, "https://example.com").IsAllowed.Should().BeTrue();
        CorsEngine.EvaluateActual(Policy.Value, "https://a.example.com").IsAllowed.Should().BeTrue();
    }
}
