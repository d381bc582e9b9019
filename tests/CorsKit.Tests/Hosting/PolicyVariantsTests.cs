using System.Net;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.Tests.Hosting;

/// <summary>Public policies, private network access, the guard switch and apps without a default policy.</summary>
public class PolicyVariantsTests
{
    [Fact]
    public async Task Public_policy_answers_any_origin_with_a_star_and_never_with_credentials()
    {
        await using var app = await CorsTestApp.StartAsync(o => o.AddDefaultPolicy("public", p => p.AllowAnyOrigin().WithMethods("PUT").WithHeaders("X-Key")));

        var preflight = await app.Client.SendAsync(Preflight(CorsTestApp.Resource, "https://anyone.example", "PUT", "x-key"));
        var get = await app.Client.SendAsync(Request(HttpMethod.Get, CorsTestApp.Resource, ("Origin", "https://anyone.example")));

        preflight.StatusCode.Should().Be(HttpStatusCode.NoContent);
        AccessControlHeaders(preflight).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Access-Control-Allow-Origin"] = "*",
            ["Access-Control-Allow-Methods"] = "PUT",
            ["Access-Control-Allow-Headers"] = "X-Key",
        });
        AccessControlHeaders(get).Should().BeEquivalentTo(new Dictionary<string, string> { ["Access-Control-Allow-Origin"] = "*" });
        VaryTokens(get).Should().Equal("Origin");
    }

    [Fact]
    public async Task Public_policy_never_answers_the_null_origin()
    {
        await using var app = await CorsTestApp.StartAsync(o => o.AddDefaultPolicy("public", p => p.AllowAnyOrigin()));

        var get = await app.Client.SendAsync(Request(HttpMethod.Get, CorsTestApp.Resource, ("Origin", "null")));
        var post = await app.Client.SendAsync(Request(HttpMethod.Post, CorsTestApp.Resource, ("Origin", "null")));

        AccessControlHeaders(get).Should().BeEmpty();
        VaryTokens(get).Should().Equal("Origin");
        post.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        app.HitCount("POST").Should().Be(0);
    }

    [Fact]
    public async Task Public_policy_blocks_unsafe_cross_origin_requests_that_carry_cookies()
    {
        await using var app = await CorsTestApp.StartAsync(o => o.AddDefaultPolicy("public", p => p.AllowAnyOrigin().WithMethods("PUT")));

        var anonymous = await app.Client.SendAsync(Request(HttpMethod.Put, CorsTestApp.Resource, ("Origin", "https://anyone.example")));
        var withCookie = await app.Client.SendAsync(Request(HttpMethod.Post, CorsTestApp.Resource, ("Origin", "https://anyone.example"), ("Cookie", "session=abc")));

        anonymous.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(anonymous).Should().BeEquivalentTo(new Dictionary<string, string> { ["Access-Control-Allow-Origin"] = "*" });
        withCookie.StatusCode.Should().Be(HttpStatusCode.Forbidden, "'*' never grants credentials, so a cookie-carrying write is a forgery");
        AccessControlHeaders(withCookie).Should().BeEmpty();
        VaryTokens(withCookie).Should().Equal("Origin");
        app.HitCount("PUT").Should().Be(1);
        app.HitCount("POST").Should().Be(0);
    }

    [Fact]
    public async Task Private_network_preflight_is_granted_only_by_a_policy_that_opts_in()
    {
        await using var optedIn = await CorsTestApp.StartAsync(o => o.AddDefaultPolicy("lan", p => p.WithOrigins("https://app.example.com").AllowPrivateNetwork()));
        await using var notOptedIn = await CorsTestApp.StartAsync(o => o.AddDefaultPolicy("web", p => p.WithOrigins("https://app.example.com")));

        HttpRequestMessage PnaPreflight()
        {
            var request = Preflight(CorsTestApp.Resource, "https://app.example.com", "GET");
            request.Headers.Add("Access-Control-Request-Private-Network", "true");
            return request;
        }

        var granted = await optedIn.Client.SendAsync(PnaPreflight());
        var refused = await notOptedIn.Client.SendAsync(PnaPreflight());
        var notAsked = await optedIn.Client.SendAsync(Preflight(CorsTestApp.Resource, "https://app.example.com", "GET"));

        granted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        AccessControlHeaders(granted).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Access-Control-Allow-Origin"] = "https://app.example.com",
            ["Access-Control-Allow-Private-Network"] = "true",
        });
        refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        AccessControlHeaders(refused).Should().BeEmpty();
        AccessControlHeaders(notAsked).Should().NotContainKey("Access-Control-Allow-Private-Network");
    }

    [Fact]
    public async Task With_the_guard_switched_off_unsafe_requests_from_disallowed_origins_run_without_cors_headers()
    {
        await using var app = await CorsTestApp.StartAsync(o =>
        {
            o.BlockCrossOriginUnsafeRequests = false;
            o.AddDefaultPolicy("web", p => p.WithOrigins("https://app.example.com"));
        });

        var response = await app.Client.SendAsync(Request(HttpMethod.Post, CorsTestApp.Resource, ("Origin", "https://evil.example")));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(response).Should().BeEmpty();
        app.HitCount("POST").Should().Be(1);
    }

    [Fact]
    public async Task A_listed_origin_policy_without_credentials_blocks_cookie_carrying_writes_from_its_own_origins()
    {
        await using var app = await CorsTestApp.StartAsync(o => o.AddDefaultPolicy("partners", p => p.WithOrigins("https://partner.example").WithMethods("PUT")));

        var anonymous = await app.Client.SendAsync(Request(HttpMethod.Put, CorsTestApp.Resource, ("Origin", "https://partner.example"), ("Sec-Fetch-Site", "cross-site")));
        var withCookie = await app.Client.SendAsync(Request(HttpMethod.Post, CorsTestApp.Resource, ("Origin", "https://partner.example"), ("Sec-Fetch-Site", "cross-site"), ("Cookie", "session=abc"))
            .WithBody("x", "text/plain"));
        var read = await app.Client.SendAsync(Request(HttpMethod.Get, CorsTestApp.Resource, ("Origin", "https://partner.example"), ("Cookie", "session=abc")));

        anonymous.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(anonymous).Should().BeEquivalentTo(new Dictionary<string, string> { ["Access-Control-Allow-Origin"] = "https://partner.example" });
        withCookie.StatusCode.Should().Be(HttpStatusCode.Forbidden, "the policy does not let this origin act with the user's credentials");
        AccessControlHeaders(withCookie).Should().BeEmpty();
        VaryTokens(withCookie).Should().Equal("Origin");
        read.StatusCode.Should().Be(HttpStatusCode.OK, "a safe request is never blocked; the browser hides a credentialed answer without Allow-Credentials");
        app.Logs.GetSnapshot().Should().ContainSingle(r => r.Id.Id == CorsKitEventIds.CrossOriginRequestBlocked).Which.Message.Should()
            .Be("Blocked a cross-origin POST from origin 'https://partner.example' under policy 'partners' before the endpoint ran (credentials_not_allowed).");
        app.HitCount("PUT").Should().Be(1);
        app.HitCount("POST").Should().Be(0);
    }

    [Fact]
    public async Task A_policy_with_credentials_lets_cookie_carrying_writes_from_its_origins_run()
    {
        await using var app = await CorsTestApp.StartAsync(o => o.AddDefaultPolicy("app", p => p.WithOrigins("https://app.example").AllowCredentials()));

        var response = await app.Client.SendAsync(Request(HttpMethod.Post, CorsTestApp.Resource, ("Origin", "https://app.example"), ("Sec-Fetch-Site", "cross-site"), ("Cookie", "session=abc"))
            .WithBody("x", "text/plain"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(response).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Access-Control-Allow-Origin"] = "https://app.example",
            ["Access-Control-Allow-Credentials"] = "true",
        });
        app.HitCount("POST").Should().Be(1);
    }

    [Fact]
    public async Task Without_a_default_policy_no_origin_is_allowed_the_guard_still_blocks_and_only_unsafe_answers_vary_by_origin()
    {
        await using var app = await CorsTestApp.StartAsync(_ => { });

        var preflight = await app.Client.SendAsync(Preflight(CorsTestApp.Resource, "https://app.example.com", "PUT"));
        var get = await app.Client.SendAsync(Request(HttpMethod.Get, CorsTestApp.Resource, ("Origin", "https://app.example.com")));
        var post = await app.Client.SendAsync(Request(HttpMethod.Post, CorsTestApp.Resource, ("Origin", "https://app.example.com")));
        var sameOriginPost = await app.Client.SendAsync(Request(HttpMethod.Post, CorsTestApp.Resource, ("Origin", "http://localhost")));
        var postWithoutOrigin = await app.Client.SendAsync(Request(HttpMethod.Post, CorsTestApp.Resource));

        preflight.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        VaryTokens(preflight).Should().BeEmpty("the answer is the same for every origin");
        AccessControlHeaders(get).Should().BeEmpty();
        VaryTokens(get).Should().BeEmpty("a safe request gets the same answer from every origin");
        post.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        VaryTokens(post).Should().Equal(["Origin"], "a write is refused or run depending on its origin");
        sameOriginPost.StatusCode.Should().Be(HttpStatusCode.OK);
        VaryTokens(sameOriginPost).Should().Equal("Origin");
        postWithoutOrigin.StatusCode.Should().Be(HttpStatusCode.OK);
        VaryTokens(postWithoutOrigin).Should().Equal("Origin");
        app.HitCount("POST").Should().Be(2);
    }
}
