using System.Collections.Concurrent;
using System.Net;
using System.Text.Encodings.Web;
using CorsKit.Testing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.IntegrationTests;

/// <summary>
/// OpenID Connect's default <c>response_mode=form_post</c> makes the identity provider's page post
/// a form back to <c>/signin-oidc</c>: a cross-site form POST handled inside
/// <c>UseAuthentication()</c>, not by an endpoint. CorsKit runs before authentication, so it must
/// recognise the callback paths of the registered remote authentication schemes and let exactly
/// such form posts through, as <c>AllowCrossOriginFormPosts</c> does for endpoints.
/// </summary>
public sealed class RemoteAuthenticationCallbackTests : IAsyncLifetime
{
    private const string IdentityProvider = "https://idp.example";

    private readonly ConcurrentQueue<string> _reachedHandler = new();
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = TestHost.CreateBuilder(
            """{ "Cors": { "DefaultPolicy": "web", "Policies": { "web": { "Origins": [ "https://app.example" ], "AllowCredentials": true } } } }""",
            out _);
        builder.Services.AddStrictCors();
        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = "Cookies";
                o.DefaultChallengeScheme = "oidc";
            })
            .AddCookie("Cookies")
            .AddOpenIdConnect("oidc", o =>
            {
                // Static configuration: no metadata is downloaded, nothing leaves the machine.
                o.Configuration = new OpenIdConnectConfiguration
                {
                    Issuer = IdentityProvider,
                    AuthorizationEndpoint = $"{IdentityProvider}/authorize",
                    EndSessionEndpoint = $"{IdentityProvider}/logout",
                };
                o.ClientId = "corskit-test";
                o.Events.OnMessageReceived = context =>
                {
                    _reachedHandler.Enqueue($"{context.Request.Path} state={context.ProtocolMessage.State}");
                    context.HandleResponse();
                    return Task.CompletedTask;
                };
                o.Events.OnRemoteSignOut = context =>
                {
                    _reachedHandler.Enqueue($"{context.Request.Path} remote sign-out");
                    context.HandleResponse();
                    return Task.CompletedTask;
                };
            })
            .AddRemoteScheme<TestRemoteOptions, TestRemoteHandler>("custom", "A custom remote scheme", o =>
            {
                o.CallbackPath = "/signin-custom";
                o.SignInScheme = "Cookies";
            });
        builder.Services.AddSingleton(_reachedHandler);

        _app = builder.Build();
        _app.UseStrictCors();
        _app.UseAuthentication();
        _app.MapPost("/transfer", () => "transferred");
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task The_identity_providers_form_post_reaches_the_OpenID_Connect_handler()
    {
        var response = await _client.SendAsync(FormPost("/signin-oidc", "code=abc&state=xyz"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(response).Should().BeEmpty("the callback gets no CORS access, only its form post");
        _reachedHandler.Should().Equal("/signin-oidc state=xyz");
    }

    [Fact]
    public async Task A_remote_sign_out_form_post_reaches_the_OpenID_Connect_handler()
    {
        var response = await _client.SendAsync(FormPost("/signout-oidc", "sid=abc&iss=https%3A%2F%2Fidp.example"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _reachedHandler.Should().Equal("/signout-oidc remote sign-out");
    }

    [Fact]
    public async Task Any_remote_schemes_callback_path_accepts_a_cross_site_form_post()
    {
        var response = await _client.SendAsync(FormPost("/signin-custom", "token=abc"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _reachedHandler.Should().Equal("/signin-custom custom callback");
    }

    [Fact]
    public async Task The_callback_path_is_compared_as_the_handler_compares_it_ignoring_case()
    {
        var response = await _client.SendAsync(FormPost("/SIGNIN-OIDC", "code=abc&state=upper"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _reachedHandler.Should().Equal("/SIGNIN-OIDC state=upper");
    }

    [Theory]
    [InlineData("/signin-oidc/")]
    [InlineData("/signin-oidc/more")]
    [InlineData("/signin-oidcx")]
    public async Task Paths_that_only_start_like_a_callback_path_stay_guarded(string path)
    {
        var response = await _client.SendAsync(FormPost(path, "code=abc&state=xyz"));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        _reachedHandler.Should().BeEmpty();
    }

    [Fact]
    public async Task A_callback_path_still_blocks_what_is_not_a_form_post()
    {
        var json = await _client.SendAsync(Request(HttpMethod.Post, "/signin-oidc", ("Origin", IdentityProvider), ("Sec-Fetch-Site", "cross-site"))
            .WithBody("""{"code":"abc"}""", "application/json"));
        var put = await _client.SendAsync(Request(HttpMethod.Put, "/signin-oidc", ("Origin", IdentityProvider), ("Sec-Fetch-Site", "cross-site"))
            .WithBody("code=abc", "application/x-www-form-urlencoded"));

        json.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        put.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        _reachedHandler.Should().BeEmpty();
    }

    [Fact]
    public async Task Other_paths_still_block_cross_site_form_posts()
    {
        var response = await _client.SendAsync(FormPost("/transfer", "amount=1000"));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public void The_discovered_callback_paths_are_logged_at_startup()
    {
        var log = _app.Services.GetFakeLogCollector().GetSnapshot().Should().ContainSingle(r => r.Id.Id == CorsKitEventIds.RemoteAuthenticationCallbacks).Subject;

        log.Level.Should().Be(LogLevel.Information);
        log.Message.Should().Contain("oidc: /signin-oidc, /signout-callback-oidc, /signout-oidc")
            .And.Contain("custom: /signin-custom");
    }

    [Fact]
    public async Task A_scheme_whose_options_fail_to_build_keeps_its_callback_guarded_and_the_app_starts()
    {
        var builder = TestHost.CreateBuilder("""{ "Cors": { "Policies": { } } }""", out _);
        builder.Services.AddStrictCors();
        builder.Services.AddSingleton(new ConcurrentQueue<string>());
        builder.Services.AddAuthentication()
            .AddRemoteScheme<TestRemoteOptions, TestRemoteHandler>("broken", "A misconfigured scheme", _ => throw new InvalidOperationException("no client id in this environment"));
        await using var app = builder.Build();
        app.UseStrictCors();
        app.UseAuthentication();
        await app.StartAsync();

        var response = await app.GetTestClient().SendAsync(Request(HttpMethod.Post, "/signin-broken", ("Origin", IdentityProvider), ("Sec-Fetch-Site", "cross-site"))
            .WithBody("token=abc", "application/x-www-form-urlencoded"));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden, "a callback CorsKit could not discover stays guarded");
        var warning = app.Services.GetFakeLogCollector().GetSnapshot().Should().ContainSingle(r => r.Id.Id == CorsKitEventIds.RemoteAuthenticationCallbacksUnreadable).Subject;
        warning.Level.Should().Be(LogLevel.Warning);
        warning.Message.Should().Contain("'broken'");
        warning.Exception!.Message.Should().Be("no client id in this environment");
    }

    /// <summary>What a browser sends when the identity provider's page submits its form.</summary>
    private static HttpRequestMessage FormPost(string path, string body) =>
        Request(HttpMethod.Post, path, ("Origin", IdentityProvider), ("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "navigate"), ("Cookie", "nonce=1"))
            .WithBody(body, "application/x-www-form-urlencoded");

    private sealed class TestRemoteOptions : RemoteAuthenticationOptions
    {
        public TestRemoteOptions() => CallbackPath = "/signin-broken";
    }

    /// <summary>A remote scheme of the app's own: its callback records that it ran and ends the request.</summary>
    private sealed class TestRemoteHandler(IOptionsMonitor<TestRemoteOptions> options, ILoggerFactory logger, UrlEncoder encoder, ConcurrentQueue<string> reached)
        : RemoteAuthenticationHandler<TestRemoteOptions>(options, logger, encoder)
    {
        protected override Task<HandleRequestResult> HandleRemoteAuthenticateAsync()
        {
            reached.Enqueue($"{Request.Path} custom callback");
            return Task.FromResult(HandleRequestResult.Handle());
        }
    }
}
