using CorsKit.Testing;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace CorsKit.Tests.Hosting;

/// <summary>
/// A real ASP.NET Core pipeline on TestServer: an exception handler, CorsKit, and endpoints that
/// count how often they run, so tests can tell whether a request reached its endpoint.
/// </summary>
internal sealed class CorsTestApp : IAsyncDisposable
{
    public const string Resource = "/resource";

    private static readonly string[] AllMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND"];

    private readonly WebApplication _app;

    private CorsTestApp(WebApplication app, MutableConfigurationSource configuration)
    {
        _app = app;
        Configuration = configuration;
    }

    public HttpClient Client { get; private set; } = null!;

    public TestServer Server => _app.GetTestServer();

    /// <summary>How many times each endpoint ran, keyed "METHOD /path".</summary>
    public ConcurrentDictionary<string, int> Hits { get; } = new();

    /// <summary>The app's configuration; <see cref="MutableConfigurationSource.Set"/> triggers a reload.</summary>
    public MutableConfigurationSource Configuration { get; }

    public FakeLogCollector Logs => _app.Services.GetFakeLogCollector();

    public IServiceProvider Services => _app.Services;

    public int HitCount(string method, string path = Resource) => Hits.GetValueOrDefault($"{method} {path}");

    /// <summary>Starts an app whose CorsKit configuration is the JSON <paramref name="corsJson"/> (a document with a "Cors" key).</summary>
    public static Task<CorsTestApp> StartAsync(string corsJson) =>
        StartAsync(builder => builder.Services.AddStrictCors(), corsJson);

    /// <summary>Starts an app with policies written in code.</summary>
    public static Task<CorsTestApp> StartAsync(Action<StrictCorsOptions> configure) =>
        StartAsync(builder => builder.Services.AddStrictCors(configure), "{}");

    public static async Task<CorsTestApp> StartAsync(Action<WebApplicationBuilder> addCors, string json)
    {
        var builder = TestHost.CreateBuilder(json, out var configuration);
        addCors(builder);

        var app = builder.Build();
        var testApp = new CorsTestApp(app, configuration);
        app.UseExceptionHandler(error => error.Run(context => context.Response.WriteAsync("error")));
        app.UseStrictCors();
        testApp.MapEndpoints(app);
        await app.StartAsync();
        testApp.Client = app.GetTestClient();
        return testApp;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }

    private void MapEndpoints(WebApplication app)
    {
        app.MapMethods(Resource, AllMethods, (HttpContext context) =>
        {
            Count(context);
            context.Response.Headers["X-Request-Id"] = "42";
            return Results.Text("ok");
        });
        app.MapPost("/form", (HttpContext context) => Count(context)).AllowCrossOriginFormPosts();
        app.MapGet("/vary", (HttpContext context, string value) =>
        {
            Count(context);
            context.Response.Headers.Vary = value;
        });
        app.MapGet("/cleared", async (HttpContext context) =>
        {
            Count(context);
            context.Response.Headers.Clear();
            await context.Response.WriteAsync("cleared");
        });
        app.MapGet("/own-cors", (HttpContext context) =>
        {
            Count(context);
            context.Response.Headers.AccessControlAllowOrigin = "https://chosen-by-endpoint.example";
            context.Response.Headers.AccessControlExposeHeaders = "X-Endpoint-Choice";
        });
        app.MapGet("/throws", (HttpContext context) =>
        {
            Count(context);
            throw new InvalidOperationException("endpoint failed");
        });
    }

    private void Count(HttpContext context) =>
        Hits.AddOrUpdate($"{context.Request.Method} {context.Request.Path}", 1, (_, n) => n + 1);
}
