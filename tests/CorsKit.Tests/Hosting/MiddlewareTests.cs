using System.Net;
using CorsKit.Testing;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.Tests.Hosting;

/// <summary>The request semantics of README's "What CorsKit answers" through a real pipeline, each asserting the whole response contract.</summary>
public sealed class MiddlewareTests : IAsyncLifetime
{
    public const string WebPolicy = """
        {
          "Cors": {
            "DefaultPolicy": "web",
            "Policies": {
              "web": {
                "Origins": [ "https://app.example.com", "https://*.example.com" ],
                "Methods": [ "PUT", "DELETE" ],
                "Headers": [ "Content-Type", "Authorization" ],
                "ExposedHeaders": [ "X-Request-Id" ],
                "AllowCredentials": true,
                "MaxAgeSeconds": 600
              }
            }
          }
        }
        """;

    private const string Allowed = "https://app.example.com";
    private const string Disallowed = "https://evil.example";

    private CorsTestApp _app = null!;

    public async Task InitializeAsync() => _app = await CorsTestApp.StartAsync(WebPolicy);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Preflight_from_allowed_origin_returns_204_with_every_policy_header_and_never_reaches_the_endpoint()
    {
        var response = await _app.Client.SendAsync(Preflight(CorsTestApp.Resource, Allowed, "PUT", "content-type,authorization"));

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        AccessControlHeaders(response).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Access-Control-Allow-Origin"] = Allowed,
            ["Access-Control-Allow-Credentials"] = "true",
            ["Access-Control-Allow-Methods"] = "PUT, DELETE",
            ["Access-Control-Allow-Headers"] = "Content-Type, Authorization",
            ["Access-Control-Max-Age"] = "600",
        });
        VaryTokens(response).Should().Equal(PreflightVary);
        (await response.Content.ReadAsStringAsync()).Should().BeEmpty();
        _app.HitCount("OPTIONS").Should().Be(0);
    }

    [Theory]
    [InlineData(Disallowed, "PUT", null)]
    [InlineData("null", "PUT", null)]
    [InlineData(Allowed, "PATCH", null)]
    [InlineData(Allowed, "PUT", "x-custom")]
    public async Task Preflight_not_allowed_returns_403_without_cors_headers_and_never_reaches_the_endpoint(string origin, string method, string? headers)
    {
        var response = await _app.Client.SendAsync(Preflight(CorsTestApp.Resource, origin, method, headers));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        AccessControlHeaders(response).Should().BeEmpty();
        VaryTokens(response).Should().Equal(PreflightVary);
        _app.HitCount("OPTIONS").Should().Be(0);
    }

    [Fact]
    public async Task Options_without_request_method_is_an_ordinary_request_that_reaches_the_endpoint()
    {
        var response = await _app.Client.SendAsync(Request(HttpMethod.Options, CorsTestApp.Resource, ("Origin", Allowed)));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(response).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Access-Control-Allow-Origin"] = Allowed,
            ["Access-Control-Allow-Credentials"] = "true",
            ["Access-Control-Expose-Headers"] = "X-Request-Id",
        });
        _app.HitCount("OPTIONS").Should().Be(1);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Actual_request_from_allowed_origin_runs_the_endpoint_and_gets_cors_headers(string method)
    {
        var response = await _app.Client.SendAsync(Request(new HttpMethod(method), CorsTestApp.Resource, ("Origin", "https://a.b.example.com")));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(response).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Access-Control-Allow-Origin"] = "https://a.b.example.com",
            ["Access-Control-Allow-Credentials"] = "true",
            ["Access-Control-Expose-Headers"] = "X-Request-Id",
        });
        VaryTokens(response).Should().Equal("Origin");
        _app.HitCount(method).Should().Be(1);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    [InlineData("OPTIONS")]
    public async Task Safe_request_from_disallowed_origin_runs_the_endpoint_without_cors_headers(string method)
    {
        var response = await _app.Client.SendAsync(Request(new HttpMethod(method), CorsTestApp.Resource, ("Origin", Disallowed)));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(response).Should().BeEmpty();
        VaryTokens(response).Should().Equal("Origin");
        _app.HitCount(method).Should().Be(1);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    [InlineData("PROPFIND")]
    public async Task Unsafe_request_from_disallowed_origin_returns_403_before_the_endpoint_runs(string method)
    {
        var request = Request(new HttpMethod(method), CorsTestApp.Resource, ("Origin", Disallowed), ("Sec-Fetch-Site", "cross-site"))
            .WithBody("x", "text/plain");
        var response = await _app.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        AccessControlHeaders(response).Should().BeEmpty();
        VaryTokens(response).Should().Equal("Origin");
        _app.HitCount(method).Should().Be(0);
    }

    [Theory]
    [InlineData("same-origin")]
    [InlineData("none")]
    public async Task Unsafe_same_origin_request_by_fetch_metadata_passes_the_guard(string secFetchSite)
    {
        var response = await _app.Client.SendAsync(Request(HttpMethod.Post, CorsTestApp.Resource, ("Origin", "http://localhost"), ("Sec-Fetch-Site", secFetchSite)));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(response).Should().BeEmpty();
        _app.HitCount("POST").Should().Be(1);
    }

    [Fact]
    public async Task Unsafe_request_whose_origin_is_the_servers_own_passes_the_guard_without_fetch_metadata()
    {
        // TestServer's requests go to http://localhost.
        var response = await _app.Client.SendAsync(Request(HttpMethod.Delete, CorsTestApp.Resource, ("Origin", "http://localhost")));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(response).Should().BeEmpty();
        _app.HitCount("DELETE").Should().Be(1);
    }

    [Fact]
    public async Task Fetch_metadata_saying_cross_site_wins_over_an_origin_equal_to_the_servers_own()
    {
        var response = await _app.Client.SendAsync(Request(HttpMethod.Delete, CorsTestApp.Resource, ("Origin", "http://localhost"), ("Sec-Fetch-Site", "cross-site")));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        _app.HitCount("DELETE").Should().Be(0);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    [InlineData("DELETE")]
    public async Task Request_without_origin_is_never_blocked_and_gets_only_vary(string method)
    {
        var response = await _app.Client.SendAsync(Request(new HttpMethod(method), CorsTestApp.Resource));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(response).Should().BeEmpty();
        VaryTokens(response).Should().Equal("Origin");
        _app.HitCount(method).Should().Be(1);
    }

    [Theory]
    [InlineData("POST", "cross-site")]
    [InlineData("DELETE", "cross-site")]
    [InlineData("POST", "same-site")]
    public async Task Unsafe_request_without_origin_that_fetch_metadata_calls_cross_origin_is_blocked(string method, string secFetchSite)
    {
        var response = await _app.Client.SendAsync(Request(new HttpMethod(method), CorsTestApp.Resource, ("Sec-Fetch-Site", secFetchSite)).WithBody("x", "text/plain"));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden, "only a browser sets Fetch Metadata, and it says the request is cross-origin");
        AccessControlHeaders(response).Should().BeEmpty();
        VaryTokens(response).Should().Equal("Origin");
        _app.HitCount(method).Should().Be(0);
    }

    [Theory]
    [InlineData("POST", "same-origin")]
    [InlineData("POST", "none")]
    [InlineData("GET", "cross-site")]
    public async Task Request_without_origin_that_fetch_metadata_calls_same_origin_or_safe_runs(string method, string secFetchSite)
    {
        var response = await _app.Client.SendAsync(Request(new HttpMethod(method), CorsTestApp.Resource, ("Sec-Fetch-Site", secFetchSite)));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(response).Should().BeEmpty();
        _app.HitCount(method).Should().Be(1);
    }

    [Fact]
    public async Task Endpoint_that_accepts_cross_origin_form_posts_runs_for_a_form_post_and_nothing_else()
    {
        var form = await _app.Client.SendAsync(Request(HttpMethod.Post, "/form", ("Origin", "https://idp.example"), ("Sec-Fetch-Site", "cross-site"))
            .WithBody("code=abc&state=xyz", "application/x-www-form-urlencoded"));
        var json = await _app.Client.SendAsync(Request(HttpMethod.Post, "/form", ("Origin", "https://idp.example"), ("Sec-Fetch-Site", "cross-site"))
            .WithBody("{}", "application/json"));

        form.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(form).Should().BeEmpty("the opt-out grants no CORS access");
        json.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        _app.HitCount("POST", "/form").Should().Be(1);
    }

    [Theory]
    [InlineData("Accept-Encoding", new[] { "Accept-Encoding", "Origin" })]
    [InlineData("origin", new[] { "origin" })]
    [InlineData("Accept, Origin", new[] { "Accept", "Origin" })]
    [InlineData("*", new[] { "*" })]
    public async Task Vary_set_by_the_endpoint_is_kept_and_completed_without_duplicates(string endpointVary, string[] expected)
    {
        var response = await _app.Client.SendAsync(Request(HttpMethod.Get, $"/vary?value={Uri.EscapeDataString(endpointVary)}", ("Origin", Allowed)));

        VaryTokens(response).Should().Equal(expected);
        AccessControlHeaders(response).Should().ContainKey("Access-Control-Allow-Origin");
    }

    [Fact]
    public async Task Cors_headers_survive_an_endpoint_that_clears_the_response_headers()
    {
        var response = await _app.Client.SendAsync(Request(HttpMethod.Get, "/cleared", ("Origin", Allowed)));

        AccessControlHeaders(response).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Access-Control-Allow-Origin"] = Allowed,
            ["Access-Control-Allow-Credentials"] = "true",
            ["Access-Control-Expose-Headers"] = "X-Request-Id",
        });
        VaryTokens(response).Should().Equal("Origin");
    }

    [Fact]
    public async Task Error_responses_written_by_the_exception_handler_keep_cors_headers_so_the_page_can_read_the_error()
    {
        var response = await _app.Client.SendAsync(Request(HttpMethod.Get, "/throws", ("Origin", Allowed)));

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        AccessControlHeaders(response)["Access-Control-Allow-Origin"].Should().Be(Allowed);
        VaryTokens(response).Should().Equal("Origin");
    }

    [Fact]
    public async Task Cors_headers_written_by_the_endpoint_are_replaced_by_the_policys_and_the_override_is_logged_once()
    {
        var first = await _app.Client.SendAsync(Request(HttpMethod.Get, "/own-cors", ("Origin", Allowed)));
        var denied = await _app.Client.SendAsync(Request(HttpMethod.Get, "/own-cors", ("Origin", Disallowed)));
        var withoutOrigin = await _app.Client.SendAsync(Request(HttpMethod.Get, "/own-cors"));

        AccessControlHeaders(first).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Access-Control-Allow-Origin"] = Allowed,
            ["Access-Control-Expose-Headers"] = "X-Request-Id",
            ["Access-Control-Allow-Credentials"] = "true",
        });
        AccessControlHeaders(denied).Should().BeEmpty("CorsKit denied that origin, whatever the endpoint wrote");
        AccessControlHeaders(withoutOrigin).Should().BeEmpty();
        foreach (var response in new[] { first, denied, withoutOrigin })
        {
            VaryTokens(response).Should().Equal("Origin");
        }

        _app.Logs.GetSnapshot().Should().ContainSingle(r => r.Id.Id == CorsKitEventIds.CorsHeadersOverridden).Which.Message.Should().Contain("/own-cors");
    }

    [Theory]
    [MemberData(nameof(Origins.HostileOriginTests.HostileOrigins), MemberType = typeof(Origins.HostileOriginTests))]
    public async Task Hostile_origins_are_denied_through_the_pipeline_and_never_cause_an_error(string origin)
    {
        var preflight = await _app.Server.SendAsync(c =>
        {
            c.Request.Method = "OPTIONS";
            c.Request.Path = CorsTestApp.Resource;
            c.Request.Headers.Origin = origin;
            c.Request.Headers.AccessControlRequestMethod = "PUT";
        });
        var post = await _app.Server.SendAsync(c =>
        {
            c.Request.Method = "POST";
            c.Request.Path = CorsTestApp.Resource;
            c.Request.Headers.Origin = origin;
        });
        var get = await _app.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = CorsTestApp.Resource;
            c.Request.Headers.Origin = origin;
        });

        preflight.Response.StatusCode.Should().Be(403);
        post.Response.StatusCode.Should().Be(403);
        get.Response.StatusCode.Should().Be(200);
        foreach (var context in new[] { preflight, post, get })
        {
            AccessControlHeaders(context.Response.Headers.Select(h => KeyValuePair.Create(h.Key, (IEnumerable<string>)h.Value!))).Should().BeEmpty();
        }

        _app.HitCount("POST").Should().Be(0);
        _app.HitCount("GET").Should().Be(1);
    }

    [Fact]
    public async Task Several_Origin_headers_are_denied_through_the_pipeline()
    {
        var context = await _app.Server.SendAsync(c =>
        {
            c.Request.Method = "OPTIONS";
            c.Request.Path = CorsTestApp.Resource;
            c.Request.Headers.Origin = new([Allowed, Allowed]);
            c.Request.Headers.AccessControlRequestMethod = "PUT";
        });

        context.Response.StatusCode.Should().Be(403);
        context.Response.Headers.AccessControlAllowOrigin.Count.Should().Be(0);
    }
}
