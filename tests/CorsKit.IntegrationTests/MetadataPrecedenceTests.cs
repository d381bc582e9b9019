using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.IntegrationTests;

/// <summary>
/// The attack: MVC appends conventions (<c>MapControllers().RequireStrictCors(...)</c>,
/// <c>.RequireCors(...)</c>) after an action's attributes, so a reader that takes the last CORS
/// metadata lets a convention override an action's <c>[DisableCors]</c>: any site listed by the
/// convention's policy reads the "disabled" action, and cross-origin writes to it run. CorsKit
/// orders metadata by how specific it is instead: an action's attributes, then its controller's
/// (a derived class's over its base class's), then conventions; on minimal APIs, the endpoint's
/// own conventions and its handler's attributes, then its groups'.
/// </summary>
public sealed class MetadataPrecedenceTests
{
    [Theory]
    [InlineData("/ctl/plain/inherits", "c")]
    [InlineData("/ctl/plain/disabled", "none")]
    [InlineData("/ctl/plain/strict-disabled", "none")]
    [InlineData("/ctl/strict/inherits", "b")]
    [InlineData("/ctl/strict/overrides", "c")]
    [InlineData("/ctl/strict/disabled", "none")]
    [InlineData("/ctl/framework/inherits", "b")]
    [InlineData("/ctl/framework/default", "a")]
    [InlineData("/ctl/framework/disabled", "none")]
    [InlineData("/ctl/disabled/inherits", "none")]
    [InlineData("/ctl/disabled/reenabled", "c")]
    [InlineData("/ctl/derived/inherits", "b")]
    public async Task Controller_and_action_attributes_win_over_a_CorsKit_convention_on_MapControllers(string path, string policy)
    {
        await using var app = await EndpointPolicyApp.StartAsync(a => a.MapControllers().RequireStrictCors("c"));

        (await app.PolicyOfGet(path)).Should().Be(policy);
    }

    [Theory]
    [InlineData("/ctl/plain/inherits", "c")]
    [InlineData("/ctl/plain/disabled", "none")]
    [InlineData("/ctl/strict/disabled", "none")]
    [InlineData("/ctl/framework/disabled", "none")]
    [InlineData("/ctl/disabled/inherits", "none")]
    [InlineData("/ctl/derived/inherits", "b")]
    public async Task Controller_and_action_attributes_win_over_the_frameworks_RequireCors_convention(string path, string policy)
    {
        await using var app = await EndpointPolicyApp.StartAsync(a => a.MapControllers().RequireCors("c"));

        (await app.PolicyOfGet(path)).Should().Be(policy);
    }

    [Theory]
    [InlineData("/api/ctl/plain/inherits", "c")]
    [InlineData("/api/ctl/plain/disabled", "none")]
    [InlineData("/api/ctl/strict/inherits", "b")]
    public async Task Controller_and_action_attributes_win_over_a_route_group_around_MapControllers(string path, string policy)
    {
        await using var app = await EndpointPolicyApp.StartAsync(a => a.MapGroup("/api").RequireStrictCors("c").MapControllers());

        (await app.PolicyOfGet(path)).Should().Be(policy);
    }

    [Fact]
    public async Task A_disabled_action_under_a_convention_denies_preflights_and_blocks_cross_origin_writes()
    {
        await using var app = await EndpointPolicyApp.StartAsync(a => a.MapControllers().RequireStrictCors("c"));

        var preflight = await app.Client.SendAsync(Preflight("/ctl/plain/write-disabled", "https://c.example", "POST"));
        var write = await app.Client.SendAsync(Request(HttpMethod.Post, "/ctl/plain/write-disabled", ("Origin", "https://c.example"), ("Sec-Fetch-Site", "cross-site"))
            .WithBody("x", "text/plain"));

        preflight.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        AccessControlHeaders(preflight).Should().BeEmpty();
        write.StatusCode.Should().Be(HttpStatusCode.Forbidden, "the action's [DisableCors] wins over the convention's policy 'c'");
        AccessControlHeaders(write).Should().BeEmpty();
    }

    [Theory]
    [InlineData("/hubs/disabled", "none")]
    [InlineData("/hubs/disabled/negotiate", "none")]
    [InlineData("/hubs/b", "b")]
    public async Task A_hub_class_attribute_wins_over_a_convention_on_MapHub(string path, string policy)
    {
        await using var app = await EndpointPolicyApp.StartAsync(a =>
        {
            a.MapHub<DisabledHub>("/hubs/disabled").RequireStrictCors("c");
            a.MapHub<PolicyBHub>("/hubs/b").RequireCors("c");
        });

        (await app.PolicyOfGet(path)).Should().Be(policy);
    }

    [Theory]
    [InlineData("/g1/handler-disabled", "none")]
    [InlineData("/g2/handler-enabled", "c")]
    public async Task A_handlers_attribute_wins_over_its_route_groups_convention(string path, string policy)
    {
        await using var app = await EndpointPolicyApp.StartAsync(a =>
        {
            a.MapGroup("/g1").RequireStrictCors("b").MapGet("/handler-disabled", [DisableCors] () => "ran");
            a.MapGroup("/g2").DisableStrictCors().MapGet("/handler-enabled", [StrictCors("c")] () => "ran");
        });

        (await app.PolicyOfGet(path)).Should().Be(policy);
    }

    [Fact]
    public async Task A_handler_attribute_and_a_convention_on_the_same_endpoint_that_disagree_stop_startup_naming_the_endpoint()
    {
        var start = () => EndpointPolicyApp.StartAsync(a => a.MapGet("/both", [DisableCors] () => "ran").RequireStrictCors("b"));

        (await start.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should()
            .Contain("Endpoint 'HTTP: GET /both' carries contradicting CORS metadata at the same level")
            .And.Contain("[DisableCors]").And.Contain("policy 'b'")
            .And.Contain("Keep one");
    }

    [Fact]
    public async Task A_handler_attribute_and_a_convention_on_the_same_endpoint_that_agree_are_fine()
    {
        await using var app = await EndpointPolicyApp.StartAsync(a => a.MapGet("/both", [StrictCors("b")] () => "ran").RequireCors("b"));

        (await app.PolicyOfGet("/both")).Should().Be("b");
    }

    [Fact]
    public async Task Two_contradicting_attributes_on_one_action_stop_startup_naming_the_endpoint()
    {
        var start = () => EndpointPolicyApp.StartAsync(a => a.MapControllers(), optInControllers: typeof(ContradictoryActionController));

        (await start.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should()
            .Contain("Endpoint 'CorsKit.IntegrationTests.ContradictoryActionController.Get (CorsKit.IntegrationTests)' carries contradicting CORS metadata at the same level")
            .And.Contain("policy 'b'").And.Contain("[DisableCors]");
    }

    [Fact]
    public async Task Two_contradicting_attributes_on_one_controller_stop_startup_naming_the_endpoint()
    {
        var start = () => EndpointPolicyApp.StartAsync(a => a.MapControllers(), optInControllers: typeof(ContradictoryControllerController));

        (await start.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should()
            .Contain("Endpoint 'CorsKit.IntegrationTests.ContradictoryControllerController.Get (CorsKit.IntegrationTests)' carries contradicting CORS metadata at the same level")
            .And.Contain("policy 'b'").And.Contain("[DisableStrictCors]");
    }
}
