using System.Net;
using System.Text.Encodings.Web;
using CorsKit.Testing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.IntegrationTests;

/// <summary>
/// Misassembled pipelines, each reproduced in a real WebApplication: no UseStrictCors(),
/// UseStrictCors() after authentication or authorization, MVC's legacy routing. The app must
/// refuse to start with a CorsKit message that names the fix.
/// </summary>
public sealed class PipelineAssemblyTests
{
    private const string Json = """
        { "Cors": { "DefaultPolicy": "a", "Policies": { "a": { "Origins": [ "https://a.example" ], "AllowCredentials": true } } } }
        """;

    [Fact]
    public async Task AddStrictCors_without_UseStrictCors_stops_startup()
    {
        var builder = TestHost.CreateBuilder(Json, out _);
        builder.Services.AddStrictCors();
        await using var app = builder.Build();
        app.MapPost("/orders", () => "ran").RequireStrictCors("a");

        var start = () => app.StartAsync();

        (await start.Should().ThrowAsync<InvalidOperationException>())
            .Which.Message.Should().Contain("app.UseStrictCors() is never called").And.Contain("Add app.UseStrictCors() after routing")
            .And.NotContain("app.UseCors()", "an endpoint with CorsKit metadata must never lead to the framework's advice");
    }

    [Fact]
    public async Task UseStrictCors_after_UseAuthentication_or_UseAuthorization_stops_startup_naming_the_order()
    {
        foreach (var (useFirst, named) in new (Action<WebApplication>, string)[]
        {
            (a => a.UseAuthentication(), "app.UseAuthentication()"),
            (a => a.UseAuthorization(), "app.UseAuthorization()"),
        })
        {
            await using var app = BuildWithAuthentication();
            useFirst(app);

            var use = () => app.UseStrictCors();

            use.Should().Throw<InvalidOperationException>()
                .Which.Message.Should().Contain($"app.UseStrictCors() is called after {named}")
                .And.Contain("Write them in this order: app.UseStrictCors(); app.UseAuthentication(); app.UseAuthorization();");
        }
    }

    [Fact]
    public async Task Authorization_that_WebApplication_adds_ahead_of_CorsKit_stops_startup_when_an_endpoint_requires_it()
    {
        await using var app = BuildWithAuthentication();
        app.UseStrictCors();
        app.MapGet("/me", () => "me").RequireAuthorization();

        var start = () => app.StartAsync();

        (await start.Should().ThrowAsync<InvalidOperationException>())
            .Which.Message.Should().Contain("WebApplication adds app.UseAuthorization() ahead of app.UseStrictCors()").And.Contain("GET /me")
            .And.Contain("Write them in this order: app.UseStrictCors(); app.UseAuthentication(); app.UseAuthorization();");
    }

    /// <summary>
    /// The attack: an app registers an authentication scheme that answers requests itself (an
    /// OpenID Connect callback, OpenIddict's token endpoint) and never calls UseAuthentication():
    /// WebApplication adds it ahead of CorsKit, so those answers go out before the guard and
    /// without CORS headers. Before the fix the app started silently.
    /// </summary>
    [Fact]
    public async Task Authentication_that_WebApplication_adds_ahead_of_CorsKit_stops_startup_when_a_scheme_answers_requests()
    {
        var builder = TestHost.CreateBuilder(Json, out _);
        builder.Services.AddStrictCors();
        builder.Services.AddAuthentication(o => (o.DefaultScheme, o.DefaultChallengeScheme) = ("Cookies", "oidc"))
            .AddCookie("Cookies")
            .AddOpenIdConnect("oidc", o =>
            {
                o.Configuration = new() { Issuer = "https://idp.example", AuthorizationEndpoint = "https://idp.example/authorize" };
                o.ClientId = "corskit-test";
            });
        await using var app = builder.Build();
        app.UseStrictCors();
        app.MapGet("/", () => "home");

        var start = () => app.StartAsync();

        (await start.Should().ThrowAsync<InvalidOperationException>())
            .Which.Message.Should().Contain("WebApplication adds app.UseAuthentication() ahead of app.UseStrictCors()").And.Contain("scheme 'oidc'")
            .And.Contain("Write them in this order: app.UseStrictCors(); app.UseAuthentication(); app.UseAuthorization();");
    }

