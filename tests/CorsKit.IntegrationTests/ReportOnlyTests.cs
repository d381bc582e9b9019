using System.Diagnostics.Metrics;
using System.Net;
using CorsKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.IntegrationTests;

/// <summary>
/// Report-only mode: every request evaluated as when enforcing, nothing changed, every would-be
/// denial reported through logs and the counter.
/// </summary>
public sealed class ReportOnlyTests(ITestOutputHelper output)
{
    private const string A = "https://a.example";
    private const string B = "https://b.example";
    private const string Evil = "https://evil.example";

    private static string Json(string root = "\"Mode\": \"ReportOnly\",", string policy = "") => $$"""
        { "Cors": { {{root}} "DefaultPolicy": "web", "Policies": {
            "web": { {{policy}} "Origins": [ "{{A}}" ], "Methods": [ "PUT" ], "Headers": [ "Content-Type" ], "AllowCredentials": true },
            "other": { "Origins": [ "{{B}}" ] } } } }
        """;

    [Fact]
    public async Task Report_only_changes_nothing_and_reports_each_would_be_denial()
    {
        var runs = 0;
        await using var app = await StartAsync(Json(), a =>
        {
            a.MapGet("/data", () => "data");
            a.MapPost("/orders", () => { runs++; return "ran"; });
            a.MapPut("/orders", () => { runs++; return "ran"; });
        });
        using var requests = Counter(app);
        var client = app.GetTestClient();

        var allowed = await client.SendAsync(Request(HttpMethod.Get, "/data", ("Origin", A)));
        var foreign = await client.SendAsync(Request(HttpMethod.Get, "/data", ("Origin", Evil)));
        var header = await client.SendAsync(Preflight("/orders", A, "PUT", "content-type,x-trace"));
        var method = await client.SendAsync(Preflight("/orders", A, "DELETE"));
        var write = await client.SendAsync(Request(HttpMethod.Post, "/orders", ("Origin", Evil)).WithBody("x", "text/plain"));

        foreach (var response in new[] { allowed, foreign, header, method, write })
        {
            AccessControlHeaders(response).Should().BeEmpty("report-only mode writes no header");
            response.Headers.Vary.Should().BeEmpty();
        }

        header.StatusCode.Should().Be(HttpStatusCode.NoContent, "without another CORS middleware a preflight gets an empty answer, never the endpoint");
        write.StatusCode.Should().Be(HttpStatusCode.OK, "report-only blocks nothing");
        runs.Should().Be(1, "only the write ran; no preflight reached the endpoint");
        var reports = Reports(app);
        reports.Should().HaveCount(4);
        reports.Should().ContainSingle(r => r.Id.Id == CorsKitEventIds.ReportOnlyWouldDeny && r.Message.Contains($"origin '{Evil}'", StringComparison.Ordinal) && r.Message.Contains("origin_not_allowed", StringComparison.Ordinal));
        reports.Should().ContainSingle(r => r.Id.Id == CorsKitEventIds.ReportOnlyWouldDeny && r.Message.Contains("header_not_allowed 'x-trace'", StringComparison.Ordinal));
        reports.Should().ContainSingle(r => r.Id.Id == CorsKitEventIds.ReportOnlyWouldDeny && r.Message.Contains("method_not_allowed 'DELETE'", StringComparison.Ordinal));
        reports.Should().ContainSingle(r => r.Id.Id == CorsKitEventIds.ReportOnlyWouldBlock && r.Message.Contains($"POST from origin '{Evil}'", StringComparison.Ordinal));
        var measurements = requests.GetMeasurementSnapshot();
        measurements.Should().HaveCount(5).And.OnlyContain(m => (string)m.Tags["cors.mode"]! == "report_only");
        measurements.Select(m => (string)m.Tags["cors.result"]!).Should().BeEquivalentTo(["allowed", "denied", "denied", "denied", "blocked"]);
    }

