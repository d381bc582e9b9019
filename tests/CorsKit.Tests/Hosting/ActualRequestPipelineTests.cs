using System.Net;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.Tests.Hosting;

/// <summary>
/// Actual requests through a real pipeline: an allowed origin gets the policy's CORS headers, a
/// disallowed one none on a safe method, a request without Origin none at all and is never
/// blocked; every one runs the endpoint and varies by Origin.
/// </summary>
public sealed class ActualRequestPipelineTests : WebPolicyPipeline
{
    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Actual_request_from_allowed_origin_runs_the_endpoint_and_gets_cors_headers(string method)
    {
        var response = await App.Client.SendAsync(Request(new HttpMethod(method), CorsTestApp.Resource, ("Origin", "https://a.b.example.com")));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(response).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Access-Control-Allow-Origin"] = "https://a.b.example.com",
            ["Access-Control-Allow-Credentials"] = "true",
            ["Access-Control-Expose-Headers"] = "X-Request-Id",
        });
        VaryTokens(response).Should().Equal("Origin");
        App.HitCount(method).Should().Be(1);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    [InlineData("OPTIONS")]
    public async Task Safe_request_from_disallowed_origin_runs_the_endpoint_without_cors_headers(string method)
    {
        var response = await App.Client.SendAsync(Request(new HttpMethod(method), CorsTestApp.Resource, ("Origin", Disallowed)));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(response).Should().BeEmpty();
        VaryTokens(response).Should().Equal("Origin");
        App.HitCount(method).Should().Be(1);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    [InlineData("DELETE")]
    public async Task Request_without_origin_is_never_blocked_and_gets_only_vary(string method)
    {
        var response = await App.Client.SendAsync(Request(new HttpMethod(method), CorsTestApp.Resource));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(response).Should().BeEmpty();
        VaryTokens(response).Should().Equal("Origin");
        App.HitCount(method).Should().Be(1);
    }
}
