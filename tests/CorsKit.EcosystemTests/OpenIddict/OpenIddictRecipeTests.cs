using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CorsKit.EcosystemTests.Support;
using static CorsKit.EcosystemTests.OpenIddict.IdentityProvider;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.EcosystemTests.OpenIddict;

/// <summary>
/// The OpenIddict recipe (docs/corskit-with.md): an OpenIddict 7.9 server behind CorsKit,
/// called from a SPA's origin (discovery, keys, token endpoint) and receiving cross-site form
/// posts at its authorization endpoint.
/// </summary>
public sealed partial class OpenIddictRecipeTests
{
    /// <summary>The recipe's configuration: OpenIddict's own endpoints are no routing endpoints, so the default policy is theirs.</summary>
    private const string Json = """
        { "Cors": { "DefaultPolicy": "spa", "Policies": {
            "spa": { "Origins": [ "https://spa.example" ] } } } }
        """;

    private const string Verifier = "N8x0m2y4VnQ7rT1kL5pW9sZ3bC6dF0gH2jK4lM6nP8qR1tU3vX5yZ7aB9cD1eF3g";

    [Fact]
    public async Task The_discovery_document_and_the_keys_are_readable_from_the_spa_origin_only()
    {
        await using var idp = await StartAsync(Json, allowCrossOriginFormPosts: false);
        var spa = new BrowserFetch(Spa, inner: idp.CreateHandler());
        using var fromSpa = new HttpClient(spa) { BaseAddress = new Uri("https://idp.example/") };
        using var fromElsewhere = new HttpClient(new BrowserFetch("https://elsewhere.example", inner: idp.CreateHandler())) { BaseAddress = new Uri("https://idp.example/") };

        var discovery = await fromSpa.GetAsync(".well-known/openid-configuration");
        var keys = await fromSpa.GetAsync(".well-known/jwks");
        var unreadable = () => fromElsewhere.GetAsync(".well-known/openid-configuration");

        using var document = JsonDocument.Parse(await discovery.Content.ReadAsStringAsync());
        document.RootElement.GetProperty("issuer").GetString().Should().Be("https://idp.example/");
        document.RootElement.GetProperty("token_endpoint").GetString().Should().Be("https://idp.example/connect/token");
        using var jwks = JsonDocument.Parse(await keys.Content.ReadAsStringAsync());
        jwks.RootElement.GetProperty("keys").GetArrayLength().Should().Be(1);
        spa.Exchanges.Should().HaveCount(2).And.OnlyContain(e => !e.IsPreflight && e.Status == HttpStatusCode.OK, "both are simple GETs");
        foreach (var exchange in spa.Exchanges)
        {
            exchange.AccessControl.Should().BeEquivalentTo(new Dictionary<string, string> { ["Access-Control-Allow-Origin"] = Spa });
            exchange.Vary.Should().Equal("Origin");
        }

        await unreadable.Should().ThrowAsync<HttpRequestException>("another origin gets no Access-Control-Allow-Origin");
        idp.OpenIddictEndpointsMatched.Should().Equal(
            "The request URI matched a server endpoint: Configuration.",
            "The request URI matched a server endpoint: JsonWebKeySet.",
            "The request URI matched a server endpoint: Configuration.");
    }