    [Fact]
    public async Task Authentication_that_WebApplication_adds_starts_when_no_scheme_answers_requests()
    {
        await using var app = BuildWithAuthentication();
        app.UseStrictCors();
        app.MapGet("/open", () => "open");

        await app.StartAsync();
        var response = await app.GetTestClient().SendAsync(Request(HttpMethod.Get, "/open", ("Origin", "https://a.example")));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(response).Should().Contain("Access-Control-Allow-Origin", "https://a.example");
    }

    [Fact]
    public async Task In_the_order_the_message_names_a_401_from_an_allowed_origin_is_readable()
    {
        await using var app = BuildWithAuthentication();
        app.UseStrictCors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/me", () => "me").RequireAuthorization();
        await app.StartAsync();

        var response = await app.GetTestClient().SendAsync(Request(HttpMethod.Get, "/me", ("Origin", "https://a.example")));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        AccessControlHeaders(response).Should().Contain("Access-Control-Allow-Origin", "https://a.example");
        VaryTokens(response).Should().Contain("Origin");
    }

    /// <summary>
    /// The attack: under MVC's legacy routing (<c>EnableEndpointRouting = false</c>, <c>app.UseMvc()</c>)
    /// controllers and pages are not endpoints, so CorsKit never sees their metadata: with a '*'
    /// default policy, a <c>[DisableCors]</c> controller was readable and writable from any origin.
    /// CorsKit refuses legacy routing whenever it is switched on, whether or not any controller
    /// carries CORS metadata (it cannot see them to tell), and in report-only mode too.
    /// </summary>
    [Theory]
    [InlineData("AddControllers + UseMvc()", "enforce")]
    [InlineData("AddMvc + UseMvcWithDefaultRoute()", "enforce")]
    [InlineData("AddControllers + UseMvc(), no CORS metadata", "enforce")]
    [InlineData("AddControllers + UseMvc()", "report-only")]
    public async Task Legacy_MVC_routing_stops_startup_naming_endpoint_routing(string assembly, string mode)
    {
        var json = $$"""
            { "Cors": { "Mode": "{{(mode == "enforce" ? "Enforce" : "ReportOnly")}}", "DefaultPolicy": "public",
                        "Policies": { "public": { "Origins": [ "*" ], "Methods": [ "GET", "POST" ] } } } }
            """;
        var builder = TestHost.CreateBuilder(json, out _);
        builder.Services.AddStrictCors();
        var mvc = assembly.StartsWith("AddMvc", StringComparison.Ordinal)
            ? builder.Services.AddMvc(o => o.EnableEndpointRouting = false)
            : builder.Services.AddControllers(o => o.EnableEndpointRouting = false);
        mvc.ConfigureApplicationPartManager(parts =>
        {
            parts.ApplicationParts.Clear();
            if (!assembly.EndsWith("no CORS metadata", StringComparison.Ordinal))
            {
                // PlainController's [DisableCors] actions, among the other test controllers.
                parts.ApplicationParts.Add(new AssemblyPart(typeof(PlainController).Assembly));
            }
        });
        await using var app = builder.Build();
        app.UseStrictCors();
        if (assembly.Contains("UseMvcWithDefaultRoute", StringComparison.Ordinal))
        {
            app.UseMvcWithDefaultRoute();
        }
        else
        {
            app.UseMvc();
        }

        var start = () => app.StartAsync();

        (await start.Should().ThrowAsync<InvalidOperationException>())
            .Which.Message.Should().Contain("MVC's legacy routing is on (MvcOptions.EnableEndpointRouting = false, for app.UseMvc())")
            .And.Contain("CorsKit cannot see their CORS metadata")
            .And.Contain("Use endpoint routing: remove EnableEndpointRouting = false and replace app.UseMvc() by app.MapControllers()");
    }

    private static WebApplication BuildWithAuthentication()
    {
        var builder = TestHost.CreateBuilder(Json, out _);
        builder.Services.AddStrictCors();
        builder.Services.AddAuthentication(Refusing.Name).AddScheme<AuthenticationSchemeOptions, Refusing>(Refusing.Name, null);
        builder.Services.AddAuthorization();
        return builder.Build();
    }

    /// <summary>An authentication scheme that authenticates nobody and challenges with a plain 401.</summary>
    private sealed class Refusing(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string Name = "refusing";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(AuthenticateResult.NoResult());
    }
}
