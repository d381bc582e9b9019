using System.Collections.Concurrent;
using System.Net;
using CorsKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.IntegrationTests;

/// <summary>
/// The guard lets cross-site form posts to a remote scheme's callback paths through because the
/// authentication handler consumes them. A handler declines what it does not recognise, and the
/// pipeline then runs whatever endpoint routing selected at that path: a root-level parameter
/// route, a fallback or a catch-all, with the victim's cookies. A request that passed only
/// because of the callback exemption must never run an endpoint that did not opt in.
/// </summary>
public sealed class RemoteAuthenticationFallThroughTests
{
    private const string IdentityProvider = "https://idp.example";

    public enum Route
    {
        Slug,
        Fallback,
        CatchAll,
    }

    [Theory]
    [InlineData(Route.Slug)]
    [InlineData(Route.Fallback)]
    [InlineData(Route.CatchAll)]
    public async Task A_multipart_post_to_the_remote_sign_out_path_that_the_handler_declines_never_runs_the_endpoint(Route route)
    {
        await using var app = await StartAsync(route, skipUnrecognized: false);

        var response = await app.Client.SendAsync(CrossSitePost("/signout-oidc", Multipart(("sid", "abc"))));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden, "the handler did not consume it and the endpoint did not opt in");
        app.EndpointRuns.Should().BeEmpty();
        AccessControlHeaders(response).Should().BeEmpty();
        app.Logs.Should().ContainSingle(r => r.Id.Id == CorsKitEventIds.CallbackNotConsumed).Which.Message.Should().Contain("/signout-oidc");
    }

    [Theory]
    [InlineData(Route.Slug)]
    [InlineData(Route.Fallback)]
    [InlineData(Route.CatchAll)]
    public async Task A_form_post_to_the_callback_path_that_a_skipping_handler_declines_never_runs_the_endpoint(Route route)
    {
        await using var app = await StartAsync(route, skipUnrecognized: true);

        var response = await app.Client.SendAsync(CrossSitePost("/signin-oidc", Form("amount=1000")));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        app.EndpointRuns.Should().BeEmpty();
    }

    [Theory]
    [InlineData(Route.Slug, false)]
    [InlineData(Route.Fallback, true)]
    [InlineData(Route.CatchAll, true)]
    public async Task Genuine_form_post_callbacks_and_remote_sign_out_still_reach_the_handler(Route route, bool skipUnrecognized)
    {
        await using var app = await StartAsync(route, skipUnrecognized);

        var signIn = await app.Client.SendAsync(CrossSitePost("/signin-oidc", Form("code=abc&state=genuine")));
        var signOut = await app.Client.SendAsync(CrossSitePost("/signout-oidc", Form("sid=abc&iss=https%3A%2F%2Fidp.example")));

        signIn.StatusCode.Should().Be(HttpStatusCode.OK);
        app.HandlerSaw.Should().Equal("/signin-oidc state=genuine");
        signOut.StatusCode.Should().Be(HttpStatusCode.OK, "the handler signs the user out and ends the request");
        app.EndpointRuns.Should().BeEmpty();
    }

    [Fact]
    public async Task An_endpoint_that_accepts_cross_origin_form_posts_at_a_callback_path_still_runs_when_the_handler_declines()
    {
        await using var app = await StartAsync(Route.Slug, skipUnrecognized: true, optIn: true);

        var response = await app.Client.SendAsync(CrossSitePost("/signin-oidc", Form("amount=1000")));

        response.StatusCode.Should().Be(HttpStatusCode.OK, "the endpoint opted in with AllowCrossOriginFormPosts");
        app.EndpointRuns.Should().Equal("/signin-oidc");
    }

    [Fact]
    public async Task Same_origin_requests_to_a_callback_path_are_not_held_back()
    {
        await using var app = await StartAsync(Route.Slug, skipUnrecognized: true);

        var response = await app.Client.SendAsync(Request(HttpMethod.Post, "/signin-oidc", ("Sec-Fetch-Site", "same-origin"), ("Origin", "http://localhost"))
            .WithBody("amount=1", "application/x-www-form-urlencoded"));

        response.StatusCode.Should().Be(HttpStatusCode.OK, "the guard lets same-origin writes run; the exemption played no part");
        app.EndpointRuns.Should().Equal("/signin-oidc");
    }

    private static HttpRequestMessage CrossSitePost(string path, HttpContent body)
    {
        var request = Request(HttpMethod.Post, path, ("Origin", IdentityProvider), ("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "navigate"), ("Cookie", "session=victim"));
        request.Content = body;
        return request;
    }

    private static StringContent Form(string body) => new(body, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");

    private static MultipartFormDataContent Multipart(params (string Name, string Value)[] fields)
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            content.Add(new StringContent(value), name);
        }

        return content;
    }

    private static async Task<FallThroughApp> StartAsync(Route route, bool skipUnrecognized, bool optIn = false)
    {
        var endpointRuns = new ConcurrentQueue<string>();
        var handlerSaw = new ConcurrentQueue<string>();
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
                o.SkipUnrecognizedRequests = skipUnrecognized;
                o.Events.OnMessageReceived = context =>
                {
                    // Stands for a valid identity provider answer: the handler consumes it.
                    if (context.ProtocolMessage.State == "genuine")
                    {
                        handlerSaw.Enqueue($"{context.Request.Path} state={context.ProtocolMessage.State}");
                        context.HandleResponse();
                    }

                    return Task.CompletedTask;
                };
            });

        var app = builder.Build();
        app.UseStrictCors();
        app.UseAuthentication();
        RequestDelegate write = context =>
        {
            endpointRuns.Enqueue(context.Request.Path.Value!);
            return context.Response.WriteAsync("written");
        };
        var endpoint = route switch
        {
            Route.Slug => app.MapPost("/{slug}", write),
            Route.Fallback => app.MapFallback(write),
            _ => app.Map("/{**path}", write),
        };
        if (optIn)
        {
            endpoint.AllowCrossOriginFormPosts();
        }

        await app.StartAsync();
        return new FallThroughApp(app, endpointRuns, handlerSaw);
    }

    private sealed class FallThroughApp(WebApplication app, ConcurrentQueue<string> endpointRuns, ConcurrentQueue<string> handlerSaw) : IAsyncDisposable
    {
        public HttpClient Client { get; } = app.GetTestClient();

        public ConcurrentQueue<string> EndpointRuns => endpointRuns;

        public ConcurrentQueue<string> HandlerSaw => handlerSaw;

        public IReadOnlyList<FakeLogRecord> Logs => app.Services.GetFakeLogCollector().GetSnapshot();

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await app.DisposeAsync();
        }
    }
}
