using System.Net;
using System.Text.Json;
using CorsKit.EcosystemTests.Support;
using Microsoft.AspNetCore.Http.Connections;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.EcosystemTests.SignalR;

/// <summary>
/// The SignalR recipe (docs/corskit-with.md): a bearer-token hub behind CorsKit on Kestrel, a
/// real HubConnection from a page's origin over each transport, the trial's lost WebSockets
/// (a cookie the page never chose on the handshake, under a policy without credentials) and
/// its fix, and the framework's [EnableCors] on a hub class.
/// </summary>
public sealed class SignalRRecipeTests
{
    private const string App = BrowserHubConnection.Origin;
    private const string AffinityCookie = "AWSALBCORS=lb-7";
    private const string CorsUnsafeHeaders = "authorization,x-requested-with,x-signalr-user-agent";

    private static readonly string Blocked =
        "Blocked a cross-origin GET from origin 'https://app.example' under policy 'app' before the endpoint ran (credentials_not_allowed).";

    public static TheoryData<HttpTransportType, string, CredentialsMode, string?> Connections => new()
    {
        // Bearer tokens only: the trial's policy, no cookie anywhere.
        { HttpTransportType.WebSockets, "app", CredentialsMode.SameOrigin, null },
        { HttpTransportType.ServerSentEvents, "app", CredentialsMode.SameOrigin, null },
        { HttpTransportType.LongPolling, "app", CredentialsMode.SameOrigin, null },
        // The fix: the hub's own policy with credentials; the client sends cookies on every request.
        { HttpTransportType.WebSockets, "hub", CredentialsMode.Include, AffinityCookie },
        { HttpTransportType.ServerSentEvents, "hub", CredentialsMode.Include, AffinityCookie },
        { HttpTransportType.LongPolling, "hub", CredentialsMode.Include, AffinityCookie },
    };

    [Theory]
    [MemberData(nameof(Connections))]
    public async Task A_hub_connection_from_an_allowed_origin_passes_the_negotiate_preflight_negotiate_and_its_transport(
        HttpTransportType transport, string policy, CredentialsMode credentials, string? cookie)
    {
        await using var app = await HubApp.StartAsync(policy);
        var client = new BrowserHubConnection(new Uri(app.BaseAddress, "/hubs/whoami"), transport, credentials, cookie);

        var answer = await client.StartAndAskAsync();
        await client.DisposeAsync();

        answer.Should().Be($"ada over {transport}");
        var credentialed = policy == "hub";
        var exchanges = client.Exchanges;
        var negotiatePreflight = exchanges[0];
        negotiatePreflight.Method.Should().Be(HttpMethod.Options);
        negotiatePreflight.PathAndQuery.Should().Be("/hubs/whoami/negotiate?negotiateVersion=1");
        negotiatePreflight.RequestHeaders["Access-Control-Request-Method"].Should().Be("POST");
        negotiatePreflight.RequestHeaders["Access-Control-Request-Headers"].Should().Be(CorsUnsafeHeaders);
        negotiatePreflight.Status.Should().Be(HttpStatusCode.NoContent);
        negotiatePreflight.AccessControl.Should().BeEquivalentTo(Granted(credentialed, preflight: true));
        negotiatePreflight.Vary.Should().Equal(PreflightVary);

        var negotiate = exchanges[1];
        negotiate.Method.Should().Be(HttpMethod.Post);
        negotiate.Status.Should().Be(HttpStatusCode.OK);
        negotiate.RequestHeaders.ContainsKey("Cookie").Should().Be(credentialed);
        negotiate.AccessControl.Should().BeEquivalentTo(Granted(credentialed, preflight: false));
        negotiate.Vary.Should().Equal("Origin");

        // Long polling and server-sent events go on over fetch(): each request preflighted (GET,
        // POST; a long poll may end with a DELETE, sent unless the server closed first), each granted.
        // The closing DELETE races the server's own close: when the server has already dropped the
        // connection it answers 404 "No Connection with that ID" — still a granted CORS answer.
        exchanges.Skip(2).Should().NotContain(e => e.IsPreflight
            ? e.Status != HttpStatusCode.NoContent
            : (int)e.Status >= 300 && !(e.Method == HttpMethod.Delete && e.Status == HttpStatusCode.NotFound));
        foreach (var exchange in exchanges.Where(e => !e.IsPreflight))
        {
            exchange.AccessControl.Should().BeEquivalentTo(Granted(credentialed, preflight: false), $"{exchange.Method} {exchange.PathAndQuery}");
            exchange.Vary.Should().Equal("Origin");
        }
        if (transport == HttpTransportType.WebSockets)
        {
            exchanges.Should().HaveCount(2, "the WebSocket is no fetch()");
            (await app.RequestAsync(r => r.WebSocket)).Should().Be(new ServerRequest("GET", "/hubs/whoami", WebSocket: true, Cookie: credentialed, Status: 101));
        }

        app.Blocked.Should().BeEmpty();
    }

