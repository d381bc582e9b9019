using System.Net;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.EcosystemTests.Yarp;

/// <summary>
/// Issue 23: behind a YARP gateway, the browser sees CorsKit's decision whatever the destination
/// answers. A destination that echoes every origin with credentials, or answers <c>*</c>, no longer
/// doubles the gateway's headers nor grants what the gateway's policy denies; one that answers no
/// CORS at all gets CorsKit's. Each route whose backend's headers CorsKit replaced is logged once
/// (EventId 1016).
/// </summary>
[Collection(YarpTests.Name)]
public sealed class GatewayOwnsCorsHeadersTests(DestinationFixture fixture)
{
    private readonly Destination _destination = fixture.Destination;

    [Theory]
    [InlineData("/echo/owns/allowed", new[] { "Origin" })]
    [InlineData("/star/owns/allowed", new[] { "Origin", "Accept-Encoding" })]
    public async Task An_allowed_origin_gets_one_value_of_each_header_as_the_policy_says_whatever_the_backend_wrote(string path, string[] vary)
    {
        await using var gateway = await StartAsync();

        var answer = await gateway.SendAsync(Request(HttpMethod.Get, path, ("Origin", Gateway.AppOrigin)));

        answer.Status.Should().Be(HttpStatusCode.OK, answer.ToString());
        answer.AccessControl.Should().Equal(Gateway.WebGrant, "the backend's echo (or *), its credentials and its exposed headers are replaced, never doubled");
        answer.VaryTokens.Should().Equal(vary, "the backend's Vary is kept, Origin once");
        answer.Body.Should().Be($"{Mode(path)} GET {path}", "the request was proxied");
    }

    [Theory]
    [InlineData("/echo/owns/denied", new[] { "Origin" })]
    [InlineData("/star/owns/denied", new[] { "Origin", "Accept-Encoding" })]
    public async Task A_denied_origin_gets_no_CORS_header_though_the_backend_granted_it(string path, string[] vary)
    {
        await using var gateway = await StartAsync();

        var answer = await gateway.SendAsync(Request(HttpMethod.Get, path, ("Origin", Gateway.EvilOrigin)));

        answer.Status.Should().Be(HttpStatusCode.OK, "a safe request runs; the browser hides its answer from the page");
        answer.AccessControl.Should().BeEmpty("the policy denies this origin, whatever the backend echoed with credentials");
        answer.VaryTokens.Should().Equal(vary);
        answer.Body.Should().Be($"{Mode(path)} GET {path}");
    }

    [Fact]
    public async Task A_backend_that_answers_no_CORS_gets_the_policys_headers_and_nothing_is_logged()
    {
        await using var gateway = await StartAsync();

        var allowed = await gateway.SendAsync(Request(HttpMethod.Get, "/none/owns/allowed", ("Origin", Gateway.AppOrigin)));
        var denied = await gateway.SendAsync(Request(HttpMethod.Get, "/none/owns/denied", ("Origin", Gateway.EvilOrigin)));

        allowed.Status.Should().Be(HttpStatusCode.OK);
        allowed.AccessControl.Should().Equal(Gateway.WebGrant);
        allowed.Vary.Should().Equal("Origin");
        allowed.Body.Should().Be("none GET /none/owns/allowed");
        denied.AccessControl.Should().BeEmpty();
        denied.Vary.Should().Equal("Origin");
        gateway.Logged(CorsKitEventIds.CorsHeadersOverridden).Should().BeEmpty("nothing was replaced");
    }

    [Fact]
    public async Task A_route_under_a_public_policy_answers_star_without_the_backends_credentials()
    {
        await using var gateway = await StartAsync();

        var answer = await gateway.SendAsync(Request(HttpMethod.Get, "/public/echo/owns", ("Origin", Gateway.EvilOrigin)));

        answer.Status.Should().Be(HttpStatusCode.OK);
        answer.AccessControl.Should().Equal(["Access-Control-Allow-Origin: *"], "\"public\" allows any origin without credentials: the backend's echo and credentials go");
        answer.VaryTokens.Should().Equal("Origin");
    }

    [Fact]
    public async Task Each_route_whose_backend_headers_were_replaced_is_logged_once()
    {
        await using var gateway = await StartAsync();

        foreach (var path in new[] { "/echo/owns/log", "/star/owns/log", "/none/owns/log", "/public/echo/owns/log" })
        {
            foreach (var origin in new[] { Gateway.AppOrigin, Gateway.EvilOrigin, Gateway.AppOrigin })
            {
                (await gateway.SendAsync(Request(HttpMethod.Get, path, ("Origin", origin)))).Status.Should().Be(HttpStatusCode.OK);
            }
        }

        var overridden = gateway.Logged(CorsKitEventIds.CorsHeadersOverridden);
        overridden.Select(r => r.Level.ToString()).Should().AllBe("Warning");
        overridden.Select(r => r.Message).Should().BeEquivalentTo(
            new[] { "echo", "star", "public" }.Select(endpoint =>
                "Access-Control-* headers that another component wrote (the endpoint, a filter, a cache or a proxied backend) were replaced by CorsKit's decision "
                + $"on a response of endpoint '{endpoint}': CorsKit owns these headers on every response it decides. Stop writing them there. Logged once per endpoint."),
            "one entry per YARP route (its endpoint), however many responses; the backend without CORS headers overrode nothing");
        (await _destination.CountAsync("GET", "/echo/owns/log")).Should().Be(3, "every request was proxied");
    }

    private static string Mode(string path) => path.Split('/')[1];

    /// <summary>Routes to the three modes under the default policy, and one under "public".</summary>
    private Task<Gateway> StartAsync() => Gateway.StartAsync(_destination,
    [
        Gateway.Route("echo", "/echo/{**rest}"),
        Gateway.Route("star", "/star/{**rest}"),
        Gateway.Route("none", "/none/{**rest}"),
        Gateway.Route("public", "/public/{**rest}", corsPolicy: "public"),
    ]);
}
