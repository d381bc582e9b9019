using System.Net;
using Yarp.ReverseProxy.Configuration;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.EcosystemTests.Yarp;

/// <summary>
/// A preflight to a proxied route is answered by CorsKit at the gateway, allowed (204) or not
/// (403), and never forwarded: the destination, which would grant everything, never sees it.
/// </summary>
[Collection(YarpTests.Name)]
public sealed class GatewayPreflightTests(DestinationFixture fixture)
{
    private readonly Destination _destination = fixture.Destination;

    [Fact]
    public async Task An_allowed_preflight_is_answered_204_by_CorsKit_and_never_forwarded()
    {
        await using var gateway = await StartAsync();

        var answer = await gateway.SendAsync(Preflight("/echo/preflight/allowed", Gateway.AppOrigin, "PUT", "content-type"));

        answer.Status.Should().Be(HttpStatusCode.NoContent);
        answer.AccessControl.Should().Equal(Gateway.WebPreflightGrant, "the policy's lists, not the backend's GET, POST, PUT, PATCH, DELETE and 86400");
        answer.Vary.Should().Equal(Gateway.PreflightVary);
        answer.Body.Should().BeEmpty();
        (await _destination.CountAsync("OPTIONS", "/echo/preflight/allowed")).Should().Be(0, await _destination.ArrivalsAsync());
    }

    [Theory]
    [InlineData(Gateway.EvilOrigin, "GET", "/echo/preflight/denied-origin")]
    [InlineData(Gateway.AppOrigin, "PATCH", "/echo/preflight/denied-method")]
    [InlineData(Gateway.EvilOrigin, "PUT", "/star/preflight/denied-origin")]
    public async Task A_denied_preflight_is_answered_403_without_CORS_headers_and_never_forwarded(string origin, string method, string path)
    {
        await using var gateway = await StartAsync();

        var answer = await gateway.SendAsync(Preflight(path, origin, method));

        answer.Status.Should().Be(HttpStatusCode.Forbidden);
        answer.AccessControl.Should().BeEmpty("the backend would have granted it; CorsKit decides");
        answer.Vary.Should().Equal(Gateway.PreflightVary);
        (await _destination.CountAsync("OPTIONS", path)).Should().Be(0, await _destination.ArrivalsAsync());
    }

    [Fact]
    public async Task A_preflight_to_a_route_that_matches_only_GET_or_names_a_policy_is_answered_by_that_policy()
    {
        var getOnly = new RouteConfig
        {
            RouteId = "get-only",
            ClusterId = Gateway.ClusterId,
            Match = new RouteMatch { Path = "/get-only/{**rest}", Methods = ["GET"] },
        };
        await using var gateway = await StartAsync(getOnly, Gateway.Route("partners", "/partners/{**rest}", corsPolicy: "partners"));

        var toGetOnly = await gateway.SendAsync(Preflight("/get-only/echo/preflight", Gateway.AppOrigin, "GET"));
        var toPartners = await gateway.SendAsync(Preflight("/partners/echo/preflight", Gateway.PartnerOrigin, "POST"));
        var appToPartners = await gateway.SendAsync(Preflight("/partners/echo/preflight-app", Gateway.AppOrigin, "POST"));

        toGetOnly.Status.Should().Be(HttpStatusCode.NoContent, "routing lets a preflight reach a GET-only route, and CorsKit answers it");
        toGetOnly.AccessControl.Should().Equal(Gateway.WebPreflightGrant);
        toPartners.Status.Should().Be(HttpStatusCode.NoContent);
        toPartners.AccessControl.Should().Equal(
            ["Access-Control-Allow-Methods: GET, POST", "Access-Control-Allow-Origin: https://partner.example.org"],
            "the route's CorsKit policy \"partners\": its origin, its methods, no credentials");
        appToPartners.Status.Should().Be(HttpStatusCode.Forbidden, "\"partners\" does not allow the app's origin");
        appToPartners.AccessControl.Should().BeEmpty();
        foreach (var path in new[] { "/get-only/echo/preflight", "/partners/echo/preflight", "/partners/echo/preflight-app" })
        {
            (await _destination.CountAsync("OPTIONS", path)).Should().Be(0, await _destination.ArrivalsAsync());
        }
    }

    [Fact]
    public async Task An_OPTIONS_request_that_is_no_preflight_is_forwarded_like_any_request()
    {
        await using var gateway = await StartAsync();

        var answer = await gateway.SendAsync(Request(HttpMethod.Options, "/none/preflight/not-a-preflight", ("Origin", Gateway.AppOrigin)));

        answer.Status.Should().Be(HttpStatusCode.OK);
        answer.Body.Should().Be("none OPTIONS /none/preflight/not-a-preflight", "without Access-Control-Request-Method it is an ordinary request");
        answer.AccessControl.Should().Equal(Gateway.WebGrant);
        (await _destination.CountAsync("OPTIONS", "/none/preflight/not-a-preflight")).Should().Be(1, "the destination counts the OPTIONS that reach it");
    }

    private Task<Gateway> StartAsync(params RouteConfig[] more) => Gateway.StartAsync(_destination,
    [
        Gateway.Route("echo", "/echo/{**rest}"),
        Gateway.Route("star", "/star/{**rest}"),
        Gateway.Route("none", "/none/{**rest}"),
        .. more,
    ]);
}
