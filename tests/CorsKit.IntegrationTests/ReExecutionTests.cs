using System.Diagnostics.Metrics;
using System.Net;
using CorsKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.IntegrationTests;

/// <summary>
/// Error handlers that run the pipeline again (the exception handler, status-code pages): a
/// re-executed request keeps its first decision, is counted once, and a request CorsKit refused
/// is never run again.
/// </summary>
public sealed class ReExecutionTests
{
    private const string Json = """
        { "Cors": { "DefaultPolicy": "a", "Policies": {
            "a": { "Origins": [ "https://a.example" ], "Methods": [ "PUT" ], "AllowCredentials": true },
            "anonymous": { "Origins": [ "https://a.example" ], "Methods": [ "PUT" ] },
            "public": { "Origins": [ "*" ] } } } }
        """;

    [Fact]
    public async Task A_request_an_exception_handler_runs_again_keeps_its_first_decision_and_stays_readable()
    {
        var builder = TestHost.CreateBuilder(Json, out _);
        builder.Services.AddStrictCors();
        await using var app = builder.Build();
        app.UseExceptionHandler("/error");
        app.UseStrictCors();
        app.Map("/error", (HttpContext c) => Results.Problem("failed", statusCode: 500)).DisableStrictCors();
        app.MapPost("/orders", string () => throw new InvalidOperationException("boom"));
        await app.StartAsync();
        using var requests = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), "CorsKit", "corskit.requests");

        var response = await app.GetTestClient().SendAsync(
            Request(HttpMethod.Post, "/orders", ("Origin", "https://a.example")).WithBody("{}", "text/plain"));

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError, "the endpoint ran and failed; a 403 would tell the client it never ran");
        AccessControlHeaders(response).Should().Contain("Access-Control-Allow-Origin", "https://a.example");
        VaryTokens(response).Should().Contain("Origin");
        requests.GetMeasurementSnapshot().Should().ContainSingle("a re-executed request is counted once")
            .Which.Tags["cors.result"].Should().Be("allowed");
        app.Services.GetFakeLogCollector().GetSnapshot().Should().NotContain(r => r.Id.Id == CorsKitEventIds.CrossOriginRequestBlocked, "nothing was blocked");
    }

    [Fact]
    public async Task A_request_status_code_pages_run_again_keeps_its_first_decision_and_stays_readable()
    {
        var builder = TestHost.CreateBuilder(Json, out _);
        builder.Services.AddStrictCors();
        await using var app = builder.Build();
        app.UseStatusCodePagesWithReExecute("/status/{0}");
        app.UseStrictCors();
        app.Map("/status/{code}", (int code) => Results.Text($"status {code}", statusCode: code)).DisableStrictCors();
        app.MapPost("/orders/{id}", (int id) => Results.NotFound());
        await app.StartAsync();
        using var requests = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), "CorsKit", "corskit.requests");

        var response = await app.GetTestClient().SendAsync(
            Request(HttpMethod.Post, "/orders/7", ("Origin", "https://a.example")).WithBody("{}", "text/plain"));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).Should().Be("status 404");
        AccessControlHeaders(response).Should().Contain("Access-Control-Allow-Origin", "https://a.example");
        VaryTokens(response).Should().Contain("Origin");
        requests.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags["cors.result"].Should().Be("allowed");
    }

    /// <summary>
    /// Report-only writes nothing, also when an error handler runs the request again: the
    /// re-executed pass keeps the first decision's (report-only) answer and adds no Vary of its own.
    /// </summary>
    [Fact]
    public async Task A_report_only_policys_request_run_again_by_status_code_pages_gets_no_Vary_either()
    {
        var builder = TestHost.CreateBuilder("""
            { "Cors": { "DefaultPolicy": "a", "Policies": { "a": { "Mode": "ReportOnly", "Origins": [ "https://a.example" ] } } } }
            """, out _);
        builder.Services.AddStrictCors();
        await using var app = builder.Build();
        app.UseStatusCodePagesWithReExecute("/status/{0}");
        app.UseStrictCors();
        app.Map("/status/{code}", (int code) => Results.Text($"status {code}", statusCode: code)).DisableStrictCors();
        app.MapGet("/found", () => "found");
        app.MapGet("/missing", () => Results.NotFound());
        await app.StartAsync();

        var original = await app.GetTestClient().SendAsync(Request(HttpMethod.Get, "/found", ("Origin", "https://evil.example")));
        var reExecuted = await app.GetTestClient().SendAsync(Request(HttpMethod.Get, "/missing", ("Origin", "https://evil.example")));

        VaryTokens(original).Should().BeEmpty("report-only writes nothing");
        (await reExecuted.Content.ReadAsStringAsync()).Should().Be("status 404");
        VaryTokens(reExecuted).Should().BeEmpty("the re-executed pass keeps the first decision, which wrote nothing");
        AccessControlHeaders(reExecuted).Should().BeEmpty();
    }

    /// <summary>
    /// CorsKit's own refusals are final: status-code pages would run the error endpoint again with
    /// the refused request's method, body and cookies (a blocked cross-site POST, a denied
    /// preflight), so they are not re-executed.
    /// </summary>
    [Theory]
    [InlineData("blocked write")]
    [InlineData("denied preflight")]
    public async Task A_request_CorsKit_refused_is_never_run_again_by_status_code_pages(string refused)
    {
        var ran = new List<string>();
        var builder = TestHost.CreateBuilder(Json, out _);
        builder.Services.AddStrictCors();
        await using var app = builder.Build();
        app.UseStatusCodePagesWithReExecute("/status/{0}");
        app.UseStrictCors();
        app.Map("/status/{code}", (HttpContext context, int code) =>
        {
            ran.Add($"{context.Request.Method} /status/{code}");
            return Results.Text($"status {code}", statusCode: code);
        }).DisableStrictCors();
        app.MapPost("/orders", () => "ran");
        app.MapPut("/orders", () => "ran");
        await app.StartAsync();

        var response = await app.GetTestClient().SendAsync(refused == "blocked write"
            ? Request(HttpMethod.Post, "/orders", ("Origin", "https://evil.example")).WithBody("{}", "text/plain")
            : Preflight("/orders", "https://evil.example", "PUT"));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        ran.Should().BeEmpty("the error endpoint must not run with the refused request's method and body");
        (await response.Content.ReadAsStringAsync()).Should().BeEmpty();
        AccessControlHeaders(response).Should().BeEmpty();
        VaryTokens(response).Should().Contain("Origin");
    }
}
