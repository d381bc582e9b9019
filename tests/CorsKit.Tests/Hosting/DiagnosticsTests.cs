using System.Net;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.Tests.Hosting;

/// <summary>Every decision is explained: one EventId per reason, and a counter tagged by kind, result, policy and reason.</summary>
public sealed class DiagnosticsTests : IAsyncLifetime
{
    private const string Policies = """
        { "Cors": { "DefaultPolicy": "web", "Policies": {
            "web": { "Origins": [ "https://app.example.com" ], "Methods": [ "PUT" ], "Headers": [ "Content-Type" ] },
            "open": { "Origins": [ "*" ] } } } }
        """;

    private CorsTestApp _app = null!;
    private MetricCollector<long> _requests = null!;

    public async Task InitializeAsync()
    {
        _app = await CorsTestApp.StartAsync(Policies);
        _requests = new MetricCollector<long>(_app.Services.GetRequiredService<IMeterFactory>(), "CorsKit", "corskit.requests");
    }

    public async Task DisposeAsync()
    {
        _requests.Dispose();
        await _app.DisposeAsync();
    }

    public static TheoryData<string, int, string> Denials => new()
    {
        { "origin not allowed", CorsKitEventIds.OriginNotAllowed, "Preflight from origin 'https://evil.example' denied: policy 'web' does not allow this origin." },
        { "malformed origin", CorsKitEventIds.OriginMalformed, "the Origin header 'https://APP.example.com/' is not a browser-canonical origin" },
        { "several origins", CorsKitEventIds.SeveralOrigins, "it carries 2 Origin headers; browsers send exactly one." },
        { "null origin", CorsKitEventIds.NullOrigin, "Preflight from the opaque origin 'null' denied under policy 'web'" },
        { "method not allowed", CorsKitEventIds.MethodNotAllowed, "Preflight from origin 'https://app.example.com' denied: policy 'web' does not allow the method 'DELETE'." },
        { "header not allowed", CorsKitEventIds.HeaderNotAllowed, "Preflight from origin 'https://app.example.com' denied: policy 'web' does not allow the request header 'x-custom'." },
        { "private network not allowed", CorsKitEventIds.PrivateNetworkNotAllowed, "it asks for private network access, which policy 'web' does not allow." },
        { "blocked write", CorsKitEventIds.CrossOriginRequestBlocked, "Blocked a cross-origin POST from origin 'https://evil.example' under policy 'web' before the endpoint ran (origin_not_allowed)." },
        { "credentials mismatch", CorsKitEventIds.CredentialsNotAllowed, "Request from origin 'https://app.example.com' carries cookies, but policy 'web' does not allow credentials" },
    };

    [Theory]
    [MemberData(nameof(Denials))]
    public async Task Each_reason_is_logged_at_debug_under_its_own_event_id(string reason, int eventId, string message)
    {
        await _app.Server.SendAsync(context =>
        {
            var headers = context.Request.Headers;
            context.Request.Path = CorsTestApp.Resource;
            context.Request.Method = "OPTIONS";
            headers.Origin = "https://app.example.com";
            headers.AccessControlRequestMethod = "PUT";
            switch (reason)
            {
                case "origin not allowed": headers.Origin = "https://evil.example"; break;
                case "malformed origin": headers.Origin = "https://APP.example.com/"; break;
                case "several origins": headers.Origin = new(["https://app.example.com", "https://app.example.com"]); break;
                case "null origin": headers.Origin = "null"; break;
                case "method not allowed": headers.AccessControlRequestMethod = "DELETE"; break;
                case "header not allowed": headers.AccessControlRequestHeaders = "content-type,x-custom"; break;
                case "private network not allowed": headers["Access-Control-Request-Private-Network"] = "true"; break;
                case "blocked write":
                    context.Request.Method = "POST";
                    headers.Origin = "https://evil.example";
                    break;
                case "credentials mismatch":
                    context.Request.Method = "GET";
                    headers.Cookie = "session=1";
                    break;
            }
        });

        var record = _app.Logs.GetSnapshot().Should().ContainSingle(r => r.Id.Id >= CorsKitEventIds.OriginNotAllowed).Subject;
        record.Id.Id.Should().Be(eventId);
        record.Level.Should().Be(LogLevel.Debug);
        record.Message.Should().Contain(message);
    }