    [Fact]
    public async Task The_guard_can_report_while_CORS_enforces_and_can_be_off()
    {
        var runs = 0;
        await using var reporting = await StartAsync(Json(root: "\"CrossOriginGuard\": \"ReportOnly\","), a => a.MapPost("/orders", () => runs++));
        await using var off = await StartAsync(Json(root: "\"CrossOriginGuard\": \"Off\","), a => a.MapPost("/orders", () => runs++));

        var allowed = await reporting.GetTestClient().SendAsync(Request(HttpMethod.Post, "/orders", ("Origin", A)).WithBody("x", "text/plain"));
        var reported = await reporting.GetTestClient().SendAsync(Request(HttpMethod.Post, "/orders", ("Origin", Evil)).WithBody("x", "text/plain"));
        var unguarded = await off.GetTestClient().SendAsync(Request(HttpMethod.Post, "/orders", ("Origin", Evil)).WithBody("x", "text/plain"));

        AccessControlHeaders(allowed).Should().Contain("Access-Control-Allow-Origin", A, "CORS still enforces");
        reported.StatusCode.Should().Be(HttpStatusCode.OK);
        unguarded.StatusCode.Should().Be(HttpStatusCode.OK);
        runs.Should().Be(3);
        Reports(reporting).Should().ContainSingle().Which.Id.Id.Should().Be(CorsKitEventIds.ReportOnlyWouldBlock);
        Reports(off).Should().BeEmpty();
    }

    [Fact]
    public async Task A_policy_can_report_on_its_own_while_the_others_enforce()
    {
        await using var app = await StartAsync(Json(root: string.Empty, policy: "\"Mode\": \"ReportOnly\","), a =>
        {
            a.MapGet("/web", () => "web");
            a.MapGet("/other", () => "other").RequireStrictCors("other");
        });
        var client = app.GetTestClient();

        var web = await client.SendAsync(Request(HttpMethod.Get, "/web", ("Origin", A)));
        var other = await client.SendAsync(Request(HttpMethod.Get, "/other", ("Origin", B)));
        var blocked = await client.SendAsync(Request(HttpMethod.Post, "/web", ("Origin", Evil)).WithBody("x", "text/plain"));

        AccessControlHeaders(web).Should().BeEmpty();
        AccessControlHeaders(other).Should().Contain("Access-Control-Allow-Origin", B);
        blocked.StatusCode.Should().Be(HttpStatusCode.Forbidden, "the guard follows the section's mode, which enforces");
    }

    [Fact]
    public async Task Guard_settings_that_contradict_each_other_stop_startup()
    {
        var start = () => StartAsync(Json(root: "\"BlockCrossOriginUnsafeRequests\": false, \"CrossOriginGuard\": \"Enforce\","), _ => { });

        (await start.Should().ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>())
            .Which.Message.Should().Contain("Cors:CrossOriginGuard").And.Contain("Keep only CrossOriginGuard");
    }

    /// <summary>
    /// The framework's middleware answers a preflight only when it finds a policy; without one it
    /// passes the request on, and the endpoint routing selected for the preflight would run.
    /// </summary>
    [Fact]
    public async Task A_report_only_preflight_never_runs_the_endpoint_when_the_frameworks_UseCors_finds_no_policy()
    {
        var runs = 0;
        var builder = TestHost.CreateBuilder(Json(root: string.Empty, policy: "\"Mode\": \"ReportOnly\","), out _);
        builder.Services.AddCors();
        builder.Services.AddStrictCors();
        await using var app = builder.Build();
        app.UseStrictCors();
        app.UseCors();
        // CORS metadata makes routing select the DELETE endpoint for the preflight.
        app.MapDelete("/orders", () => { runs++; return "deleted"; }).RequireStrictCors("web");
        await app.StartAsync();
        var client = app.GetTestClient();

        var preflight = await client.SendAsync(Preflight("/orders", Evil, "DELETE"));
        var delete = await client.SendAsync(Request(HttpMethod.Delete, "/orders", ("Origin", Evil)));

        runs.Should().Be(0, "neither the preflight nor the write may run the DELETE handler");
        preflight.StatusCode.Should().Be(HttpStatusCode.NoContent, "an empty answer that grants nothing");
        AccessControlHeaders(preflight).Should().BeEmpty();
        delete.StatusCode.Should().Be(HttpStatusCode.Forbidden, "the guard enforces");
        app.Services.GetFakeLogCollector().GetSnapshot().Should().ContainSingle(r => r.Id.Id == CorsKitEventIds.FrameworkCorsUsed, "the framework's middleware is in the pipeline, even though it never evaluated a policy");
    }

