using CorsKit.Engine;
using CorsKit.Policies;

namespace CorsKit.Tests.Engine;

public class ActualRequestTests
{
    [Fact]
    public void A_request_without_Origin_is_not_a_CORS_request() =>
        CorsEngine.EvaluateActual(TestPolicies.Web(), default).Should().Be(CorsDecision.NotCors);

    [Theory]
    [InlineData("https://app.example.com")]
    [InlineData("https://api.example.com")]
    [InlineData("http://localhost:3000")]
    public void An_allowed_origin_is_allowed(string origin) =>
        CorsEngine.EvaluateActual(TestPolicies.Web(), origin).Should().Be(CorsDecision.Allowed(CorsRequestKind.Actual));

    [Theory]
    [InlineData("https://evil.example", nameof(CorsReason.OriginNotAllowed))]
    [InlineData("http://localhost:3001", nameof(CorsReason.OriginNotAllowed))]
    [InlineData("null", nameof(CorsReason.OriginNull))]
    [InlineData("https://APP.example.com", nameof(CorsReason.OriginMalformed))]
    public void A_disallowed_origin_is_denied_with_its_reason(string origin, string reason) =>
        CorsEngine.EvaluateActual(TestPolicies.Web(), origin).Should().Be(CorsDecision.Denied(CorsRequestKind.Actual, Enum.Parse<CorsReason>(reason)));

    [Fact]
    public void The_deny_all_policy_allows_no_origin() =>
        CorsEngine.EvaluateActual(CompiledPolicy.DenyAll, "https://app.example.com").Reason.Should().Be(CorsReason.OriginNotAllowed);

    [Fact]
    public void Policy_header_values_are_precomputed_from_the_configuration()
    {
        var web = TestPolicies.Web();
        web.AllowMethodsValue.ToString().Should().Be("PUT, DELETE");
        web.AllowHeadersValue.ToString().Should().Be("Content-Type, Authorization");
        web.ExposeHeadersValue.ToString().Should().Be("X-Request-Id");
        web.MaxAgeValue.ToString().Should().Be("600");

        var pub = TestPolicies.Public();
        pub.AllowMethodsValue.ToString().Should().Be("*");
        pub.AllowHeadersValue.ToString().Should().Be("*");
        pub.MaxAgeValue.Count.Should().Be(0);
    }
}