    /// <summary>
    /// The trial: a page whose client sends no credentials (the JavaScript client's
    /// <c>withCredentials: false</c>), a hub authenticated by bearer tokens under a policy
    /// without credentials — and a load balancer's affinity cookie for the hub's site, which the
    /// browser attaches to the WebSocket handshake anyway.
    /// </summary>
    [Fact]
    public async Task A_cookie_on_the_WebSocket_handshake_under_a_policy_without_credentials_costs_the_hub_its_WebSockets()
    {
        await using var app = await HubApp.StartAsync(hubPolicy: null);
        var client = new BrowserHubConnection(new Uri(app.BaseAddress, "/hubs/whoami"),
            HttpTransportType.WebSockets | HttpTransportType.ServerSentEvents | HttpTransportType.LongPolling, CredentialsMode.SameOrigin, AffinityCookie);

        var answer = await client.StartAndAskAsync();
        await client.DisposeAsync();

        answer.Should().Be("ada over ServerSentEvents", "the client fell back after the handshake was refused");
        (await app.RequestAsync(r => r.WebSocket)).Should().Be(new ServerRequest("GET", "/hubs/whoami", WebSocket: true, Cookie: true, Status: 403));
        app.Blocked.Should().Equal(Blocked);
        client.Exchanges.Where(e => !e.IsPreflight).Should().NotBeEmpty().And.NotContain(e => e.RequestHeaders.ContainsKey("Cookie") || (int)e.Status >= 300,
            "fetch() without credentials sends no cookie, so negotiate and server-sent events pass");
    }

    [Fact]
    public async Task With_only_WebSockets_the_same_hub_connection_fails_with_the_handshake_refused()
    {
        await using var app = await HubApp.StartAsync(hubPolicy: null);
        await using var client = new BrowserHubConnection(new Uri(app.BaseAddress, "/hubs/whoami"), HttpTransportType.WebSockets, CredentialsMode.SameOrigin, AffinityCookie);

        var start = client.StartAndAskAsync;
        var error = await Record.ExceptionAsync(start);

        error.Should().NotBeNull();
        error!.ToString().Should().Contain("WebSockets failed: The server returned status code '403' when status code '101' was expected.");
        (await app.RequestAsync(r => r.WebSocket)).Should().Be(new ServerRequest("GET", "/hubs/whoami", WebSocket: true, Cookie: true, Status: 403));
        app.Blocked.Should().Equal(Blocked);
    }

    [Fact]
    public async Task With_RequireStrictCors_hub_the_same_client_keeps_its_WebSockets()
    {
        await using var app = await HubApp.StartAsync(hubPolicy: "hub");
        var client = new BrowserHubConnection(new Uri(app.BaseAddress, "/hubs/whoami"),
            HttpTransportType.WebSockets | HttpTransportType.ServerSentEvents | HttpTransportType.LongPolling, CredentialsMode.SameOrigin, AffinityCookie);

        var answer = await client.StartAndAskAsync();
        await client.DisposeAsync();

        answer.Should().Be("ada over WebSockets");
        (await app.RequestAsync(r => r.WebSocket)).Should().Be(new ServerRequest("GET", "/hubs/whoami", WebSocket: true, Cookie: true, Status: 101));
        app.Blocked.Should().BeEmpty();
        client.Exchanges.Select(e => (e.Method.Method, e.Status)).Should().Equal(("OPTIONS", HttpStatusCode.NoContent), ("POST", HttpStatusCode.OK));
        client.Exchanges[1].AccessControl.Should().BeEquivalentTo(Granted(credentialed: true, preflight: false));
    }

