using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using CorsKit.Testing;
using FluentAssertions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Xunit;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.IntegrationTests;

/// <summary>
/// Misassembled pipelines, each reproduced in a real WebApplication: the app must refuse to start
/// with a CorsKit message that names the fix, or, where it is only found on a request, log it
/// once and let CorsKit's policy alone decide.
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
                .And.Contain("Write: app.UseStrictCors(); app.UseAuthentication(); app.UseAuthorization();");
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
            .And.Contain("Write: app.UseStrictCors(); app.UseAuthentication(); app.UseAuthorization();");
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

    [Fact]
    public async Task MVC_registers_the_frameworks_CORS_services_and_still_starts()
    {
        var builder = TestHost.CreateBuilder(Json, out _);
        builder.Services.AddStrictCors();
        builder.Services.AddControllers();
        builder.Services.AddCors();
        await using var app = builder.Build();
        app.UseStrictCors();
        app.MapControllers();

        await app.StartAsync();

        app.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>>().Value.Should().NotBeNull();
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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Framework_CORS_policies_next_to_CorsKit_stop_startup_naming_what_to_remove(bool asDefault)
    {
        var builder = TestHost.CreateBuilder(Json, out _);
        builder.Services.AddStrictCors();
        builder.Services.AddCors(o =>
        {
            if (asDefault)
            {
                o.AddDefaultPolicy(p => p.WithOrigins("https://legacy.example"));
            }
            else
            {
                o.AddPolicy("legacy", p => p.WithOrigins("https://legacy.example"));
            }
        });
        await using var app = builder.Build();
        app.UseCors();
        app.UseStrictCors();
        app.MapGet("/", () => "ok");

        var start = () => app.StartAsync();

        (await start.Should().ThrowAsync<InvalidOperationException>())
            .Which.Message.Should().Contain("The framework's CORS is configured next to CorsKit")
            .And.Contain(asDefault ? "'__DefaultCorsPolicy'" : "'legacy'")
            .And.Contain("Remove services.AddCors(...) and app.UseCors()");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Framework_CORS_middleware_left_in_the_pipeline_grants_nothing_and_is_logged_once(bool frameworkFirst)
    {
        // An inline policy (UseCors(p => ...)) is not in CorsOptions: only a request shows it.
        var builder = TestHost.CreateBuilder(Json, out _);
        builder.Services.AddStrictCors();
        builder.Services.AddCors();
        await using var app = builder.Build();
        if (frameworkFirst)
        {
            app.UseCors(p => p.WithOrigins("https://legacy.example").AllowCredentials().WithMethods("PUT"));
            app.UseStrictCors();
        }
        else
        {
            app.UseStrictCors();
            app.UseCors(p => p.WithOrigins("https://legacy.example").AllowCredentials().WithMethods("PUT"));
        }

        app.MapGet("/data", () => "data");
        app.MapPut("/data", () => "written");
        await app.StartAsync();
        var client = app.GetTestClient();

        var legacy = await client.SendAsync(Request(HttpMethod.Get, "/data", ("Origin", "https://legacy.example")));
        var legacyPreflight = await client.SendAsync(Preflight("/data", "https://legacy.example", "PUT"));
        var allowed = await client.SendAsync(Request(HttpMethod.Get, "/data", ("Origin", "https://a.example")));

        AccessControlHeaders(legacy).Should().BeEmpty("CorsKit's policy does not allow that origin, and the framework's grants nothing");
        AccessControlHeaders(legacyPreflight).Should().BeEmpty();
        AccessControlHeaders(allowed).Should().Equal(new Dictionary<string, string>
        {
            ["Access-Control-Allow-Origin"] = "https://a.example",
            ["Access-Control-Allow-Credentials"] = "true",
        });
        var logged = app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Id.Id == CorsKitEventIds.FrameworkCorsUsed).ToList();
        logged.Should().ContainSingle().Which.Message.Should().Contain("Remove app.UseCors() and services.AddCors(...)");
        logged[0].Level.Should().Be(LogLevel.Error);
    }

    [Fact]
    public async Task CORS_headers_another_middleware_wrote_before_CorsKit_are_removed_and_logged_once()
    {
        var builder = TestHost.CreateBuilder(Json, out _);
        builder.Services.AddStrictCors();
        await using var app = builder.Build();
        app.Use((context, next) =>
        {
            context.Response.Headers.AccessControlAllowOrigin = context.Request.Headers.Origin;
            context.Response.Headers.AccessControlAllowCredentials = "true";
            return next(context);
        });
        app.UseStrictCors();
        app.MapGet("/data", () => "data");
        await app.StartAsync();
        var client = app.GetTestClient();

        var evil = await client.SendAsync(Request(HttpMethod.Get, "/data", ("Origin", "https://evil.example")));
        await client.SendAsync(Request(HttpMethod.Get, "/data", ("Origin", "https://evil.example")));

        AccessControlHeaders(evil).Should().BeEmpty();
        app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Id.Id == CorsKitEventIds.CorsHeadersBeforeCorsKit).Should().ContainSingle();
    }

    [Fact]
    public async Task Without_the_framework_nothing_is_reported()
    {
        var builder = TestHost.CreateBuilder(Json, out _);
        builder.Services.AddStrictCors();
        await using var app = builder.Build();
        app.UseStrictCors();
        app.MapGet("/data", () => "data").RequireStrictCors("a");
        await app.StartAsync();

        var response = await app.GetTestClient().SendAsync(Request(HttpMethod.Get, "/data", ("Origin", "https://a.example")));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        app.Services.GetFakeLogCollector().GetSnapshot().Should().NotContain(r => r.Id.Id == CorsKitEventIds.FrameworkCorsUsed || r.Id.Id == CorsKitEventIds.CorsHeadersBeforeCorsKit);
    }

    [Fact]
    public async Task Endpoints_added_after_startup_are_checked_and_kept_by_reloads()
    {
        var builder = TestHost.CreateBuilder("""
            { "Cors": { "DefaultPolicy": "a", "Policies": {
                "a": { "Origins": [ "https://a.example" ] },
                "late": { "Origins": [ "https://late.example" ] } } } }
            """, out var configuration);
        builder.Services.AddStrictCors();
        var source = new LateEndpoints();
        await using var app = builder.Build();
        app.UseStrictCors();
        ((IEndpointRouteBuilder)app).DataSources.Add(source);
        await app.StartAsync();
        var client = app.GetTestClient();
        var logs = app.Services.GetFakeLogCollector();

        source.Add("/late", "late");
        source.Add("/typo", "lat");
        source.Add("/typo-again", "lat");
        var late = await client.SendAsync(Request(HttpMethod.Get, "/late", ("Origin", "https://late.example")));
        var typo = await client.SendAsync(Request(HttpMethod.Get, "/typo", ("Origin", "https://late.example")));

        AccessControlHeaders(late).Should().Contain("Access-Control-Allow-Origin", "https://late.example");
        AccessControlHeaders(typo).Should().BeEmpty("an unknown policy name denies every origin");
        var problems = logs.GetSnapshot().Where(r => r.Id.Id == CorsKitEventIds.EndpointPolicyProblem).Select(r => r.Message).ToList();
        problems.Where(m => m.Contains("'/typo'", StringComparison.Ordinal)).Should().ContainSingle("each endpoint's problem is logged once, however often endpoints change");
        problems.Should().ContainSingle(m => m.Contains("'/typo-again'", StringComparison.Ordinal));
        problems.Should().AllSatisfy(m => m.Should().Contain("names the CORS policy 'lat', which does not exist"));

        // A reload that drops the policy only the late endpoint uses is refused.
        configuration.Set("""{ "Cors": { "DefaultPolicy": "a", "Policies": { "a": { "Origins": [ "https://a.example" ] } } } }""");
        var afterReload = await client.SendAsync(Request(HttpMethod.Get, "/late", ("Origin", "https://late.example")));

        AccessControlHeaders(afterReload).Should().Contain("Access-Control-Allow-Origin", "https://late.example");
        logs.GetSnapshot().Should().Contain(r => r.Id.Id == CorsKitEventIds.ReloadRefused && r.Message.Contains("Cors:Policies:late", StringComparison.Ordinal) && r.Message.Contains("'/late'", StringComparison.Ordinal));
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

    /// <summary>An endpoint data source that gains endpoints while the app runs, as plugins or dynamic routes do.</summary>
    private sealed class LateEndpoints : EndpointDataSource
    {
        private readonly List<Endpoint> _endpoints = [];
        private CancellationTokenSource _changed = new();

        public override IReadOnlyList<Endpoint> Endpoints => _endpoints;

        public override IChangeToken GetChangeToken() => new CancellationChangeToken(_changed.Token);

        public void Add(string path, string policy)
        {
            var builder = new RouteEndpointBuilder(c => c.Response.WriteAsync("late"), Microsoft.AspNetCore.Routing.Patterns.RoutePatternFactory.Parse(path), 0) { DisplayName = path };
            builder.Metadata.Add(new StrictCorsAttribute(policy));
            _endpoints.Add(builder.Build());
            var previous = _changed;
            _changed = new CancellationTokenSource();
            previous.Cancel();
        }
    }
}
