using CorsKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.IntegrationTests;

/// <summary>
/// Endpoints an endpoint data source adds while the app runs: their policy names are checked as
/// startup checks the first endpoints (each problem logged once), and a reload may not drop a
/// policy only they use.
/// </summary>
public sealed class LateEndpointTests
{
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
