using System.Security.Claims;
using System.Text.Encodings.Web;
using CorsKit.EcosystemTests.Support;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace CorsKit.EcosystemTests.SignalR;

/// <summary>A hub for signed-in users that tells who called it over which transport.</summary>
[Authorize]
public class WhoamiHub : Hub
{
    public string Whoami() => $"{Context.User!.Identity!.Name} over {Context.Features.Get<IHttpTransportFeature>()!.TransportType}";
}

/// <summary>The same hub naming its policy with the framework's attribute, as an app coming from UseCors() has it.</summary>
[EnableCors("hub")]
public sealed class FrameworkAttributedHub : WhoamiHub;

/// <summary>
/// Bearer tokens without cookies: <c>Authorization: Bearer token-of-ada</c>, or, where a browser
/// cannot send headers (WebSockets, EventSource), the <c>access_token</c> query parameter on the
/// hubs' paths — what JwtBearer's documented <c>OnMessageReceived</c> does for SignalR.
/// </summary>
public sealed class TestBearerHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";
    public const string Token = "token-of-ada";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..]
            : Request.Path.StartsWithSegments("/hubs") ? Request.Query["access_token"].ToString() : string.Empty;
        if (token.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (token != Token)
        {
            return Task.FromResult(AuthenticateResult.Fail("unknown token"));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "ada")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}

/// <summary>One request the hub's server got: what a reverse proxy's access log would show, with the status it answered.</summary>
public sealed record ServerRequest(string Method, string Path, bool WebSocket, bool Cookie, int Status);

/// <summary>
/// A SignalR app on Kestrel (127.0.0.1): bearer authentication, CorsKit before
/// authentication and authorization, <see cref="WhoamiHub"/> at <c>/hubs/whoami</c> with the
/// policy <c>hubPolicy</c> names (none: the hub takes its attributes or the default policy), and
/// <see cref="FrameworkAttributedHub"/> at <c>/hubs/attributed</c>.
/// </summary>
public sealed class HubApp : IAsyncDisposable
{
    /// <summary>
    /// The page's origin may call the API with bearer tokens (<c>app</c>, the trial's policy, no
    /// credentials); <c>hub</c> is the fix: exact origins with credentials, for the hub alone.
    /// </summary>
    public const string Json = """
        { "Cors": { "DefaultPolicy": "app", "Policies": {
            "app": {
              "Origins": [ "https://app.example" ],
              "Methods": [ "DELETE" ],
              "Headers": [ "Authorization", "X-Requested-With", "X-SignalR-User-Agent" ] },
            "hub": {
              "Origins": [ "https://app.example" ],
              "Methods": [ "DELETE" ],
              "Headers": [ "Authorization", "X-Requested-With", "X-SignalR-User-Agent" ],
              "AllowCredentials": true } } } }
        """;

    private readonly WebApplication _app;
    private readonly List<ServerRequest> _requests = [];

    private HubApp(WebApplication app) => _app = app;

    public Uri BaseAddress => _app.BaseAddress();

    public FakeLogCollector Logs => _app.Services.GetFakeLogCollector();

    /// <summary>The messages of CorsKit's EventId 2009: requests its guard blocked.</summary>
    public IEnumerable<string> Blocked =>
        Logs.GetSnapshot().Where(r => r.Id.Id == CorsKitEventIds.CrossOriginRequestBlocked).Select(r => r.Message);

    /// <summary>Every request the server answered, preflights included, in order of their end.</summary>
    public IReadOnlyList<ServerRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>
    /// The first request <paramref name="match"/> accepts, once the server has answered it: a
    /// WebSocket request ends when its connection closes, some time after the client stopped.
    /// </summary>
    public async Task<ServerRequest> RequestAsync(Func<ServerRequest, bool> match)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (Requests.FirstOrDefault(match) is { } request)
            {
                return request;
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException("The server never answered the request looked for.");
    }

    public static async Task<HubApp> StartAsync(string? hubPolicy, string? environment = null)
    {
        var builder = LoopbackHost.CreateBuilder(Json, environment: environment);
        builder.Services.AddStrictCors();
        builder.Services.AddAuthentication(TestBearerHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, TestBearerHandler>(TestBearerHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        builder.Services.AddSignalR();
        var app = builder.Build();
        var hubApp = new HubApp(app);
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            finally
            {
                lock (hubApp._requests)
                {
                    hubApp._requests.Add(new ServerRequest(context.Request.Method, context.Request.Path, IsWebSocketHandshake(context.Request),
                        context.Request.Headers.Cookie.Count > 0, context.Response.StatusCode));
                }
            }
        });
        app.UseStrictCors();
        app.UseAuthentication();
        app.UseAuthorization();
        var hub = app.MapHub<WhoamiHub>("/hubs/whoami");
        if (hubPolicy is not null)
        {
            hub.RequireStrictCors(hubPolicy);
        }

        app.MapHub<FrameworkAttributedHub>("/hubs/attributed");
        await app.StartAsync();
        return hubApp;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    /// <summary>An HTTP/1.1 WebSocket handshake, told by its headers (the WebSocket feature exists only where SignalR's endpoint ran).</summary>
    private static bool IsWebSocketHandshake(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && string.Equals(request.Headers.Upgrade, "websocket", StringComparison.OrdinalIgnoreCase);
}