    [Fact]
    public async Task The_frameworks_UseCors_in_another_branch_never_turns_report_only_preflights_into_errors()
    {
        var runs = 0;
        var builder = TestHost.CreateBuilder(Json(), out _);
        builder.Services.AddCors();
        builder.Services.AddStrictCors();
        await using var app = builder.Build();
        app.UseStrictCors();
        app.Map("/legacy", branch =>
        {
            branch.UseCors();
            branch.Run(context => context.Response.WriteAsync("legacy"));
        });
        app.MapPut("/orders", () => { runs++; return "put"; }).RequireStrictCors("web");
        await app.StartAsync();

        var preflight = await app.GetTestClient().SendAsync(Preflight("/orders", A, "PUT", "content-type"));

        preflight.StatusCode.Should().Be(HttpStatusCode.NoContent);
        AccessControlHeaders(preflight).Should().BeEmpty();
        runs.Should().Be(0);
    }

    /// <summary>
    /// The section's report-only mode must not make endpoints that allow no cross-origin access
    /// report-only: disabled endpoints, endpoints without a default policy, unknown names.
    /// </summary>
    [Fact]
    public async Task Endpoints_that_disable_cross_origin_access_are_enforced_under_a_report_only_section()
    {
        var runs = 0;
        var builder = TestHost.CreateBuilder(Json(root: "\"CrossOriginGuard\": \"Enforce\",", policy: "\"Mode\": \"Enforce\","), out _);
        builder.Services.AddStrictCors();
        await using var app = builder.Build();
        app.Use((context, next) =>
        {
            // Another CORS middleware before CorsKit, echoing every origin with credentials.
            context.Response.Headers.AccessControlAllowOrigin = context.Request.Headers.Origin;
            context.Response.Headers.AccessControlAllowCredentials = "true";
            return next(context);
        });
        app.UseStrictCors();
        app.MapMethods("/admin", ["GET", "DELETE"], () => { runs++; return "admin"; }).DisableStrictCors();
        app.MapMethods("/legacy", ["GET", "DELETE"], () => { runs++; return "legacy"; }).WithMetadata(new DisableCorsAttribute());
        await app.StartAsync();
        var client = app.GetTestClient();

        foreach (var path in new[] { "/admin", "/legacy" })
        {
            var preflight = await client.SendAsync(Preflight(path, A, "DELETE"));
            var read = await client.SendAsync(Request(HttpMethod.Get, path, ("Origin", Evil)));

            preflight.StatusCode.Should().Be(HttpStatusCode.Forbidden, $"{path} allows no cross-origin access");
            AccessControlHeaders(preflight).Should().BeEmpty();
            read.StatusCode.Should().Be(HttpStatusCode.OK);
            AccessControlHeaders(read).Should().BeEmpty("headers CorsKit did not write never reach a disabled endpoint's response");
        }

        runs.Should().Be(2, "the two reads ran, no preflight did");
        app.Services.GetFakeLogCollector().GetSnapshot().Should().ContainSingle(r => r.Id.Id == CorsKitEventIds.CorsHeadersBeforeCorsKit);
    }

