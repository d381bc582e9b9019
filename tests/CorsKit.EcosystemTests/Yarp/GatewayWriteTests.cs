using System.Net;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.EcosystemTests.Yarp;

/// <summary>
/// CORS does not stop a simple write (a <c>text/plain</c> POST needs no preflight); CorsKit's CSRF
/// guard does, at the gateway, before YARP forwards anything: a blocked write never reaches the
/// destination, an allowed one does.
/// </summary>
[Collection(YarpTests.Name)]
public sealed class GatewayWriteTests(DestinationFixture fixture)
{
    private readonly Destination _destination = fixture.Destination;

    [Theory]
    [InlineData("POST", Gateway.EvilOrigin, "/echo/write/evil-post")]
    [InlineData("DELETE", Gateway.EvilOrigin, "/echo/write/evil-delete")]
    [InlineData("POST", null, "/echo/write/cross-site-without-origin")]
    public async Task A_cross_origin_write_from_a_disallowed_origin_is_blocked_403_before_forwarding(string method, string? origin, string path)
    {
        await using var gateway = await StartAsync();
        var request = Request(new HttpMethod(method), path, ("Sec-Fetch-Site", "cross-site")).WithBody("transfer=all", "text/plain");
        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        var answer = await gateway.SendAsync(request);

        answer.Status.Should().Be(HttpStatusCode.Forbidden);
        answer.AccessControl.Should().BeEmpty();
        answer.Vary.Should().Equal("Origin");
        answer.Body.Should().BeEmpty();
        (await _destination.CountAsync(method, path)).Should().Be(0, "the write never reached the destination: " + await _destination.ArrivalsAsync());
    }

    [Fact]
    public async Task A_cross_origin_write_from_an_allowed_origin_is_forwarded_with_the_policys_headers()
    {
        await using var gateway = await StartAsync();

        var answer = await gateway.SendAsync(
            Request(HttpMethod.Post, "/echo/write/allowed", ("Origin", Gateway.AppOrigin), ("Sec-Fetch-Site", "cross-site")).WithBody("note=hello", "text/plain"));

        answer.Status.Should().Be(HttpStatusCode.OK);
        answer.AccessControl.Should().Equal(Gateway.WebGrant);
        answer.VaryTokens.Should().Equal("Origin");
        answer.Body.Should().Be("echo POST /echo/write/allowed received: note=hello", "the body was forwarded");
        (await _destination.CountAsync("POST", "/echo/write/allowed")).Should().Be(1);
    }

    [Fact]
    public async Task A_write_with_cookies_under_a_policy_without_credentials_is_blocked_before_forwarding()
    {
        await using var gateway = await StartAsync();

        var withCookie = await gateway.SendAsync(Request(HttpMethod.Post, "/partners/none/write/cookie",
            ("Origin", Gateway.PartnerOrigin), ("Sec-Fetch-Site", "cross-site"), ("Cookie", "session=abc")).WithBody("x", "text/plain"));
        var withoutCookie = await gateway.SendAsync(Request(HttpMethod.Post, "/partners/none/write/no-cookie",
            ("Origin", Gateway.PartnerOrigin), ("Sec-Fetch-Site", "cross-site")).WithBody("x", "text/plain"));

        withCookie.Status.Should().Be(HttpStatusCode.Forbidden, "\"partners\" does not let its origin act with the user's credentials");
        withCookie.AccessControl.Should().BeEmpty();
        withoutCookie.Status.Should().Be(HttpStatusCode.OK);
        withoutCookie.AccessControl.Should().Equal("Access-Control-Allow-Origin: https://partner.example.org");
        (await _destination.CountAsync("POST", "/partners/none/write/cookie")).Should().Be(0);
        (await _destination.CountAsync("POST", "/partners/none/write/no-cookie")).Should().Be(1);
    }

    private Task<Gateway> StartAsync() => Gateway.StartAsync(_destination,
    [
        Gateway.Route("echo", "/echo/{**rest}"),
        Gateway.Route("partners", "/partners/{**rest}", corsPolicy: "partners"),
    ]);
}
