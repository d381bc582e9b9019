using System.Net;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.EcosystemTests.Yarp;

/// <summary>
/// A YARP route's <c>"CorsPolicy"</c> names a CorsKit policy: YARP validates the name with the
/// framework's <c>ICorsPolicyProvider</c>, which answers from CorsKit's policies, at startup and on
/// every proxy-config reload; CorsKit then applies that policy to the route. YARP's reserved names
/// <c>"default"</c> and <c>"disable"</c> keep their meaning. A name no CorsKit policy has fails
/// YARP's validation with YARP's own message.
/// </summary>
[Collection(YarpTests.Name)]
public sealed class RouteCorsPolicyTests(DestinationFixture fixture)
{
    /// <summary>YARP's "Failed to apply the new config." (ProxyConfigManager, Error): a reload it refused.</summary>
    private const int YarpConfigRefused = 44;

    private static readonly TimeSpan ReloadLimit = TimeSpan.FromSeconds(30);
    private readonly Destination _destination = fixture.Destination;

    [Fact]
    public async Task Routes_naming_CorsKit_policies_default_and_disable_pass_YARPs_validation_and_get_those_policies()
    {
        await using var gateway = await Gateway.StartAsync(_destination,
        [
            Gateway.Route("partners", "/partners/{**rest}", corsPolicy: "partners"),
            Gateway.Route("default", "/default/{**rest}", corsPolicy: "default"),
            Gateway.Route("disabled", "/disabled/{**rest}", corsPolicy: "disable"),
        ]);

        var partner = await gateway.SendAsync(Request(HttpMethod.Get, "/partners/echo/policy", ("Origin", Gateway.PartnerOrigin)));
        var appToPartners = await gateway.SendAsync(Request(HttpMethod.Get, "/partners/echo/policy", ("Origin", Gateway.AppOrigin)));
        var appToDefault = await gateway.SendAsync(Request(HttpMethod.Get, "/default/echo/policy", ("Origin", Gateway.AppOrigin)));
        var appToDisabled = await gateway.SendAsync(Request(HttpMethod.Get, "/disabled/echo/policy", ("Origin", Gateway.AppOrigin)));
        var preflightToDisabled = await gateway.SendAsync(Preflight("/disabled/echo/policy", Gateway.AppOrigin, "GET"));

        gateway.RoutesInForce.Select(r => $"{r.RouteId}: {r.CorsPolicy}").Should().Equal("default: default", "disabled: disable", "partners: partners");
        partner.AccessControl.Should().Equal(["Access-Control-Allow-Origin: https://partner.example.org"], "the route's policy, without credentials");
        appToPartners.AccessControl.Should().BeEmpty("\"partners\" does not allow the app, though the default policy would");
        appToDefault.AccessControl.Should().Equal(Gateway.WebGrant, "\"default\" is CorsKit's default policy");
        appToDisabled.Status.Should().Be(HttpStatusCode.OK);
        appToDisabled.AccessControl.Should().BeEmpty("\"disable\" allows no cross-origin access");
        preflightToDisabled.Status.Should().Be(HttpStatusCode.Forbidden);
        preflightToDisabled.AccessControl.Should().BeEmpty();
        preflightToDisabled.Vary.Should().BeEmpty("no origin is allowed there, so the answer does not depend on the origin");
        (await _destination.CountAsync("OPTIONS", "/disabled/echo/policy")).Should().Be(0);
    }

    [Fact]
    public async Task A_route_added_by_a_reload_naming_another_CorsKit_policy_passes_YARPs_validation_and_takes_effect()
    {
        await using var gateway = await Gateway.StartAsync(_destination, [Gateway.Route("api", "/api/{**rest}", corsPolicy: "web")]);
        var before = await gateway.SendAsync(Request(HttpMethod.Get, "/partner-api/echo/reload", ("Origin", Gateway.PartnerOrigin)));

        gateway.ProxyConfig.Update(
            [Gateway.Route("api", "/api/{**rest}", corsPolicy: "web"), Gateway.Route("partner-api", "/partner-api/{**rest}", corsPolicy: "partners")],
            Gateway.Clusters(_destination));
        await gateway.WaitUntilAsync(() => gateway.RoutesInForce.Count == 2, "the added route naming \"partners\"", ReloadLimit);
        var partner = await gateway.SendAsync(Request(HttpMethod.Get, "/partner-api/echo/reload", ("Origin", Gateway.PartnerOrigin)));
        var appToPartnerApi = await gateway.SendAsync(Request(HttpMethod.Get, "/partner-api/echo/reload", ("Origin", Gateway.AppOrigin)));
        var appToApi = await gateway.SendAsync(Request(HttpMethod.Get, "/api/echo/reload", ("Origin", Gateway.AppOrigin)));

        before.Status.Should().Be(HttpStatusCode.NotFound, "the route did not exist yet");
        gateway.RoutesInForce.Select(r => $"{r.RouteId}: {r.CorsPolicy}").Should().Equal("api: web", "partner-api: partners");
        gateway.Logged(YarpConfigRefused).Should().BeEmpty("YARP applied the new configuration without error");
        partner.Status.Should().Be(HttpStatusCode.OK);
        partner.AccessControl.Should().Equal("Access-Control-Allow-Origin: https://partner.example.org");
        partner.VaryTokens.Should().Equal("Origin");
        appToPartnerApi.AccessControl.Should().BeEmpty("the new route names \"partners\", which does not allow the app");
        appToApi.AccessControl.Should().Equal(Gateway.WebGrant);
        (await _destination.CountAsync("GET", "/partner-api/echo/reload")).Should().Be(2);
    }

