using System.Diagnostics.Metrics;
using CorsKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CorsKit.Tests.Performance;

/// <summary>
/// A regression guard that does not depend on timing: each hot path runs many times through the
/// real middleware, and the bytes allocated on this thread must not grow at all.
/// </summary>
public sealed class AllocationTests : IDisposable
{
    private const int Iterations = 2_000;

    private readonly ServiceProvider _services;
    private readonly RequestDelegate _app;

    public AllocationTests()
    {
        _services = new ServiceCollection()
            .AddLogging()
            .AddStrictCors(o =>
            {
                o.AddDefaultPolicy("web", p => p
                    .WithOrigins("https://app.example.com", "https://*.example.com")
                    .WithMethods("PUT", "DELETE")
                    .WithHeaders("Content-Type", "Authorization")
                    .WithExposedHeaders("X-Request-Id")
                    .AllowCredentials()
                    .WithMaxAge(TimeSpan.FromMinutes(10)));
            })
            .BuildServiceProvider();
        _app = Pipeline(_services);
    }

    public void Dispose() => _services.Dispose();

    /// <summary>CorsKit in front of an endpoint that does nothing.</summary>
    private static RequestDelegate Pipeline(IServiceProvider services)
    {
        var builder = new ApplicationBuilder(services);
        builder.UseStrictCors();
        builder.Run(_ => Task.CompletedTask);
        return builder.Build();
    }

    public static IEnumerable<object[]> HotPathsOnEachHeaderStore =>
        from path in HotPaths
        from store in Enum.GetValues<HeaderStore>()
        select new object[] { path.Name, path.Method, path.Headers, path.Status, store };

    private static (string Name, string Method, (string, string)[] Headers, int Status)[] HotPaths =>
    [
        ("preflight, allowed", "OPTIONS", [("Origin", "https://app.example.com"), ("Access-Control-Request-Method", "PUT"), ("Access-Control-Request-Headers", "content-type,authorization")], 204),
        ("preflight, denied", "OPTIONS", [("Origin", "https://evil.example"), ("Access-Control-Request-Method", "PUT")], 403),
        ("preflight, header refused", "OPTIONS", [("Origin", "https://app.example.com"), ("Access-Control-Request-Method", "PUT"), ("Access-Control-Request-Headers", "x-custom")], 403),
        ("actual, allowed origin", "GET", [("Origin", "https://app.example.com")], 200),
        ("actual, subdomain pattern", "GET", [("Origin", "https://a.b.example.com")], 200),
        ("actual, disallowed origin", "GET", [("Origin", "https://evil.example")], 200),
        ("actual, malformed origin", "GET", [("Origin", "https://APP.example.com/")], 200),
        ("actual, IPv4 origin", "GET", [("Origin", "http://127.0.0.1:8080")], 200),
        ("actual, IPv6 origin", "GET", [("Origin", "http://[2001:db8::1]:8080")], 200),
        ("actual, a list in one Origin header", "GET", [("Origin", "https://app.example.com, https://evil.example")], 200),
        ("unsafe, blocked", "POST", [("Origin", "https://evil.example"), ("Sec-Fetch-Site", "cross-site")], 403),
        ("unsafe, allowed origin", "DELETE", [("Origin", "https://app.example.com")], 200),
        ("no Origin", "GET", [], 200),
        ("unsafe, no Origin", "POST", [], 200),
        ("unsafe, no Origin, cross-site by Fetch Metadata", "POST", [("Sec-Fetch-Site", "cross-site")], 403),
        ("unsafe, allowed origin with cookies", "PUT", [("Origin", "https://app.example.com"), ("Sec-Fetch-Site", "cross-site"), ("Cookie", "a=b")], 200),
        ("preflight, method in lowercase", "options", [("Origin", "https://app.example.com"), ("Access-Control-Request-Method", "PUT")], 204),
        ("WebSocket handshake, allowed origin", "GET", [("Origin", "https://app.example.com"), ("Connection", "Upgrade"), ("Upgrade", "websocket")], 200),
        ("WebSocket handshake, disallowed origin", "GET", [("Origin", "https://evil.example"), ("Connection", "Upgrade"), ("Upgrade", "websocket")], 403),
        ("safe method with a body", "GET", [("Origin", "https://evil.example"), ("Content-Type", "application/x-www-form-urlencoded"), ("Content-Length", "8")], 403),
    ];

