using System.Net;
using CorsKit.RazorTestApp.Components;
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
/// own conventions and its handler's attributes, then its groups'. The same holds for the endpoints
/// the framework builds from other attributed types: Razor components (their attributes, then
/// conventions on <c>MapRazorComponents&lt;App&gt;()</c>) and Razor Pages (the page's and its page
/// model's attributes, then conventions in <c>RazorPagesOptions.Conventions</c>, then conventions on
/// <c>MapRazorPages()</c>).
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

    private const string PublicConvention = """
        {
          "Cors": {
            "DefaultPolicy": "a",
            "Policies": {
              "a": { "Origins": [ "https://a.example" ] },
              "b": { "Origins": [ "https://b.example" ] },
              "public": { "Origins": [ "*" ], "Methods": [ "GET", "POST" ] }
            }
          }
        }
        """;

    [Theory]
    [InlineData("/components/plain", "c")]
    [InlineData("/components/disabled", "none")]
    [InlineData("/components/strict-disabled", "none")]
    [InlineData("/components/b", "b")]
    [InlineData("/components/inherits-disabled", "none")]
    [InlineData("/components/reenabled", "b")]
    public async Task A_razor_components_attributes_win_over_a_CorsKit_convention_on_MapRazorComponents(string path, string policy)
    {
        await using var app = await EndpointPolicyApp.StartAsync(a =>
        {
            a.UseAntiforgery();
            a.MapRazorComponents<App>().RequireStrictCors("c");
        }, services: EndpointPolicyApp.AddRazor());

        (await app.PolicyOfGet(path)).Should().Be(policy);
    }

    [Theory]
    [InlineData("/components/plain", "c")]
    [InlineData("/components/disabled", "none")]
    [InlineData("/components/b", "b")]
    [InlineData("/components/reenabled", "b")]
    public async Task A_razor_components_attributes_win_over_the_frameworks_RequireCors_convention(string path, string policy)
    {
        await using var app = await EndpointPolicyApp.StartAsync(a =>
        {
            a.UseAntiforgery();
            a.MapRazorComponents<App>().RequireCors("c");
        }, services: EndpointPolicyApp.AddRazor());

        (await app.PolicyOfGet(path)).Should().Be(policy);
    }

    [Fact]
    public async Task A_disabled_razor_component_under_a_public_convention_grants_no_origin_and_blocks_cross_origin_posts()
    {
        await using var app = await EndpointPolicyApp.StartAsync(a =>
        {
            a.UseAntiforgery();
            a.MapRazorComponents<App>().RequireStrictCors("public");
        }, PublicConvention, services: EndpointPolicyApp.AddRazor());

        await AssertDisabledUnderPublicConvention(app, "/components/disabled", "ran disabled component", "/components/plain");
    }

    [Fact]
    public async Task Two_contradicting_attributes_on_one_razor_component_stop_startup_naming_the_endpoint()
    {
        var start = () => EndpointPolicyApp.StartAsync(a =>
        {
            a.UseAntiforgery();
            a.MapRazorComponents<ContradictoryComponentsApp>();
        }, services: EndpointPolicyApp.AddRazor());

        (await start.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should()
            .Contain("Endpoint '/components/contradictory (/components/contradictory)' carries contradicting CORS metadata at the same level (on its component class ContradictoryComponent)")
            .And.Contain("policy 'b'").And.Contain("[DisableCors]");
    }

    [Theory]
    [InlineData("/Plain", "c")]
    [InlineData("/Models/Disabled", "none")]
    [InlineData("/Models/StrictB", "b")]
    [InlineData("/Models/InheritsDisabled", "none")]
    [InlineData("/Models/Reenabled", "b")]
    [InlineData("/Inline/Disabled", "none")]
    [InlineData("/Inline/OnPageWithModel", "none")]
    public async Task A_razor_pages_attributes_win_over_a_folder_convention(string path, string policy)
    {
        await using var app = await EndpointPolicyApp.StartAsync(
            a => a.MapRazorPages(),
            services: EndpointPolicyApp.AddRazor(o => o.Conventions.AddFolderApplicationModelConvention("/", m => m.EndpointMetadata.Add(new StrictCorsAttribute("c")))));

        (await app.PolicyOfGet(path)).Should().Be(policy);
    }

    [Theory]
    [InlineData("/Plain", "c")]
    [InlineData("/Models/Disabled", "none")]
    [InlineData("/Models/StrictB", "b")]
    [InlineData("/Models/InheritsDisabled", "none")]
    [InlineData("/Models/Reenabled", "b")]
    [InlineData("/Inline/Disabled", "none")]
    [InlineData("/Inline/OnPageWithModel", "none")]
    public async Task A_razor_pages_attributes_win_over_a_convention_on_MapRazorPages(string path, string policy)
    {
        await using var app = await EndpointPolicyApp.StartAsync(a => a.MapRazorPages().RequireCors("c"), services: EndpointPolicyApp.AddRazor());

        (await app.PolicyOfGet(path)).Should().Be(policy);
    }

    [Theory]
    [InlineData("/Plain", "c")]
    [InlineData("/Models/Disabled", "none")]
    public async Task A_page_convention_wins_over_a_convention_on_MapRazorPages_and_loses_to_the_pages_attributes(string path, string policy)
    {
        await using var app = await EndpointPolicyApp.StartAsync(
            a => a.MapRazorPages().RequireStrictCors("b"),
            services: EndpointPolicyApp.AddRazor(o => o.Conventions.AddPageApplicationModelConvention(path, m => m.EndpointMetadata.Add(new EnableCorsAttribute("c")))));

        (await app.PolicyOfGet(path)).Should().Be(policy);
    }

    [Fact]
    public async Task A_disabled_razor_page_under_a_public_folder_convention_grants_no_origin_and_blocks_cross_origin_posts()
    {
        await using var app = await EndpointPolicyApp.StartAsync(
            a => a.MapRazorPages(),
            PublicConvention,
            services: EndpointPolicyApp.AddRazor(o => o.Conventions.AddFolderApplicationModelConvention("/", m => m.EndpointMetadata.Add(new EnableCorsAttribute("public")))));

        await AssertDisabledUnderPublicConvention(app, "/Models/Disabled", "ran Pages/Models/Disabled", "/Plain");
    }

    [Fact]
    public async Task A_page_model_and_its_page_that_disagree_stop_startup_naming_the_endpoint()
    {
        var start = () => EndpointPolicyApp.StartAsync(a => a.MapRazorPages(), services: EndpointPolicyApp.AddRazor(o => o.RootDirectory = "/ContradictoryPages"));

        (await start.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should()
            .Contain("Endpoint '/Index' carries contradicting CORS metadata at the same level (on its page /ContradictoryPages/Index.cshtml and its page model class ContradictoryModel)")
            .And.Contain("policy 'b'").And.Contain("[DisableCors]");
    }

    /// <summary>
    /// The attack on a disabled component or page under a convention naming a public ('*') policy:
    /// another site reads it (a GET, a preflight) or posts to it. The control path, with no
    /// attribute, gets the public policy: the convention is in force.
    /// </summary>
    private static async Task AssertDisabledUnderPublicConvention(EndpointPolicyApp app, string disabled, string rendered, string control)
    {
        const string Evil = "https://evil.example";
        var read = await app.Client.SendAsync(Request(HttpMethod.Get, disabled,
            ("Origin", Evil), ("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "cors"), ("Sec-Fetch-Dest", "empty")));
        var preflight = await app.Client.SendAsync(Preflight(disabled, Evil, "POST", "content-type"));
        var post = await app.Client.SendAsync(Request(HttpMethod.Post, disabled,
                ("Origin", Evil), ("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "navigate"), ("Sec-Fetch-Dest", "document"))
            .WithBody("name=x", "application/x-www-form-urlencoded"));
        var controlRead = await app.Client.SendAsync(Request(HttpMethod.Get, control,
            ("Origin", Evil), ("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "cors"), ("Sec-Fetch-Dest", "empty")));

        read.StatusCode.Should().Be(HttpStatusCode.OK, "a safe request runs; the browser hides the answer");
        (await read.Content.ReadAsStringAsync()).Should().Contain(rendered);
        AccessControlHeaders(read).Should().BeEmpty($"{disabled} disables CORS, whatever the convention's public policy grants");
        preflight.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        AccessControlHeaders(preflight).Should().BeEmpty();
        post.StatusCode.Should().Be(HttpStatusCode.Forbidden, "the CSRF guard blocks a cross-origin form post to a disabled endpoint before it runs");
        AccessControlHeaders(post).Should().BeEmpty();
        (await post.Content.ReadAsStringAsync()).Should().NotContain(rendered);
        controlRead.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(controlRead).Should().Equal(new Dictionary<string, string> { ["Access-Control-Allow-Origin"] = "*" });
    }
}
