using CorsKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.Tests.Hosting;

/// <summary>
/// CorsKit's health check: Degraded when the policies in force are not the configuration's (a
/// refused reload), when the embedded Public Suffix List is stale, or when another component's
/// CORS headers had to be replaced; Healthy otherwise, with data naming what is wrong.
/// </summary>
public sealed class HealthCheckTests
{
    private const string Json = """{ "Cors": { "DefaultPolicy": "web", "Policies": { "web": { "Origins": [ "https://app.example" ] } } } }""";

    [Fact]
    public async Task A_refused_reload_is_degraded_until_a_valid_one_is_taken()
    {
        await using var app = await StartAsync(out var configuration);
        var healthy = await CheckAsync(app);

        configuration.Set("""{ "Cors": { "DefaultPolicy": "web", "Policies": { "web": { "Origins": [ "https://app.example/" ] } } } }""");
        var refused = await CheckAsync(app);
        configuration.Set(Json.Replace("app.example", "new.example", StringComparison.Ordinal));
        var taken = await CheckAsync(app);

        healthy.Status.Should().Be(HealthStatus.Healthy);
        refused.Status.Should().Be(HealthStatus.Degraded);
        refused.Description.Should().Contain("the last configuration reload was refused");
        ((IReadOnlyList<string>)refused.Data["reload_refused_errors"]).Should().ContainSingle().Which.Should().Contain("Cors:Policies:web:Origins:0");
        taken.Status.Should().Be(HealthStatus.Healthy);
    }

    [Fact]
    public async Task CORS_headers_another_component_wrote_make_it_degraded_naming_the_endpoint()
    {
        await using var app = await StartAsync(out _);

        await app.GetTestClient().SendAsync(Request(HttpMethod.Get, "/own-cors", ("Origin", "https://evil.example")));
        var report = await CheckAsync(app);

        report.Status.Should().Be(HealthStatus.Degraded);
        ((IReadOnlyCollection<string>)report.Data["cors_headers_overridden_on"]).Should().Equal("HTTP: GET /own-cors");
    }

    [Fact]
    public async Task A_public_suffix_list_older_than_180_days_is_degraded()
    {
        var listDate = CorsKit.Origins.PublicSuffixListSnapshot.Current.Date;
        await using var app = await StartAsync(out _, new FakeTimeProvider(new DateTimeOffset(listDate.AddDays(181).ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero)));

        var report = await CheckAsync(app);

        report.Status.Should().Be(HealthStatus.Degraded);
        report.Description.Should().Contain("the embedded Public Suffix List is 181 days old");
    }

    private static async Task<HealthReportEntry> CheckAsync(WebApplication app)
    {
        var report = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries["corskit"];
    }

    private static Task<WebApplication> StartAsync(out MutableConfigurationSource configuration, TimeProvider? time = null)
    {
        var builder = TestHost.CreateBuilder(Json, out configuration);
        builder.Services.AddStrictCors();
        builder.Services.AddHealthChecks().AddStrictCors();
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        var app = builder.Build();
        app.UseStrictCors();
        app.MapGet("/own-cors", (HttpContext context) => context.Response.Headers.AccessControlAllowOrigin = "*");
        return StartedAsync(app);
    }

    private static async Task<WebApplication> StartedAsync(WebApplication app)
    {
        await app.StartAsync();
        return app;
    }
}