    [Fact]
    public async Task Without_a_default_policy_preflights_are_refused_under_a_report_only_section()
    {
        var runs = 0;
        var builder = TestHost.CreateBuilder("""{ "Cors": { "Mode": "ReportOnly", "Policies": { "web": { "Origins": [ "https://a.example" ] } } } }""", out _);
        builder.Services.AddStrictCors();
        await using var app = builder.Build();
        app.UseStrictCors();
        app.MapDelete("/orders", () => { runs++; return "deleted"; });
        await app.StartAsync();

        var preflight = await app.GetTestClient().SendAsync(Preflight("/orders", A, "DELETE"));

        preflight.StatusCode.Should().Be(HttpStatusCode.Forbidden, "an endpoint under no policy allows no cross-origin access, in every mode");
        runs.Should().Be(0);
        VaryTokens(preflight).Should().BeEmpty("no origin is allowed: the answer does not depend on the origin");
    }

    [Fact]
    public async Task Unknown_modes_are_refused_with_the_choices_all_at_once()
    {
        var start = () => StartAsync(Json(root: "\"Mode\": \"Audit\", \"CrossOriginGuard\": \"Watch\",", policy: "\"Mode\": \"1\","), _ => { });

        var message = (await start.Should().ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>()).Which.Message;

        message.Should().Contain("Cors:Mode: 'Audit' is not one of Enforce, ReportOnly")
            .And.Contain("Cors:CrossOriginGuard: 'Watch' is not one of Enforce, ReportOnly, Off")
            .And.Contain("Cors:Policies:web:Mode: '1' is not one of Enforce, ReportOnly");
    }

