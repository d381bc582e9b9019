using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.IntegrationTests;

/// <summary>Per-endpoint policies: CorsKit's metadata and the framework's, on minimal APIs, groups and controllers.</summary>
public sealed class EndpointPolicyTests : IAsyncLifetime
{
    private EndpointPolicyApp _app = null!;

    public async Task InitializeAsync() => _app = await EndpointPolicyApp.StartAsync(app =>
    {
        app.MapGet("/default", () => "ran");
        app.MapGet("/strict-b", () => "ran").RequireStrictCors("b");
        app.MapGet("/disabled", () => "ran").DisableStrictCors();

        var group = app.MapGroup("/group").RequireStrictCors("b");
        group.MapGet("/inherits", () => "ran");
        group.MapGet("/overrides", () => "ran").RequireStrictCors("c");
        group.MapGet("/disabled", () => "ran").DisableStrictCors();
        var disabledGroup = app.MapGroup("/disabled-group").DisableStrictCors();
        disabledGroup.MapGet("/inherits", () => "ran");
        disabledGroup.MapGet("/reenabled", () => "ran").RequireStrictCors("c");

        app.MapGet("/framework/enable-b", () => "ran").WithMetadata(new EnableCorsAttribute("b"));
        app.MapGet("/framework/enable-default", () => "ran").WithMetadata(new EnableCorsAttribute());
        app.MapGet("/framework/disable", () => "ran").WithMetadata(new DisableCorsAttribute());
        app.MapGet("/framework/require-cors-b", () => "ran").RequireCors("b");
        app.MapGet("/mixed/framework-over-strict", () => "ran").RequireStrictCors("b").RequireCors("c");
        app.MapGet("/mixed/strict-over-framework", () => "ran").RequireCors("c").RequireStrictCors("b");

        app.MapPut("/put-only/b", () => "ran").RequireStrictCors("b");
        app.MapPut("/put-only/default", () => "ran");
        app.MapMethods("/patch-only/b", ["PATCH"], () => "ran").RequireStrictCors("b");
        app.MapControllers();
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/default", "a")]
    [InlineData("/strict-b", "b")]
    [InlineData("/disabled", "none")]
    [InlineData("/group/inherits", "b")]
    [InlineData("/group/overrides", "c")]
    [InlineData("/group/disabled", "none")]
    [InlineData("/disabled-group/inherits", "none")]
    [InlineData("/disabled-group/reenabled", "c")]
    public async Task Minimal_APIs_and_groups_use_the_most_specific_CorsKit_metadata(string path, string policy) =>
        (await _app.PolicyOfGet(path)).Should().Be(policy);

    [Theory]
    [InlineData("/framework/enable-b", "b")]
    [InlineData("/framework/enable-default", "a")]
    [InlineData("/framework/disable", "none")]
    [InlineData("/framework/require-cors-b", "b")]
    [InlineData("/mixed/framework-over-strict", "c")]
    [InlineData("/mixed/strict-over-framework", "b")]
    public async Task The_frameworks_EnableCors_DisableCors_and_RequireCors_are_honoured(string path, string policy) =>
        (await _app.PolicyOfGet(path)).Should().Be(policy);

    [Theory]
    [InlineData("/ctl/strict/inherits", "b")]
    [InlineData("/ctl/strict/overrides", "c")]
    [InlineData("/ctl/strict/disabled", "none")]
    [InlineData("/ctl/framework/inherits", "b")]
    [InlineData("/ctl/framework/default", "a")]
    [InlineData("/ctl/framework/disabled", "none")]
    [InlineData("/ctl/disabled/inherits", "none")]
    [InlineData("/ctl/disabled/reenabled", "c")]
    public async Task Controller_attributes_apply_with_the_action_over_the_controller(string path, string policy) =>
        (await _app.PolicyOfGet(path)).Should().Be(policy);

    [Theory]
    [InlineData("/put-only/b", "https://b.example", "PUT", "PUT, PATCH")]
    [InlineData("/patch-only/b", "https://b.example", "PATCH", "PUT, PATCH")]
    [InlineData("/put-only/default", "https://a.example", "PUT", "PUT")]
    [InlineData("/ctl/strict/put-only", "https://b.example", "PUT", "PUT, PATCH")]
    public async Task Preflight_for_an_endpoint_without_an_OPTIONS_route_is_answered_with_the_endpoints_policy(
        string path, string origin, string method, string allowMethods)
    {
        var response = await _app.Client.SendAsync(Preflight(path, origin, method));

        response.StatusCode.Should().Be(HttpStatusCode.NoContent, "routing must not answer 405");
        AccessControlHeaders(response).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Access-Control-Allow-Origin"] = origin,
            ["Access-Control-Allow-Methods"] = allowMethods,
        }.Concat(allowMethods.Contains("PATCH", StringComparison.Ordinal) ? [KeyValuePair.Create("Access-Control-Allow-Headers", "X-B")] : []));
        VaryTokens(response).Should().Equal(PreflightVary);
    }