    [Fact]
    public async Task The_spa_redeems_its_code_with_a_simple_cross_origin_POST_and_reads_the_tokens_and_the_errors()
    {
        await using var idp = await StartAsync(Json, allowCrossOriginFormPosts: false);
        using var navigation = idp.CreateClient();
        var spa = new BrowserFetch(Spa, inner: idp.CreateHandler());
        using var fromSpa = new HttpClient(spa) { BaseAddress = new Uri("https://idp.example/") };

        // The SPA sends the user to the authorization endpoint: a top-level GET navigation, no Origin.
        var redirect = await navigation.SendAsync(Navigation(HttpMethod.Get,
            $"connect/authorize?client_id=spa&redirect_uri={Uri.EscapeDataString(SpaCallback)}&response_type=code&scope=openid&state=s1"
            + $"&code_challenge={Challenge(Verifier)}&code_challenge_method=S256"));
        redirect.StatusCode.Should().Be(HttpStatusCode.Redirect);
        AccessControlHeaders(redirect).Should().BeEmpty();
        var code = System.Web.HttpUtility.ParseQueryString(redirect.Headers.Location!.Query)["code"]!;

        var tokens = await fromSpa.PostAsync("connect/token", Form(("grant_type", "authorization_code"), ("code", code),
            ("redirect_uri", SpaCallback), ("client_id", "spa"), ("code_verifier", Verifier)));
        var error = await fromSpa.PostAsync("connect/token", Form(("grant_type", "authorization_code"), ("code", code),
            ("redirect_uri", SpaCallback), ("client_id", "spa"), ("code_verifier", "wrong-" + Verifier)));

        tokens.StatusCode.Should().Be(HttpStatusCode.OK);
        using (var body = JsonDocument.Parse(await tokens.Content.ReadAsStringAsync()))
        {
            body.RootElement.GetProperty("token_type").GetString().Should().Be("Bearer");
            body.RootElement.GetProperty("access_token").GetString().Should().NotBeNullOrEmpty();
            body.RootElement.GetProperty("id_token").GetString().Should().NotBeNullOrEmpty();
        }

        error.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        using (var body = JsonDocument.Parse(await error.Content.ReadAsStringAsync()))
        {
            body.RootElement.GetProperty("error").GetString().Should().Be("invalid_grant", "the SPA reads OpenIddict's error as well");
        }

        spa.Exchanges.Should().HaveCount(2).And.OnlyContain(e => !e.IsPreflight && e.Method == HttpMethod.Post,
            "a form-urlencoded POST without other headers is a simple request: no preflight");
        foreach (var exchange in spa.Exchanges)
        {
            exchange.RequestHeaders.Should().NotContainKey("Cookie", "fetch() sends no cookies cross-origin by default");
            exchange.AccessControl.Should().BeEquivalentTo(new Dictionary<string, string> { ["Access-Control-Allow-Origin"] = Spa });
            exchange.Vary.Should().Equal("Origin");
        }

        idp.AuthorizeRuns.Should().Be(1);
        idp.Blocked.Should().BeEmpty();
    }

    [Fact]
    public async Task Without_a_default_policy_the_spa_can_neither_read_discovery_nor_reach_the_token_endpoint()
    {
        await using var idp = await StartAsync("""{ "Cors": { "Policies": { "spa": { "Origins": [ "https://spa.example" ] } } } }""", allowCrossOriginFormPosts: false);
        using var client = idp.CreateClient();

        var discovery = await client.SendAsync(Cors(HttpMethod.Get, ".well-known/openid-configuration", Spa));
        var token = await client.SendAsync(Cors(HttpMethod.Post, "connect/token", Spa, Form(("grant_type", "authorization_code"),
            ("code", "x"), ("redirect_uri", SpaCallback), ("client_id", "spa"), ("code_verifier", Verifier))));

        discovery.StatusCode.Should().Be(HttpStatusCode.OK, "OpenIddict answered, with no CORS grant");
        AccessControlHeaders(discovery).Should().BeEmpty();
        VaryTokens(discovery).Should().BeEmpty("no policy applies, so the answer cannot depend on the origin");
        token.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        AccessControlHeaders(token).Should().BeEmpty();
        VaryTokens(token).Should().Equal("Origin");
        idp.OpenIddictEndpointsMatched.Should().Equal(["The request URI matched a server endpoint: Configuration."], "the token request never reached OpenIddict");
        idp.Blocked.Should().Equal("Blocked a cross-origin POST from origin 'https://spa.example' under policy '(none)' before the endpoint ran (origin_not_allowed).");
    }

    public static TheoryData<string, string, string?, string> CrossSiteAuthorizationPosts => new()
    {
        // A server-side app on another site posts its authorization request (response_mode=form_post).
        { Portal, "portal", null, "origin_not_allowed" },
        // The SPA's own origin, with the identity provider's SameSite=None session cookie riding along.
        { Spa, "spa", "idp.session=alice", "credentials_not_allowed" },
    };