    [Fact]
    public async Task A_route_naming_an_unknown_policy_stops_startup_with_YARPs_message_naming_it()
    {
        var start = () => Gateway.StartAsync(_destination,
            [Gateway.Route("api", "/api/{**rest}", corsPolicy: "web"), Gateway.Route("reports", "/reports/{**rest}", corsPolicy: "reporting")]);

        var thrown = (await start.Should().ThrowAsync<InvalidOperationException>()).Which;

        thrown.Message.Should().Be("Unable to load or apply the proxy configuration.");
        var invalid = thrown.InnerException.Should().BeOfType<AggregateException>().Which;
        invalid.InnerExceptions.Select(e => e.Message).Should().Equal("CORS policy 'reporting' not found for route 'reports'.");
        invalid.InnerExceptions.Single().Should().BeOfType<ArgumentException>();
    }

    [Fact]
    public async Task A_reload_naming_an_unknown_policy_is_refused_by_YARP_and_the_last_routes_stay_in_force()
    {
        await using var gateway = await Gateway.StartAsync(_destination, [Gateway.Route("api", "/api/{**rest}", corsPolicy: "partners")]);

        gateway.ProxyConfig.Update(
            [Gateway.Route("api", "/api/{**rest}", corsPolicy: "web"), Gateway.Route("reports", "/reports/{**rest}", corsPolicy: "reporting")],
            Gateway.Clusters(_destination));
        await gateway.WaitUntilAsync(() => gateway.Logged(YarpConfigRefused).Count > 0, "YARP's error for the refused configuration", ReloadLimit);
        var partner = await gateway.SendAsync(Request(HttpMethod.Get, "/api/echo/refused", ("Origin", Gateway.PartnerOrigin)));
        var reports = await gateway.SendAsync(Request(HttpMethod.Get, "/reports/echo/refused", ("Origin", Gateway.AppOrigin)));

        var refused = gateway.Logged(YarpConfigRefused).Should().ContainSingle().Subject;
        refused.Level.ToString().Should().Be("Error");
        refused.Category.Should().Be("Yarp.ReverseProxy.Management.ProxyConfigManager");
        refused.Message.Should().Be("Failed to apply the new config.");
        refused.Exception.Should().BeOfType<AggregateException>()
            .Which.InnerExceptions.Select(e => e.Message).Should().Equal("CORS policy 'reporting' not found for route 'reports'.");
        gateway.RoutesInForce.Select(r => $"{r.RouteId}: {r.CorsPolicy}").Should().Equal(["api: partners"], "YARP keeps the last configuration it applied, whole");
        partner.AccessControl.Should().Equal(["Access-Control-Allow-Origin: https://partner.example.org"], "the route still names \"partners\"");
        reports.Status.Should().Be(HttpStatusCode.NotFound, "the refused route was never mapped");
        (await _destination.CountAsync("GET", "/reports/echo/refused")).Should().Be(0);

        // The next valid configuration is applied: nothing was left stuck.
        gateway.ProxyConfig.Update([Gateway.Route("api", "/api/{**rest}", corsPolicy: "web")], Gateway.Clusters(_destination));
        await gateway.WaitUntilAsync(() => gateway.RoutesInForce.Single().CorsPolicy == "web", "the next valid configuration", ReloadLimit);
        (await gateway.SendAsync(Request(HttpMethod.Get, "/api/echo/refused", ("Origin", Gateway.AppOrigin)))).AccessControl.Should().Equal(Gateway.WebGrant);
    }
}
