using System.Net;
using CorsKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.IntegrationTests;

/// <summary>
/// The framework's CORS next to CorsKit, or another middleware's CORS headers, each reproduced in
/// a real WebApplication: policies configured with services.AddCors stop startup; a UseCors()
/// left in the pipeline, or headers written before CorsKit, grant nothing and are logged once,
/// and CorsKit's policy alone decides.
/// </summary>
public sealed class FrameworkCorsNextToCorsKitTests
{
    private const string Json = """
        { "Cors": { "DefaultPolicy": "a", "Policies": { "a": { "Origins": [ "https://a.example" ], "AllowCredentials": true } } } }
        """;

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
            .And.Contain(asDefault ? "services.AddCors(...) defines the default policy (AddDefaultPolicy)." : "services.AddCors(...) defines the policy 'legacy'.")
            .And.NotContain("__DefaultCorsPolicy")
            .And.Contain("Remove services.AddCors(...) and app.UseCors()");
    }

    /// <summary>
    /// The framework's middleware before CorsKit answers preflights itself (an empty 204 where
    /// CorsKit enforces), so the page's real preflights fail: seen when the pipeline is built, it
    /// stops startup instead of being logged on the first request.
    /// </summary>
    /// <remarks>
    /// The framework's CORS services come from <c>AddCors()</c>, from <c>AddControllers()</c> (the
    /// <c>--use-controllers</c> template), or, with neither, from CorsKit itself: a leftover
    /// <c>app.UseCors(p => p.WithOrigins(...))</c> is seen in each case.
    /// </remarks>
    [Theory]
    [InlineData("inline policy", "ReportOnly", "AddCors()")]
    [InlineData("inline policy", "Enforce", "AddCors()")]
    [InlineData("inline policy", "Enforce", "AddControllers()")]
    [InlineData("inline policy", "Enforce", "neither")]
    [InlineData("no policy", "Enforce", "AddCors()")]
    public async Task The_frameworks_UseCors_before_UseStrictCors_stops_startup_naming_the_order(string framework, string mode, string services)
    {
        var builder = TestHost.CreateBuilder(Json.Replace("{ \"Cors\": {", $"{{ \"Cors\": {{ \"Mode\": \"{mode}\",", StringComparison.Ordinal), out _);
        if (services == "AddControllers()")
        {
            builder.Services.AddControllers();
        }

        builder.Services.AddStrictCors();
        if (services == "AddCors()")
        {
            builder.Services.AddCors();
        }

        await using var app = builder.Build();
        if (framework == "inline policy")
        {
            app.UseCors(p => p.WithOrigins("https://legacy.example").AllowCredentials().WithMethods("PUT"));
        }
        else
        {
            app.UseCors();
        }

        app.UseStrictCors();
        app.MapGet("/data", () => "data");

        var start = () => app.StartAsync();

        (await start.Should().ThrowAsync<InvalidOperationException>())
            .Which.Message.Should().Contain("app.UseCors() runs before app.UseStrictCors()").And.Contain("Remove app.UseCors()");
    }

    [Fact]
    public async Task Framework_CORS_middleware_left_in_the_pipeline_grants_nothing_and_is_logged_once()
    {
        // An inline policy (UseCors(p => ...)) is not in CorsOptions: CorsKit sees it in the pipeline.
        var builder = TestHost.CreateBuilder(Json, out _);
        builder.Services.AddStrictCors();
        builder.Services.AddCors();
        await using var app = builder.Build();
        app.UseStrictCors();
        app.UseCors(p => p.WithOrigins("https://legacy.example").AllowCredentials().WithMethods("PUT"));

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
        app.Services.GetFakeLogCollector().GetSnapshot().Should().NotContain(r => r.Id.Id == CorsKitEventIds.CorsHeadersOverridden,
            "the framework's middleware writes nothing where CorsKit enforces: no header of its had to be replaced as the response started");
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
}
