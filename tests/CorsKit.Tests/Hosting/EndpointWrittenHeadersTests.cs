using System.Net;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.Tests.Hosting;

/// <summary>
/// What the endpoint, or the exception handler, does to the response headers through a real
/// pipeline: its Vary is kept and completed, the decision's CORS headers survive headers being
/// cleared or an error page, and CORS headers it writes itself are replaced by the policy's.
/// </summary>
public sealed class EndpointWrittenHeadersTests : WebPolicyPipeline
{
    [Theory]
    [InlineData("Accept-Encoding", new[] { "Accept-Encoding", "Origin" })]
    [InlineData("origin", new[] { "origin" })]
    [InlineData("Accept, Origin", new[] { "Accept", "Origin" })]
    [InlineData("*", new[] { "*" })]
    public async Task Vary_set_by_the_endpoint_is_kept_and_completed_without_duplicates(string endpointVary, string[] expected)
    {
        var response = await App.Client.SendAsync(Request(HttpMethod.Get, $"/vary?value={Uri.EscapeDataString(endpointVary)}", ("Origin", Allowed)));

        VaryTokens(response).Should().Equal(expected);
        AccessControlHeaders(response).Should().ContainKey("Access-Control-Allow-Origin");
    }

    [Fact]
    public async Task Cors_headers_survive_an_endpoint_that_clears_the_response_headers()
    {
        var response = await App.Client.SendAsync(Request(HttpMethod.Get, "/cleared", ("Origin", Allowed)));

        AccessControlHeaders(response).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Access-Control-Allow-Origin"] = Allowed,
            ["Access-Control-Allow-Credentials"] = "true",
            ["Access-Control-Expose-Headers"] = "X-Request-Id",
        });
        VaryTokens(response).Should().Equal("Origin");
    }

    [Fact]
    public async Task Error_responses_written_by_the_exception_handler_keep_cors_headers_so_the_page_can_read_the_error()
    {
        var response = await App.Client.SendAsync(Request(HttpMethod.Get, "/throws", ("Origin", Allowed)));

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        AccessControlHeaders(response)["Access-Control-Allow-Origin"].Should().Be(Allowed);
        VaryTokens(response).Should().Equal("Origin");
    }

    [Fact]
    public async Task Cors_headers_written_by_the_endpoint_are_replaced_by_the_policys_and_the_override_is_logged_once()
    {
        var first = await App.Client.SendAsync(Request(HttpMethod.Get, "/own-cors", ("Origin", Allowed)));
        var denied = await App.Client.SendAsync(Request(HttpMethod.Get, "/own-cors", ("Origin", Disallowed)));
        var withoutOrigin = await App.Client.SendAsync(Request(HttpMethod.Get, "/own-cors"));

        AccessControlHeaders(first).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Access-Control-Allow-Origin"] = Allowed,
            ["Access-Control-Expose-Headers"] = "X-Request-Id",
            ["Access-Control-Allow-Credentials"] = "true",
        });
        AccessControlHeaders(denied).Should().BeEmpty("CorsKit denied that origin, whatever the endpoint wrote");
        AccessControlHeaders(withoutOrigin).Should().BeEmpty();
        foreach (var response in new[] { first, denied, withoutOrigin })
        {
            VaryTokens(response).Should().Equal("Origin");
        }

        App.Logs.GetSnapshot().Should().ContainSingle(r => r.Id.Id == CorsKitEventIds.CorsHeadersOverridden).Which.Message.Should().Contain("/own-cors");
    }
}