    [Fact]
    public async Task Preflight_from_the_default_policys_origin_to_an_endpoint_with_another_policy_is_denied()
    {
        var response = await _app.Client.SendAsync(Preflight("/put-only/b", "https://a.example", "PUT"));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        AccessControlHeaders(response).Should().BeEmpty();
    }

    [Fact]
    public async Task A_disabled_endpoint_denies_preflights_and_blocks_cross_origin_writes_even_from_the_default_origin()
    {
        await using var app = await EndpointPolicyApp.StartAsync(a => a.MapPost("/admin", () => "ran").DisableStrictCors());

        var preflight = await app.Client.SendAsync(Preflight("/admin", "https://a.example", "POST", "content-type"));
        var post = await app.Client.SendAsync(Request(HttpMethod.Post, "/admin", ("Origin", "https://a.example")));
        var noOrigin = await app.Client.SendAsync(Request(HttpMethod.Post, "/admin"));

        preflight.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        AccessControlHeaders(preflight).Should().BeEmpty();
        post.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        noOrigin.StatusCode.Should().Be(HttpStatusCode.OK);
        (await noOrigin.Content.ReadAsStringAsync()).Should().Be("ran");
    }

    [Fact]
    public async Task Endpoints_with_framework_metadata_run_without_the_framework_CORS_middleware()
    {
        var response = await _app.Client.SendAsync(Request(HttpMethod.Get, "/framework/enable-b", ("Origin", "https://b.example")));

        response.StatusCode.Should().Be(HttpStatusCode.OK, "CorsKit tells the endpoint middleware that CORS metadata was handled");
        (await response.Content.ReadAsStringAsync()).Should().Be("ran");
    }

