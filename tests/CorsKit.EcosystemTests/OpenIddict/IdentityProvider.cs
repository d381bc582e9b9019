using System.Security.Claims;
using CorsKit.EcosystemTests.Support;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace CorsKit.EcosystemTests.OpenIddict;

/// <summary>
/// An OpenIddict 7 authorization server without a database: degraded mode, ephemeral keys, two
/// clients known to inline handlers (a SPA and a server-side portal on another site), the
/// authorization code flow with PKCE, and the authorization endpoint passed through to an
/// endpoint of the app that signs the user in. On TestServer at https://idp.example.
/// </summary>
public sealed class IdentityProvider : IAsyncDisposable
{
    public const string Spa = "https://spa.example";
    public const string SpaCallback = "https://spa.example/callback";
    public const string Portal = "https://portal.example";
    public const string PortalCallback = "https://portal.example/signin-oidc";

    private static readonly Dictionary<string, string> RedirectUris = new() { ["spa"] = SpaCallback, ["portal"] = PortalCallback };

    private readonly WebApplication _app;
    private int _authorizeRuns;

    private IdentityProvider(WebApplication app) => _app = app;

    /// <summary>How often the app's authorization endpoint ran (OpenIddict passes a request there once it has validated it).</summary>
    public int AuthorizeRuns => Volatile.Read(ref _authorizeRuns);

    public FakeLogCollector Logs => _app.Services.GetFakeLogCollector();

    /// <summary>The messages OpenIddict logged as it matched a request to one of its endpoints (EventId 6053).</summary>
    public IEnumerable<string> OpenIddictEndpointsMatched =>
        Logs.GetSnapshot().Where(r => r.Category == "OpenIddict.Server.OpenIddictServerDispatcher" && r.Id.Id == 6053).Select(r => r.Message);

    /// <summary>The messages of CorsKit's EventId 2009: requests its guard blocked.</summary>
    public IEnumerable<string> Blocked =>
        Logs.GetSnapshot().Where(r => r.Id.Id == CorsKitEventIds.CrossOriginRequestBlocked).Select(r => r.Message);

    public HttpMessageHandler CreateHandler() => _app.GetTestServer().CreateHandler();

    /// <summary>A client of the server that sends what it is given, nothing more (redirects not followed).</summary>
    public HttpClient CreateClient() => new(CreateHandler()) { BaseAddress = new Uri("https://idp.example/") };

    /// <summary>
    /// Starts the server under <paramref name="json"/>. <paramref name="callUseAuthentication"/>:
    /// false leaves <c>UseAuthentication()</c> to WebApplication, which then adds it ahead of the
    /// app's own middlewares.
    /// </summary>
    public static async Task<IdentityProvider> StartAsync(string json, bool allowCrossOriginFormPosts, bool callUseAuthentication = true)
    {
        var builder = LoopbackHost.CreateBuilder(json, kestrel: false);
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddStrictCors();
        builder.Services.AddOpenIddict().AddServer(options =>
        {
            options.SetIssuer(new Uri("https://idp.example/"));
            options.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token");
            options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            options.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
            options.EnableDegradedMode();
            options.UseAspNetCore().EnableAuthorizationEndpointPassthrough().DisableTransportSecurityRequirement();

            // Degraded mode: the checks OpenIddict's stores would make are the app's.
            options.AddEventHandler<OpenIddictServerEvents.ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId is null || !RedirectUris.TryGetValue(context.ClientId, out var redirectUri) || context.RedirectUri != redirectUri)
                {
                    context.Reject(Errors.InvalidClient, "Unknown client or redirect_uri.");
                }

                return default;
            }));
            options.AddEventHandler<OpenIddictServerEvents.ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId is null || !RedirectUris.ContainsKey(context.ClientId))
                {
                    context.Reject(Errors.InvalidClient, "Unknown client.");
                }

                return default;
            }));
        });

        var app = builder.Build();
        var provider = new IdentityProvider(app);
        app.UseStrictCors();
        if (callUseAuthentication)
        {
            app.UseAuthentication();
        }

        var authorize = app.MapMethods("/connect/authorize", ["GET", "POST"], (HttpContext context) =>
        {
            Interlocked.Increment(ref provider._authorizeRuns);
            _ = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("OpenIddict did not extract the request.");
            var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
            identity.AddClaim(new Claim(Claims.Subject, "alice"));
            identity.SetDestinations(_ => [Destinations.AccessToken, Destinations.IdentityToken]);
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });
        if (allowCrossOriginFormPosts)
        {
            authorize.AllowCrossOriginFormPosts();
        }

        await app.StartAsync();
        return provider;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
