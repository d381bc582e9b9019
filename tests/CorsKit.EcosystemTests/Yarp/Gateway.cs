using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;

namespace CorsKit.EcosystemTests.Yarp;

/// <summary>
/// A YARP gateway as a team writes it with CorsKit: a WebApplication on Kestrel (127.0.0.1, a port
/// Kestrel picks), <c>AddStrictCors()</c> over the policies below, <c>AddReverseProxy().LoadFromMemory(…)</c>
/// with one cluster (the destination process), <c>UseStrictCors()</c> before <c>MapReverseProxy()</c>.
/// Its logs, Debug included, are collected. Disposing stops it.
/// </summary>
public sealed class Gateway : IAsyncDisposable
{
    /// <summary>The origin the default policy "web" allows, with credentials.</summary>
    public const string AppOrigin = "https://app.example.com";

    /// <summary>An origin no policy allows: the issue's attacker.</summary>
    public const string EvilOrigin = "https://evil.example.net";

    /// <summary>The origin only the policy "partners" allows, without credentials.</summary>
    public const string PartnerOrigin = "https://partner.example.org";

    public const string ClusterId = "destination";

    /// <summary>The gateway's CORS configuration: "web" is the default; "public" and "partners" are named by routes.</summary>
    public const string CorsJson = """
        { "Cors": { "DefaultPolicy": "web", "Policies": {
            "web": { "Origins": [ "https://app.example.com" ], "Methods": [ "GET", "POST", "PUT", "DELETE" ], "Headers": [ "Content-Type", "Authorization" ],
                     "ExposedHeaders": [ "X-Request-Id" ], "AllowCredentials": true, "MaxAgeSeconds": 600 },
            "public": { "Origins": [ "*" ], "Methods": [ "GET" ] },
            "partners": { "Origins": [ "https://partner.example.org" ], "Methods": [ "GET", "POST" ] } } } }
        """;

    /// <summary>What "web" grants an allowed actual request, one line each: credentials, its own origin, exposed headers.</summary>
    public static readonly string[] WebGrant =
    [
        "Access-Control-Allow-Credentials: true",
        "Access-Control-Allow-Origin: https://app.example.com",
        "Access-Control-Expose-Headers: X-Request-Id",
    ];

    /// <summary>What "web" answers an allowed preflight.</summary>
    public static readonly string[] WebPreflightGrant =
    [
        "Access-Control-Allow-Credentials: true",
        "Access-Control-Allow-Headers: Content-Type, Authorization",
        "Access-Control-Allow-Methods: GET, POST, PUT, DELETE",
        "Access-Control-Allow-Origin: https://app.example.com",
        "Access-Control-Max-Age: 600",
    ];

    /// <summary>The Vary line of every preflight CorsKit answers under a policy that allows some origin.</summary>
    public const string PreflightVary = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network";

    private Gateway(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = address };
    }

    public WebApplication App { get; }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri Address { get; }

    public HttpClient Client { get; }

    /// <summary>The proxy configuration the gateway loaded from memory: <see cref="InMemoryConfigProvider.Update(IReadOnlyList{RouteConfig}, IReadOnlyList{ClusterConfig})"/> reloads it.</summary>
    public InMemoryConfigProvider ProxyConfig => App.Services.GetRequiredService<InMemoryConfigProvider>();

    /// <summary>A route to the destination matching <paramref name="path"/>, naming <paramref name="corsPolicy"/> in YARP's <c>CorsPolicy</c> if given.</summary>
    public static RouteConfig Route(string id, string path, string? corsPolicy = null) =>
        new() { RouteId = id, ClusterId = ClusterId, Match = new RouteMatch { Path = path }, CorsPolicy = corsPolicy };

    /// <summary>The one cluster: the destination process.</summary>
    public static ClusterConfig[] Clusters(Destination destination) =>
    [
        new ClusterConfig
        {
            ClusterId = ClusterId,
            Destinations = new Dictionary<string, DestinationConfig> { ["process"] = new() { Address = destination.Address.ToString() } },
        },
    ];

    /// <summary>
    /// Starts a gateway over <paramref name="routes"/>; <paramref name="proxy"/> adds conventions to
    /// what <c>MapReverseProxy()</c> returns. Throws what starting threw (YARP's validation of the
    /// routes among it), the gateway then stopped.
    /// </summary>
    public static async Task<Gateway> StartAsync(Destination destination, IReadOnlyList<RouteConfig> routes, Action<ReverseProxyConventionBuilder>? proxy = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production", Args = [] });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(CorsJson)));
        builder.Logging.ClearProviders().AddFakeLogging().SetMinimumLevel(LogLevel.Debug);

        builder.Services.AddStrictCors();
        builder.Services.AddReverseProxy().LoadFromMemory(routes, Clusters(destination));

        var app = builder.Build();
        try
        {
            app.UseStrictCors();
            var conventions = app.MapReverseProxy();
            proxy?.Invoke(conventions);
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new Gateway(app, new Uri(address));
    }

    /// <summary>Sends <paramref name="request"/> through the gateway and reads the answer.</summary>
    public async Task<Answer> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            return await Answer.Of(await Client.SendAsync(request));
        }
    }

    /// <summary>
    /// Waits, at most <paramref name="limit"/>, until <paramref name="condition"/> holds: YARP applies
    /// a reload after <see cref="InMemoryConfigProvider.Update(IReadOnlyList{RouteConfig}, IReadOnlyList{ClusterConfig})"/>
    /// returns. Throws naming <paramref name="what"/>, the routes in force and the log.
    /// </summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        while (!condition())
        {
            if (timeout.IsCancellationRequested)
            {
                throw new TimeoutException(
                    $"not within {limit.TotalSeconds} s: {what}; routes in force: {string.Join(", ", RoutesInForce.Select(r => $"{r.RouteId} ({r.CorsPolicy})"))}{Environment.NewLine}{Log}");
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }

    /// <summary>The routes YARP has in force.</summary>
    public IReadOnlyList<RouteConfig> RoutesInForce =>
        App.Services.GetRequiredService<IProxyStateLookup>().GetRoutes().Select(r => r.Config).OrderBy(r => r.RouteId, StringComparer.Ordinal).ToList();

    /// <summary>The log entries with <paramref name="eventId"/> so far.</summary>
    public IReadOnlyList<FakeLogRecord> Logged(int eventId) =>
        App.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Id.Id == eventId).ToList();

    /// <summary>Every log entry so far, for failure messages.</summary>
    public string Log => string.Join(Environment.NewLine, App.Services.GetFakeLogCollector().GetSnapshot().Select(r => $"{r.Level} {r.Category}[{r.Id.Id}] {r.Message}"));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
