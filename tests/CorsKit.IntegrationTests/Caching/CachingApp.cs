using System.Collections.Concurrent;
using System.Net;
using CorsKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace CorsKit.IntegrationTests.Caching;

/// <summary>Which of a cache middleware and CorsKit comes first in the pipeline.</summary>
public enum CacheOrder
{
    CacheFirst,
    CorsKitFirst,
}

/// <summary>
/// A real Kestrel app on 127.0.0.1 (port chosen by the OS) for the cache tests. Its endpoints
/// count their runs per path and answer the run number, so a test tells a cache hit (the same
/// number again, no run) from a miss.
/// </summary>
internal sealed class CachingApp : IAsyncDisposable
{
    /// <summary>CorsKit's policy in the cache tests: two allowed origins, credentials, one exposed header.</summary>
    public const string TwoOrigins = """
        {
          "Cors": {
            "DefaultPolicy": "web",
            "Policies": {
              "web": {
                "Origins": [ "https://a.example", "https://b.example" ],
                "AllowCredentials": true,
                "ExposedHeaders": [ "X-Run" ]
              }
            }
          }
        }
        """;

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _runs = new();

    private CachingApp(WebApplication app, MutableConfigurationSource configuration)
    {
        _app = app;
        Configuration = configuration;
    }

    public MutableConfigurationSource Configuration { get; }

    public int Port { get; private set; }

    public HttpClient Client { get; private set; } = null!;

    /// <summary>
    /// Starts an app with <paramref name="json"/> as its only configuration;
    /// <paramref name="configure"/> registers services, <paramref name="map"/> builds the pipeline
    /// and maps endpoints (with <see cref="Run"/> as a counting handler).
    /// </summary>
    public static async Task<CachingApp> StartAsync(
        Action<WebApplicationBuilder> configure, Action<WebApplication, CachingApp> map, string json = TwoOrigins)
    {
        var configuration = new MutableConfigurationSource();
        configuration.Set(json);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Configuration.Sources.Clear();
        ((IConfigurationBuilder)builder.Configuration).Add(configuration);
        builder.Logging.ClearProviders();
        configure(builder);
        var app = builder.Build();
        var cachingApp = new CachingApp(app, configuration);
        map(app, cachingApp);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        cachingApp.Port = new Uri(app.Urls.Single()).Port;
        cachingApp.Client = NewClient(cachingApp.Port);
        return cachingApp;
    }

    /// <summary>An HTTP client to 127.0.0.1:<paramref name="port"/> only: no proxy, no cookies, no redirects.</summary>
    public static HttpClient NewClient(int port) => new(new SocketsHttpHandler { UseProxy = false, UseCookies = false, AllowAutoRedirect = false })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}"),
    };

    /// <summary>A handler that counts its runs per path and answers "path run n".</summary>
    public IResult Run(HttpContext context)
    {
        var path = context.Request.Path.Value!;
        var run = _runs.AddOrUpdate(path, 1, (_, n) => n + 1);
        context.Response.Headers["X-Run"] = run.ToString();
        return Results.Text($"{path} run {run}");
    }

    /// <summary>Times the endpoint ran for <paramref name="path"/>.</summary>
    public int Runs(string path) => _runs.GetValueOrDefault(path);

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        await _app.DisposeAsync();
    }
}
