using System.Net;
using CorsKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.Tests.Hosting;

/// <summary>
/// An endpoint whose backend deliberately answers CORS (a gateway route) leaves its CORS headers
/// to itself, explicitly; CorsKit owns them everywhere else. Every exemption is in the startup
/// inventory an auditor reads.
/// </summary>
public sealed class EndpointExemptionTests
{
    private const string Json = """
        { "Cors": { "DefaultPolicy": "web", "Policies": { "web": { "Origins": [ "https://app.example" ], "Methods": [ "PUT" ], "AllowCredentials": true } } } }
        """;

    [Fact]
    public async Task An_endpoint_that_leaves_its_CORS_headers_to_itself_answers_them_and_its_preflights_and_the_guard_still_judges_its_writes()
    {
        var runs = new List<string>();
        await using var app = await StartAsync(a =>
        {
            a.MapMethods("/backend", ["GET", "POST", "OPTIONS"], (HttpContext context) =>
            {
                runs.Add(context.Request.Method);
                // A backend that answers CORS its own way: it echoes any origin.
                context.Response.Headers.AccessControlAllowOrigin = context.Request.Headers.Origin;
                context.Response.Headers.AccessControlAllowMethods = "PUT, DELETE";
                return context.Request.Method == "OPTIONS" ? Results.NoContent() : Results.Text("backend");
            }).LeaveCorsHeadersToEndpoint();
            a.MapGet("/owned", (HttpContext context) =>
            {
                context.Response.Headers.AccessControlAllowOrigin = context.Request.Headers.Origin;
                return "owned";
            });
        });
        var client = app.GetTestClient();

        var read = await client.SendAsync(Request(HttpMethod.Get, "/backend", ("Origin", "https://other.example")));
        var preflight = await client.SendAsync(Preflight("/backend", "https://other.example", "DELETE"));
        var write = await client.SendAsync(Request(HttpMethod.Post, "/backend", ("Origin", "https://evil.example")).WithBody("x", "text/plain"));
        var owned = await client.SendAsync(Request(HttpMethod.Get, "/owned", ("Origin", "https://other.example")));

        AccessControlHeaders(read).Should().Contain("Access-Control-Allow-Origin", "https://other.example", "the endpoint's own answer stands");
        preflight.StatusCode.Should().Be(HttpStatusCode.NoContent);
        AccessControlHeaders(preflight).Should().Contain("Access-Control-Allow-Methods", "PUT, DELETE", "the endpoint answered its own preflight");
        write.StatusCode.Should().Be(HttpStatusCode.Forbidden, "the CSRF guard still judges writes under the endpoint's policy");
        runs.Should().Equal("GET", "OPTIONS");
        AccessControlHeaders(owned).Should().BeEmpty("everywhere else CorsKit owns the CORS headers");
    }

    [Fact]
    public async Task The_startup_inventory_names_every_exemption_in_one_line()
    {
        await using var app = await StartAsync(a =>
        {
            a.MapPost("/payments/return", () => "ok").AllowCrossOriginFormPosts();
            a.MapGet("/admin", () => "admin").DisableStrictCors();
            a.MapGet("/legacy-backend", () => "backend").LeaveCorsHeadersToEndpoint();
            a.MapGet("/plain", () => "plain");
        });

        var inventory = app.Services.GetFakeLogCollector().GetSnapshot().Should().ContainSingle(r => r.Id.Id == CorsKitEventIds.EndpointInventory).Subject;

        inventory.Message.Should().Be(
            "CorsKit exemptions. Cross-origin form posts accepted by: HTTP: POST /payments/return. Authentication callback paths (form posts for their handlers only): none. "
            + "Cross-origin access disabled on: HTTP: GET /admin. CORS headers left to the endpoint on: HTTP: GET /legacy-backend.");
    }

    private static async Task<WebApplication> StartAsync(Action<WebApplication> endpoints)
    {
        var builder = TestHost.CreateBuilder(Json, out _);
        builder.Services.AddStrictCors();
        var app = builder.Build();
        app.UseStrictCors();
        endpoints(app);
        await app.StartAsync();
        return app;
    }
}