    [Theory]
    [MemberData(nameof(HotPathsOnEachHeaderStore))]
    public void Hot_path_allocates_nothing_per_request(string path, string method, (string, string)[] headers, int expectedStatus, HeaderStore store)
    {
        var http = new ReusableHttpContext(_services, store).WithRequest(method, headers);

        var allocated = Allocations.PerCall(Iterations, () => http.Send(_app));

        http.StatusCode.Should().Be(expectedStatus, path);
        http.ResponseHeaders.Vary.ToString().Should().StartWith("Origin", "the request really went through CorsKit");
        allocated.Should().Be(0, $"'{path}' must allocate nothing per request ({allocated:F1} B/request measured)");
    }

    public static TheoryData<string, string, string, int> EndpointPaths => new()
    {
        { "a GET routed to a GET endpoint", "GET-only", "https://app.example.com", 200 },
        { "a disallowed GET routed to a GET endpoint", "GET-only", "https://evil.example", 200 },
        { "a form POST overridden to GET on a POST-only endpoint", "POST-only", "https://evil.example", 403 },
        { "an endpoint whose group and own metadata disagree", "group and endpoint metadata", "https://app.example.com", 200 },
    };

    [Theory]
    [MemberData(nameof(EndpointPaths))]
    public void Paths_that_read_endpoint_metadata_allocate_nothing_per_request(string path, string endpointName, string origin, int expectedStatus)
    {
        var endpoint = endpointName switch
        {
            "GET-only" => new Endpoint(null, new EndpointMetadataCollection(new HttpMethodMetadata(["GET"])), endpointName),
            "POST-only" => new Endpoint(null, new EndpointMetadataCollection(new HttpMethodMetadata(["POST"])), endpointName),
            _ => new Endpoint(null, new EndpointMetadataCollection(new DisableStrictCorsAttribute(), new HttpMethodMetadata(["GET"]), new StrictCorsAttribute("web")), endpointName),
        };
        var http = new ReusableHttpContext(_services, HeaderStore.Kestrel).WithRequest("GET", ("Origin", origin)).WithEndpoint(endpoint);

        var allocated = Allocations.PerCall(Iterations, () => http.Send(_app));

        http.StatusCode.Should().Be(expectedStatus, path);
        http.ResponseHeaders.Vary.ToString().Should().StartWith("Origin", "the request really went through CorsKit");
        allocated.Should().Be(0, $"'{path}' must allocate nothing per request ({allocated:F1} B/request measured)");
    }

    public static TheoryData<string, string, (string, string)[], int> ReportOnlyPaths => new()
    {
        { "would deny an origin", "GET", [("Origin", "https://evil.example")], 200 },
        { "would block a write", "POST", [("Origin", "https://evil.example"), ("Sec-Fetch-Site", "cross-site")], 200 },
        { "would deny a preflight", "OPTIONS", [("Origin", "https://app.example.com"), ("Access-Control-Request-Method", "PATCH")], 204 },
        { "allows, and writes nothing", "GET", [("Origin", "https://app.example.com")], 200 },
        { "no Origin", "GET", [], 200 },
    };