    [Theory]
    [MemberData(nameof(CrossSiteAuthorizationPosts))]
    public async Task A_cross_site_form_post_to_the_authorization_endpoint_is_blocked_before_OpenIddict_without_AllowCrossOriginFormPosts(
        string origin, string clientId, string? cookie, string reason)
    {
        await using var idp = await StartAsync(Json, allowCrossOriginFormPosts: false);
        using var client = idp.CreateClient();

        var response = await client.SendAsync(AuthorizationFormPost(origin, clientId, cookie));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        AccessControlHeaders(response).Should().BeEmpty();
        VaryTokens(response).Should().Equal("Origin");
        (await response.Content.ReadAsStringAsync()).Should().BeEmpty();
        idp.AuthorizeRuns.Should().Be(0);
        idp.OpenIddictEndpointsMatched.Should().BeEmpty("CorsKit runs before UseAuthentication(), where OpenIddict handles requests");
        idp.Blocked.Should().Equal($"Blocked a cross-origin POST from origin '{origin}' under policy 'spa' before the endpoint ran ({reason}).");
    }

    [Theory]
    [InlineData(Portal, "portal", null, false)]
    [InlineData(Spa, "spa", "idp.session=alice", true)]
    public async Task With_AllowCrossOriginFormPosts_the_form_post_reaches_OpenIddict_and_the_code_goes_back_without_any_added_CORS_grant(
        string origin, string clientId, string? cookie, bool originInPolicy)
    {
        await using var idp = await StartAsync(Json, allowCrossOriginFormPosts: true);
        using var client = idp.CreateClient();

        var response = await client.SendAsync(AuthorizationFormPost(origin, clientId, cookie));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        var html = await response.Content.ReadAsStringAsync();
        var callback = clientId == "spa" ? SpaCallback : PortalCallback;
        html.Should().Contain($"<form name=\"form\" method=\"post\" action=\"{callback}\">");
        FormInput().Matches(html).Select(m => m.Groups["name"].Value).Should().Equal("code", "state", "iss");
        html.Should().Contain("<input type=\"hidden\" name=\"state\" value=\"s1\" />");
        // Accepting form posts grants nothing: the portal gets no CORS header; the SPA's origin gets
        // what the endpoint's policy gives it anyway, without credentials, which no credentialed fetch can read.
        AccessControlHeaders(response).Should().BeEquivalentTo(originInPolicy
            ? new Dictionary<string, string> { ["Access-Control-Allow-Origin"] = Spa }
            : []);
        VaryTokens(response).Should().Equal("Origin");
        idp.AuthorizeRuns.Should().Be(1);
        idp.OpenIddictEndpointsMatched.Should().Equal("The request URI matched a server endpoint: Authorization.");
        idp.Blocked.Should().BeEmpty();
        idp.Logs.GetSnapshot().Where(r => r.Id.Id == CorsKitEventIds.EndpointInventory).Select(r => r.Message).Single()
            .Should().StartWith("CorsKit exemptions. Cross-origin form posts accepted by: HTTP: GET, POST /connect/authorize.");
    }

    /// <summary>The authorization request as a browser posts it from another site's page (a form, response_mode=form_post).</summary>
    private static HttpRequestMessage AuthorizationFormPost(string origin, string clientId, string? cookie)
    {
        var request = Navigation(HttpMethod.Post, "connect/authorize", Form(
            ("client_id", clientId), ("redirect_uri", clientId == "spa" ? SpaCallback : PortalCallback), ("response_type", "code"),
            ("response_mode", "form_post"), ("scope", "openid"), ("state", "s1"), ("nonce", "n1"),
            ("code_challenge", Challenge(Verifier)), ("code_challenge_method", "S256")));
        request.Headers.TryAddWithoutValidation("Origin", origin);
        if (cookie is not null)
        {
            request.Headers.TryAddWithoutValidation("Cookie", cookie);
        }

        return request;
    }

    /// <summary>A top-level navigation from another site, with the Fetch Metadata browsers send.</summary>
    private static HttpRequestMessage Navigation(HttpMethod method, string path, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site");
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Mode", "navigate");
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Dest", "document");
        request.Headers.TryAddWithoutValidation("Sec-Fetch-User", "?1");
        return request;
    }

    /// <summary>A fetch() from <paramref name="origin"/>, as a browser sends it.</summary>
    private static HttpRequestMessage Cors(HttpMethod method, string path, string origin, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.TryAddWithoutValidation("Origin", origin);
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site");
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Mode", "cors");
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Dest", "empty");
        return request;
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));

    private static string Challenge(string verifier) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\"")]
    private static partial Regex FormInput();
}
