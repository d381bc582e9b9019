using System.Net;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.Tests.Hosting;

/// <summary>
/// Preflights through a real pipeline: an allowed one gets 204 with every header of the policy, a
/// refused one 403 with none, neither reaches the endpoint; an OPTIONS request without
/// Access-Control-Request-Method is an ordinary request.
/// </summary>
public sealed class PreflightPipelineTests : WebPolicyPipeline
{
    [Fact]
    public async Task Preflight_from_allowed_origin_returns_204_with_every_policy_header_and_never_reaches_the_endpoint()
    {
        var response = await App.Client.SendAsync(Preflight(CorsTestApp.Resource, Allowed, "PUT", "content-type,authorization"));

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        AccessControlHeaders(response).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Access-Control-Allow-Origin"] = Allowed,
            ["Access-Control-Allow-Credentials"] = "true",
            ["Access-Control-Allow-Methods"] = "PUT, DELETE",
            ["Access-Control-Allow-Headers"] = "Content-Type, Authorization",
            ["Access-Control-Max-Age"] = "600",
        });
        VaryTokens(response).Should().Equal(PreflightVary);
        (await response.Content.ReadAsStringAsync()).Should().BeEmpty();
        App.HitCount("OPTIONS").Should().Be(0);
    }

    [Theory]
    [InlineData(Disallowed, "PUT", null)]
    [InlineData("null", "PUT", null)]
    [InlineData(Allowed, "PATCH", null)]
    [InlineData(Allowed, "PUT", "x-custom")]
    public async Task Preflight_not_allowed_returns_403_without_cors_headers_and_never_reaches_the_endpoint(string origin, string method, string? headers)
    {
        var response = await App.Client.SendAsync(Preflight(CorsTestApp.Resource, origin, method, headers));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        AccessControlHeaders(response).Should().BeEmpty();
        VaryTokens(response).Should().Equal(PreflightVary);
        App.HitCount("OPTIONS").Should().Be(0);
    }

    [Fact]
    public async Task Options_without_request_method_is_an_ordinary_request_that_reaches_the_endpoint()
    {
        var response = await App.Client.SendAsync(Request(HttpMethod.Options, CorsTestApp.Resource, ("Origin", Allowed)));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(response).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Access-Control-Allow-Origin"] = Allowed,
            ["Access-Control-Allow-Credentials"] = "true",
            ["Access-Control-Expose-Headers"] = "X-Request-Id",
        });
        App.HitCount("OPTIONS").Should().Be(1);
    }
}