    /// <summary>
    /// Report-only mode logs at Information: with a logger that listens, once the first reports of
    /// each reason are out (warm-up), further ones are left out without allocating. The clock
    /// stands still, so no new minute starts during the measurement.
    /// </summary>
    [Theory]
    [MemberData(nameof(ReportOnlyPaths))]
    public void Report_only_paths_allocate_nothing_per_request(string path, string method, (string, string)[] headers, int expectedStatus)
    {
        using var services = new ServiceCollection()
            .AddLogging(b => b.AddProvider(new ListeningLoggerProvider()).SetMinimumLevel(LogLevel.Information))
            .AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 10, 7, 12, 0, 0, TimeSpan.Zero)))
            .AddStrictCors(o =>
            {
                o.Mode = StrictCorsMode.ReportOnly;
                o.AddDefaultPolicy("web", p => p.WithOrigins("https://app.example.com").WithMethods("PUT").AllowCredentials());
            })
            .BuildServiceProvider();
        var app = Pipeline(services);
        var http = new ReusableHttpContext(services, HeaderStore.Kestrel).WithRequest(method, headers);

        var allocated = Allocations.PerCall(Iterations, () => http.Send(app));

        http.StatusCode.Should().Be(expectedStatus, path);
        http.ResponseHeaders.AccessControlAllowOrigin.Count.Should().Be(0, "report-only mode writes no header");
        allocated.Should().Be(0, $"'{path}' must allocate nothing per request ({allocated:F1} B/request measured)");
    }

    public static TheoryData<string, string, (string, string)[], int> OriginStorePaths => new()
    {
        { "a tenant's origin on its host", "GET", [("Host", "a.saas.example"), ("Origin", "https://app.tenant-a.example")], 200 },
        { "another tenant's origin on that host", "GET", [("Host", "a.saas.example:8443"), ("Origin", "https://app.tenant-b.example")], 200 },
        { "a preflight on a tenant's host", "OPTIONS", [("Host", "A.saas.example"), ("Origin", "https://app.tenant-a.example"), ("Access-Control-Request-Method", "PUT")], 204 },
        { "a forged write on a tenant's host", "PUT", [("Host", "a.saas.example"), ("Origin", "https://app.tenant-b.example"), ("Sec-Fetch-Site", "cross-site")], 403 },
        { "an unknown key, remembered", "GET", [("Host", "unknown.saas.example"), ("Origin", "https://app.tenant-a.example")], 200 },
        { "no Origin", "GET", [("Host", "a.saas.example")], 200 },
    };

    /// <summary>
    /// A policy whose origins come from the store: once a key's list is held (the first request
    /// asks the store and is not measured), a request naming it costs one lookup more than a
    /// static policy and allocates nothing.
    /// </summary>
    [Theory]
    [MemberData(nameof(OriginStorePaths))]
    public void Origin_store_paths_allocate_nothing_once_the_keys_list_is_held(string path, string method, (string, string)[] headers, int expectedStatus)
    {
        using var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 10, 7, 12, 0, 0, TimeSpan.Zero)))
            .AddSingleton<IStrictCorsOriginStore>(new FixedOriginStore())
            .AddStrictCors(o => o.AddDefaultPolicy("tenants", p => p.WithOriginStore("Host").WithMethods("PUT").AllowCredentials()))
            .BuildServiceProvider();
        var app = Pipeline(services);
        var http = new ReusableHttpContext(services, HeaderStore.Kestrel).WithRequest(method, headers);

        var allocated = Allocations.PerCall(Iterations, () => http.Send(app));

        http.StatusCode.Should().Be(expectedStatus, path);
        http.ResponseHeaders.Vary.ToString().Should().StartWith("Origin", "the request really went through CorsKit");
        allocated.Should().Be(0, $"'{path}' must allocate nothing per request ({allocated:F1} B/request measured)");
    }

    private sealed class FixedOriginStore : IStrictCorsOriginStore
    {
        public ValueTask<IReadOnlyCollection<string>> GetOriginsAsync(string policy, string key, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyCollection<string>>(key == "a.saas.example" ? ["https://app.tenant-a.example"] : []);
    }

    /// <summary>A logger that wants every event and drops it: what a real provider costs CorsKit up to the call.</summary>
    private sealed class ListeningLoggerProvider : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }

        public void Dispose()
        {
        }
    }

    [Fact]
    public void Recording_metrics_allocates_nothing_even_while_a_listener_collects_them()
    {
        long counted = 0;
        var meterFactory = _services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this test's app: other tests' apps publish CorsKit meters of their own.
            if (instrument.Meter.Name == "CorsKit" && ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => counted += value);
        listener.Start();
        var http = new ReusableHttpContext(_services, HeaderStore.Kestrel).WithRequest("GET", ("Origin", "https://app.example.com"));

        var allocated = Allocations.PerCall(Iterations, () => http.Send(_app));

        counted.Should().Be(Allocations.WarmUpCalls + Iterations, "every request was counted");
        allocated.Should().Be(0);
    }
}