    [Fact]
    public async Task An_unknown_policy_name_on_a_minimal_API_stops_startup_naming_the_endpoint_and_the_name()
    {
        var start = () => EndpointPolicyApp.StartAsync(app => app.MapGet("/x", () => "ran").RequireStrictCors("missing"));

        (await start.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should()
            .Contain("Endpoint 'HTTP: GET /x' names the CORS policy 'missing', which does not exist (defined policies: a, b, c)")
            .And.Contain("Define it under Cors:Policies:missing");
    }

    [Fact]
    public async Task An_unknown_policy_name_on_a_controller_or_in_EnableCors_stops_startup()
    {
        var start = () => EndpointPolicyApp.StartAsync(
            app =>
            {
                app.MapGet("/y", () => "ran").RequireCors("also-missing");
                app.MapControllers();
            },
            optInControllers: typeof(UnknownPolicyController));

        (await start.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should()
            .Contain("CorsKit cannot start (2 problem(s)")
            .And.Contain("Endpoint 'HTTP: GET /y' names the CORS policy 'also-missing'")
            .And.Contain("UnknownPolicyController.Get (CorsKit.IntegrationTests)' names the CORS policy 'nonexistent'");
    }

    [Fact]
    public async Task A_policy_built_in_code_with_RequireCors_stops_startup_explaining_how_to_move_it_to_configuration()
    {
        var start = () => EndpointPolicyApp.StartAsync(app => app.MapGet("/inline", () => "ran").RequireCors(p => p.WithOrigins("https://x.example")));

        (await start.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should()
            .Contain("Endpoint 'HTTP: GET /inline' has a CORS policy built in code")
            .And.Contain("move it to Cors:Policies:<name> and write .RequireStrictCors(\"<name>\")");
    }

    [Fact]
    public async Task EnableCors_without_a_name_and_no_default_policy_stops_startup()
    {
        const string noDefault = """{ "Cors": { "Policies": { "a": { "Origins": [ "https://a.example" ] } } } }""";

        var start = () => EndpointPolicyApp.StartAsync(app => app.MapGet("/d", () => "ran").WithMetadata(new EnableCorsAttribute()), noDefault);

        (await start.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should()
            .Contain("[EnableCors] without a policy name, which means the default policy, but Cors:DefaultPolicy is not set");
    }

    [Fact]
    public async Task UseStrictCors_before_an_explicit_UseRouting_stops_startup_when_endpoints_carry_metadata()
    {
        var start = () => EndpointPolicyApp.StartAsync(
            app =>
            {
                app.UseStrictCors();
                app.UseRouting();
                app.MapGet("/b", () => "ran").RequireStrictCors("b");
            },
            useStrictCors: false);

        (await start.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should()
            .Contain("app.UseStrictCors() runs before app.UseRouting(), so it cannot see endpoint metadata such as that of 'HTTP: GET /b'");
    }

    [Fact]
    public async Task UseStrictCors_before_an_explicit_UseRouting_only_warns_when_no_endpoint_carries_metadata()
    {
        await using var app = await EndpointPolicyApp.StartAsync(
            a =>
            {
                a.UseStrictCors();
                a.UseRouting();
                a.MapGet("/plain", () => "ran");
            },
            useStrictCors: false);

        app.Logs.GetSnapshot().Should().ContainSingle(r => r.Id.Id == CorsKitEventIds.RunsBeforeRouting && r.Level == LogLevel.Warning)
            .Which.Message.Should().Contain("runs before app.UseRouting(): every endpoint gets the default policy");
        (await app.PolicyOfGet("/plain")).Should().Be("a");
    }

    [Fact]
    public async Task An_error_response_gets_back_the_headers_of_the_policy_that_allowed_the_request()
    {
        // The exception handler clears the response and the endpoint; the restored headers must
        // still come from the endpoint's policy "b", not from the default policy "a".
        await using var app = await EndpointPolicyApp.StartAsync(
            a =>
            {
                a.UseExceptionHandler(error => error.Run(context => context.Response.WriteAsync("error")));
                a.UseStrictCors();
                a.MapGet("/fails", string () => throw new InvalidOperationException("endpoint failed")).RequireStrictCors("b");
            },
            useStrictCors: false);

        var response = await app.Client.SendAsync(Request(HttpMethod.Get, "/fails", ("Origin", "https://b.example")));

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        AccessControlHeaders(response).Should().Equal(new Dictionary<string, string> { ["Access-Control-Allow-Origin"] = "https://b.example" });
        VaryTokens(response).Should().Equal("Origin");
        (await app.PolicyOfGet("/fails")).Should().Be("b");
    }

    [Fact]
    public async Task A_reload_that_unsets_the_default_policy_while_EnableCors_without_a_name_is_in_use_is_refused()
    {
        await using var app = await EndpointPolicyApp.StartAsync(a => a.MapGet("/d", () => "ran").WithMetadata(new EnableCorsAttribute()));
        var withoutDefault = EndpointPolicyApp.Policies.Replace("\"DefaultPolicy\": \"a\",", string.Empty, StringComparison.Ordinal);
        withoutDefault.Should().NotContain("DefaultPolicy");

        app.Configuration.Set(withoutDefault);

        (await app.PolicyOfGet("/d")).Should().Be("a", "the last good policies stay");
        app.Logs.GetSnapshot().Should().Contain(r => r.Id.Id == CorsKitEventIds.ReloadRefused && r.Message.Contains("Cors:DefaultPolicy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_reload_that_drops_a_policy_an_endpoint_uses_is_refused()
    {
        var withoutB = EndpointPolicyApp.Policies.Replace(
            "\"b\": { \"Origins\": [ \"https://b.example\" ], \"Methods\": [ \"PUT\", \"PATCH\" ], \"Headers\": [ \"X-B\" ] },", string.Empty, StringComparison.Ordinal);
        withoutB.Should().NotContain("\"b\":");

        _app.Configuration.Set(withoutB);

        (await _app.PolicyOfGet("/strict-b")).Should().Be("b", "the last good policies stay");
        _app.Logs.GetSnapshot().Should().Contain(r => r.Id.Id == CorsKitEventIds.ReloadRefused && r.Message.Contains("Cors:Policies:b: is missing, but endpoint", StringComparison.Ordinal));
    }
}