    [Fact]
    public async Task Logged_request_values_are_truncated_and_escaped()
    {
        await _app.Server.SendAsync(c =>
        {
            c.Request.Method = "POST";
            c.Request.Path = CorsTestApp.Resource;
            c.Request.Headers.Origin = "https://evil.example\r\nFake: log line" + new string('x', 500);
        });

        var blocked = _app.Logs.GetSnapshot().Should().ContainSingle(r => r.Id.Id == CorsKitEventIds.CrossOriginRequestBlocked).Subject.Message;
        blocked.Should().Contain(@"https://evil.example\u000d\u000aFake: log line").And.Contain("…(+436 chars)").And.NotContain("\n");
    }

    [Fact]
    public async Task The_counter_records_kind_result_policy_and_reason_and_never_the_origin()
    {
        await _app.Client.SendAsync(Preflight(CorsTestApp.Resource, "https://app.example.com", "PUT"));
        await _app.Client.SendAsync(Preflight(CorsTestApp.Resource, "https://app.example.com", "PUT", "x-custom"));
        await _app.Client.SendAsync(Request(HttpMethod.Get, CorsTestApp.Resource, ("Origin", "https://app.example.com")));
        await _app.Client.SendAsync(Request(HttpMethod.Get, CorsTestApp.Resource, ("Origin", "https://evil.example")));
        await _app.Client.SendAsync(Request(HttpMethod.Post, CorsTestApp.Resource, ("Origin", "https://evil.example")));
        await _app.Client.SendAsync(Request(HttpMethod.Get, CorsTestApp.Resource));

        var measurements = _requests.GetMeasurementSnapshot()
            .Select(m => $"{m.Value} {m.Tags["cors.kind"]} {m.Tags["cors.result"]} {m.Tags["cors.policy"]} {m.Tags["cors.reason"]}")
            .ToList();

        measurements.Should().Equal(
            "1 preflight allowed web none",
            "1 preflight denied web header_not_allowed",
            "1 actual allowed web none",
            "1 actual denied web origin_not_allowed",
            "1 actual blocked web origin_not_allowed",
            "1 not_cors allowed web none");
        _requests.GetMeasurementSnapshot().Should().OnlyContain(m => m.Tags.Count == 5 && (string)m.Tags["cors.mode"]! == "enforce", "no tag beyond kind, result, policy, reason and mode");
    }

    /// <summary>
    /// A same-origin write (the page posts to its own API; browsers send Origin with it) is no
    /// CORS request: it runs, and logs and the counter say so, never "denied".
    /// </summary>
    [Theory]
    [InlineData("Origin equal to the request's own", null)]
    [InlineData("Fetch Metadata", "same-origin")]
    public async Task A_same_origin_write_that_runs_is_counted_and_logged_as_no_CORS_request(string _, string? secFetchSite)
    {
        (string, string)[] headers = secFetchSite is null ? [("Origin", "http://localhost")] : [("Origin", "http://localhost"), ("Sec-Fetch-Site", secFetchSite)];

        var response = await _app.Client.SendAsync(Request(HttpMethod.Post, CorsTestApp.Resource, headers).WithBody("x", "text/plain"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(response).Should().BeEmpty();
        _requests.GetMeasurementSnapshot().Select(m => $"{m.Tags["cors.kind"]} {m.Tags["cors.result"]} {m.Tags["cors.reason"]}")
            .Should().Equal("not_cors allowed none");
        _app.Logs.GetSnapshot().Should().NotContain(r => r.Id.Id >= CorsKitEventIds.OriginNotAllowed && r.Id.Id <= CorsKitEventIds.CallbackNotConsumed);
    }
}