    [Fact]
    public async Task A_flood_of_reports_is_cut_to_ten_a_minute_per_reason_and_the_rest_is_counted()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 10, 7, 12, 0, 0, TimeSpan.Zero));
        await using var app = await StartAsync(Json(), a => a.MapGet("/data", () => "data"), clock);
        using var requests = Counter(app);
        var client = app.GetTestClient();

        for (var i = 0; i < 30; i++)
        {
            await client.SendAsync(Request(HttpMethod.Get, "/data", ("Origin", Evil)));
        }

        clock.Advance(TimeSpan.FromMinutes(1));
        await client.SendAsync(Request(HttpMethod.Get, "/data", ("Origin", Evil)));

        var reports = Reports(app);
        reports.Count(r => r.Id.Id == CorsKitEventIds.ReportOnlyWouldDeny).Should().Be(11);
        reports.Should().ContainSingle(r => r.Id.Id == CorsKitEventIds.ReportOnlyReportsLeftOut).Which.Message.Should().Contain("20 more would-deny reports for origin_not_allowed");
        requests.GetMeasurementSnapshot().Should().HaveCount(31, "the counter has them all");
    }

    /// <summary>
    /// The migration walkthrough of docs/migrating-from-microsoft-cors.md: CorsKit in report-only
    /// mode placed before the framework's UseCors(); every response is byte for byte the
    /// framework's alone, and the reports name each request CorsKit's stricter policy would refuse.
    /// </summary>
    [Fact]
    public async Task Migration_walkthrough_report_only_next_to_UseCors_answers_as_the_framework_and_reports_every_difference()
    {
        static void Framework(IServiceCollection services) => services.AddCors(o => o.AddDefaultPolicy(p => p
            .WithOrigins(A, B).AllowAnyHeader().AllowAnyMethod().AllowCredentials()));
        static void Endpoints(WebApplication a)
        {
            a.MapGet("/data", () => "data");
            a.MapPost("/orders", () => "ran");
            a.MapPut("/orders", () => "put");
            a.MapDelete("/orders", () => "deleted");
        }

        var frameworkOnly = TestHost.CreateBuilder("{}", out _);
        Framework(frameworkOnly.Services);
        await using var before = frameworkOnly.Build();
        before.UseCors();
        Endpoints(before);
        await before.StartAsync();

        var both = TestHost.CreateBuilder("""
            { "Cors": { "Mode": "ReportOnly", "DefaultPolicy": "web", "Policies": {
                "web": { "Origins": [ "https://a.example" ], "Methods": [ "PUT" ], "Headers": [ "Content-Type" ], "AllowCredentials": true } } } }
            """, out _);
        Framework(both.Services);
        both.Services.AddStrictCors();
        await using var during = both.Build();
        during.UseStrictCors();
        during.UseCors();
        Endpoints(during);
        await during.StartAsync();

        Func<HttpRequestMessage>[] walkthrough =
        [
            () => Request(HttpMethod.Get, "/data", ("Origin", A)),
            () => Request(HttpMethod.Get, "/data", ("Origin", B)),
            () => Request(HttpMethod.Get, "/data", ("Origin", Evil)),
            () => Request(HttpMethod.Get, "/data"),
            () => Preflight("/orders", A, "PUT", "content-type"),
            () => Preflight("/orders", A, "PUT", "content-type,x-trace-id"),
            () => Preflight("/orders", A, "DELETE"),
            () => Preflight("/orders", B, "PUT"),
            () => Request(HttpMethod.Put, "/orders", ("Origin", A)).WithBody("{}", "application/json"),
            () => Request(HttpMethod.Post, "/orders", ("Origin", Evil)).WithBody("x", "text/plain"),
        ];
        foreach (var request in walkthrough)
        {
            var expected = await Describe(await before.GetTestClient().SendAsync(request()));
            var actual = await Describe(await during.GetTestClient().SendAsync(request()));
            actual.Should().Be(expected, "report-only CorsKit changes nothing the framework answers");
        }

        var reports = Reports(during);
        foreach (var report in reports)
        {
            output.WriteLine($"{report.Id.Id} {report.Message}");
        }

        reports.Should().HaveCount(6);
        reports.Should().Contain(r => r.Message.Contains($"GET from origin '{B}'", StringComparison.Ordinal) && r.Message.Contains("origin_not_allowed", StringComparison.Ordinal));
        reports.Should().Contain(r => r.Message.Contains($"GET from origin '{Evil}'", StringComparison.Ordinal));
        reports.Should().Contain(r => r.Message.Contains("header_not_allowed 'x-trace-id'", StringComparison.Ordinal));
        reports.Should().Contain(r => r.Message.Contains("method_not_allowed 'DELETE'", StringComparison.Ordinal));
        reports.Should().Contain(r => r.Message.Contains($"OPTIONS from origin '{B}'", StringComparison.Ordinal));
        reports.Should().Contain(r => r.Id.Id == CorsKitEventIds.ReportOnlyWouldBlock && r.Message.Contains($"POST from origin '{Evil}'", StringComparison.Ordinal));
        during.Services.GetFakeLogCollector().GetSnapshot().Should().ContainSingle(r => r.Id.Id == CorsKitEventIds.FrameworkCorsNextToReportOnly);
    }

    private static async Task<string> Describe(HttpResponseMessage response)
    {
        var headers = response.Headers.Concat(response.Content.Headers)
            .OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
            .Select(h => $"{h.Key}: {string.Join(", ", h.Value)}");
        return $"{(int)response.StatusCode}\n{string.Join("\n", headers)}\n\n{await response.Content.ReadAsStringAsync()}";
    }

    private static List<Microsoft.Extensions.Logging.Testing.FakeLogRecord> Reports(WebApplication app) =>
        app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Id.Id is >= CorsKitEventIds.ReportOnlyWouldDeny and <= CorsKitEventIds.ReportOnlyReportsLeftOut).ToList();

    private static MetricCollector<long> Counter(WebApplication app) =>
        new(app.Services.GetRequiredService<IMeterFactory>(), "CorsKit", "corskit.requests");

    private static async Task<WebApplication> StartAsync(string json, Action<WebApplication> endpoints, TimeProvider? clock = null)
    {
        var builder = TestHost.CreateBuilder(json, out _);
        builder.Services.AddStrictCors();
        if (clock is not null)
        {
            builder.Services.AddSingleton(clock);
        }

        var app = builder.Build();
        app.UseStrictCors();
        endpoints(app);
        await app.StartAsync();
        return app;
    }
}
