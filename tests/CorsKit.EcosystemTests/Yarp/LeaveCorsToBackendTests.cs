using System.Net;
using Microsoft.AspNetCore.Builder;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.EcosystemTests.Yarp;

/// <summary>
/// A backend that must own its CORS answer (a legacy service with its own allow-list) is an
/// explicit opt-out: <c>.LeaveCorsHeadersToEndpoint()</c> on what <c>MapReverseProxy()</c> returns,
/// or on chosen routes through YARP's <c>ConfigureEndpoints</c>. Its answers and preflights then pass
/// through untouched, the startup inventory (EventId 1014) names the routes, and CorsKit's CSRF guard
/// still blocks disallowed cross-origin writes before they are forwarded.
/// </summary>
[Collection(YarpTests.Name)]
public sealed class LeaveCorsToBackendTests(DestinationFixture fixture)
{
    private const string OtherOrigin = "https://other.example";
    private readonly Destination _destination = fixture.Destination;

    [Fact]
    public async Task The_backends_own_answer_passes_through_untouched()
    {
        await using var gateway = await Gateway.StartAsync(_destination, [Gateway.Route("legacy", "/legacy/{**rest}")], proxy => proxy.LeaveCorsHeadersToEndpoint());

        var answer = await gateway.SendAsync(Request(HttpMethod.Get, "/legacy/echo/left", ("Origin", OtherOrigin)));

        answer.Status.Should().Be(HttpStatusCode.OK);
        answer.AccessControl.Should().Equal(
            ["Access-Control-Allow-Credentials: true", "Access-Control-Allow-Origin: https://other.example", "Access-Control-Expose-Headers: X-Destination-Mode"],
            "the backend's echo, for an origin CorsKit's policy does not list");
        answer.VaryTokens.Should().Equal("Origin");
        gateway.Logged(CorsKitEventIds.CorsHeadersOverridden).Should().BeEmpty();
    }

    [Fact]
    public async Task The_backends_preflight_is_forwarded_and_answered_by_the_backend()
    {
        await using var gateway = await Gateway.StartAsync(_destination, [Gateway.Route("legacy", "/legacy/{**rest}")], proxy => proxy.LeaveCorsHeadersToEndpoint());

        var answer = await gateway.SendAsync(Preflight("/legacy/echo/left-preflight", OtherOrigin, "PATCH", "x-legacy"));

        answer.Status.Should().Be(HttpStatusCode.NoContent);
        answer.AccessControl.Should().Equal(
            "Access-Control-Allow-Credentials: true",
            "Access-Control-Allow-Headers: x-legacy",
            "Access-Control-Allow-Methods: GET, POST, PUT, PATCH, DELETE",
            "Access-Control-Allow-Origin: https://other.example",
            "Access-Control-Max-Age: 86400");
        answer.VaryTokens.Should().Equal("Origin");
        (await _destination.CountAsync("OPTIONS", "/legacy/echo/left-preflight")).Should().Be(1, "the preflight was forwarded");
    }

    [Fact]
    public async Task The_CSRF_guard_still_blocks_a_disallowed_cross_origin_write_before_forwarding()
    {
        await using var gateway = await Gateway.StartAsync(_destination, [Gateway.Route("legacy", "/legacy/{**rest}")], proxy => proxy.LeaveCorsHeadersToEndpoint());

        var blocked = await gateway.SendAsync(Request(HttpMethod.Post, "/legacy/echo/left-write-evil", ("Origin", Gateway.EvilOrigin), ("Sec-Fetch-Site", "cross-site"))
            .WithBody("transfer=all", "text/plain"));
        var allowed = await gateway.SendAsync(Request(HttpMethod.Post, "/legacy/echo/left-write-app", ("Origin", Gateway.AppOrigin), ("Sec-Fetch-Site", "cross-site"))
            .WithBody("note=hello", "text/plain"));

        blocked.Status.Should().Be(HttpStatusCode.Forbidden, "the guard judges writes under the route's policy (\"web\"), whoever answers CORS");
        blocked.AccessControl.Should().BeEmpty();
        blocked.Vary.Should().Equal("Origin");
        allowed.Status.Should().Be(HttpStatusCode.OK);
        allowed.AccessControl.Should().Equal(
            "Access-Control-Allow-Credentials: true", "Access-Control-Allow-Origin: https://app.example.com", "Access-Control-Expose-Headers: X-Destination-Mode");
        allowed.Body.Should().Be("echo POST /legacy/echo/left-write-app received: note=hello");
        (await _destination.CountAsync("POST", "/legacy/echo/left-write-evil")).Should().Be(0, await _destination.ArrivalsAsync());
        (await _destination.CountAsync("POST", "/legacy/echo/left-write-app")).Should().Be(1);
    }

    [Fact]
    public async Task Only_the_routes_chosen_by_a_convention_are_left_to_their_backend_and_the_inventory_names_them()
    {
        var legacy = Gateway.Route("legacy", "/legacy/{**rest}") with { Metadata = new Dictionary<string, string> { ["CorsOwner"] = "backend" } };
        await using var gateway = await Gateway.StartAsync(_destination, [legacy, Gateway.Route("api", "/api/{**rest}")], proxy => proxy.ConfigureEndpoints((endpoint, route) =>
        {
            if (route.Metadata?.GetValueOrDefault("CorsOwner") == "backend")
            {
                endpoint.LeaveCorsHeadersToEndpoint();
            }
        }));

        var left = await gateway.SendAsync(Request(HttpMethod.Get, "/legacy/echo/convention", ("Origin", OtherOrigin)));
        var owned = await gateway.SendAsync(Request(HttpMethod.Get, "/api/echo/convention", ("Origin", OtherOrigin)));

        left.Status.Should().Be(HttpStatusCode.OK);
        left.AccessControl.Should().Equal(
            "Access-Control-Allow-Credentials: true", "Access-Control-Allow-Origin: https://other.example", "Access-Control-Expose-Headers: X-Destination-Mode");
        owned.Status.Should().Be(HttpStatusCode.OK);
        owned.AccessControl.Should().BeEmpty("CorsKit owns every other route's headers, and its policy does not allow that origin");
        owned.VaryTokens.Should().Equal("Origin");
        gateway.Logged(CorsKitEventIds.EndpointInventory).Select(r => r.Message).Should().Equal(
            "CorsKit exemptions. Cross-origin form posts accepted by: none. Authentication callback paths (form posts for their handlers only): none. "
            + "Cross-origin access disabled on: none. CORS headers left to the endpoint on: legacy.");
    }

    [Fact]
    public async Task The_inventory_names_every_proxied_route_left_to_its_backend_and_again_after_a_reload()
    {
        await using var gateway = await Gateway.StartAsync(_destination,
            [Gateway.Route("legacy", "/legacy/{**rest}"), Gateway.Route("billing", "/billing/{**rest}")], proxy => proxy.LeaveCorsHeadersToEndpoint());

        gateway.ProxyConfig.Update([Gateway.Route("legacy", "/legacy/{**rest}"), Gateway.Route("reports", "/reports/{**rest}")], Gateway.Clusters(_destination));
        await gateway.WaitUntilAsync(() => gateway.Logged(CorsKitEventIds.EndpointInventory).Count == 2, "the inventory logged again for the reloaded routes", TimeSpan.FromSeconds(30));

        gateway.Logged(CorsKitEventIds.EndpointInventory).Select(r => r.Message[r.Message.IndexOf("CORS headers left", StringComparison.Ordinal)..]).Should().Equal(
            "CORS headers left to the endpoint on: billing, legacy.",
            "CORS headers left to the endpoint on: legacy, reports.");
    }
}