    /// <summary>The JavaScript client's default, <c>withCredentials: true</c>: negotiate is a credentialed fetch().</summary>
    [Fact]
    public async Task A_client_sending_credentials_cannot_negotiate_under_a_policy_without_credentials()
    {
        await using var app = await HubApp.StartAsync(hubPolicy: null);
        await using var client = new BrowserHubConnection(new Uri(app.BaseAddress, "/hubs/whoami"), HttpTransportType.WebSockets, CredentialsMode.Include, AffinityCookie);

        var start = client.StartAndAskAsync;

        (await start.Should().ThrowAsync<HttpRequestException>()).Which.Message.Should().Contain("CORS preflight for POST");
        var preflight = client.Exchanges.Should().ContainSingle("the browser stops at a preflight without Access-Control-Allow-Credentials").Which;
        preflight.Status.Should().Be(HttpStatusCode.NoContent);
        preflight.AccessControl.Should().BeEquivalentTo(Granted(credentialed: false, preflight: true));
        app.Requests.Should().ContainSingle().Which.Method.Should().Be("OPTIONS");
    }

    [Fact]
    public async Task A_negotiate_carrying_a_cookie_under_a_policy_without_credentials_is_refused_and_explained_in_Development()
    {
        await using var app = await HubApp.StartAsync(hubPolicy: null, environment: "Development");
        using var http = new HttpClient { BaseAddress = app.BaseAddress };

        // The JavaScript client's negotiate with withCredentials: true, as a browser sends it.
        var request = Request(HttpMethod.Post, "/hubs/whoami/negotiate?negotiateVersion=1",
                ("Origin", App), ("Cookie", AffinityCookie), ("Authorization", "Bearer " + TestBearerHandler.Token),
                ("X-Requested-With", "XMLHttpRequest"), ("X-SignalR-User-Agent", "Microsoft SignalR/10.0 (10.0.0; Unknown OS; Browser; Unknown Runtime Version)"),
                ("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "cors"), ("Sec-Fetch-Dest", "empty"))
            .WithBody(string.Empty, "text/plain;charset=UTF-8");
        var response = await http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        AccessControlHeaders(response).Should().BeEmpty();
        VaryTokens(response).Should().Equal("Origin");
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("check").GetString().Should().Be("credentials_not_allowed");
        problem.RootElement.GetProperty("policy").GetString().Should().Be("app");
        problem.RootElement.GetProperty("fix").GetString().Should().Be(
            "If \"https://app.example\" may act with the user's credentials, set Cors:Policies:app:AllowCredentials to true; otherwise keep cookies away from the request: the browser sends every cookie of the API's host, so a bearer-token API (or SignalR hub) needs a host no cookie is set for (no affinity cookie, no other app's cookie).");
        app.Blocked.Should().Equal("Blocked a cross-origin POST from origin 'https://app.example' under policy 'app' before the endpoint ran (credentials_not_allowed).");
    }

    [Fact]
    public async Task The_frameworks_EnableCors_attribute_on_a_hub_class_chooses_its_policy()
    {
        await using var app = await HubApp.StartAsync(hubPolicy: null);
        var client = new BrowserHubConnection(new Uri(app.BaseAddress, "/hubs/attributed"), HttpTransportType.WebSockets, CredentialsMode.Include, AffinityCookie);

        var answer = await client.StartAndAskAsync();
        await client.DisposeAsync();

        answer.Should().Be("ada over WebSockets");
        client.Exchanges[0].AccessControl.Should().BeEquivalentTo(Granted(credentialed: true, preflight: true),
            "[EnableCors(\"hub\")] wins over the default policy, which has no credentials");
        client.Exchanges[1].AccessControl.Should().BeEquivalentTo(Granted(credentialed: true, preflight: false));
        (await app.RequestAsync(r => r.WebSocket)).Should().Be(new ServerRequest("GET", "/hubs/attributed", WebSocket: true, Cookie: true, Status: 101));
        app.Blocked.Should().BeEmpty();
    }

    /// <summary>What the <c>app</c> (no credentials) or <c>hub</c> (credentials) policy grants the page's origin.</summary>
    private static Dictionary<string, string> Granted(bool credentialed, bool preflight)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Access-Control-Allow-Origin"] = App };
        if (credentialed)
        {
            headers["Access-Control-Allow-Credentials"] = "true";
        }

        if (preflight)
        {
            headers["Access-Control-Allow-Methods"] = "DELETE";
            headers["Access-Control-Allow-Headers"] = "Authorization, X-Requested-With, X-SignalR-User-Agent";
        }

        return headers;
    }

}
