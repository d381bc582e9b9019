using System.Net;
using System.Net.Http.Json;
using CorsKit.Samples.Api;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.IntegrationTests;

/// <summary>
/// The Express-style sample over HTTP: status, every Access-Control-* header present or absent
/// with its exact value, the Vary tokens, and whether the endpoint ran (its body, or its effect
/// on the sample's item store).
/// </summary>
public sealed class SampleApiTests : IClassFixture<SampleApiFactory>
{
    private const string Frontend = "https://my-frontend.com";
    private const string Admin = "https://admin.my-frontend.com";
    private const string Evil = "https://evil.example";

    private static readonly Dictionary<string, string> ActualHeaders = new()
    {
        ["Access-Control-Allow-Origin"] = Frontend,
        ["Access-Control-Allow-Credentials"] = "true",
    };

    private readonly SampleApiFactory _factory;
    private readonly HttpClient _client;

    public SampleApiTests(SampleApiFactory factory)
    {
        _factory = factory;
        _client = factory.CreateHttpsClient();
    }

    [Fact]
    public async Task Get_data_from_an_allowed_origin_is_readable_with_credentials()
    {
        var response = await _client.SendAsync(Request(HttpMethod.Get, "/api/data", ("Origin", Frontend)));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"message":"Securely Connected!"}""");
        AccessControlHeaders(response).Should().BeEquivalentTo(ActualHeaders);
        VaryTokens(response).Should().Equal("Origin");
    }

    [Fact]
    public async Task Get_data_without_origin_like_curl_or_a_mobile_app_passes_without_cors_headers()
    {
        var response = await _client.GetAsync("/api/data");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"message":"Securely Connected!"}""");
        AccessControlHeaders(response).Should().BeEmpty();
        VaryTokens(response).Should().Equal("Origin");
    }

    [Fact]
    public async Task Get_data_from_a_disallowed_origin_runs_but_gets_no_cors_headers_so_the_browser_hides_it()
    {
        var response = await _client.SendAsync(Request(HttpMethod.Get, "/api/data", ("Origin", Evil)));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain("Securely Connected!");
        AccessControlHeaders(response).Should().BeEmpty();
        VaryTokens(response).Should().Equal("Origin");
    }

    [Fact]
    public async Task Preflight_for_a_json_put_from_the_admin_origin_is_answered_204_by_CorsKit()
    {
        var before = _factory.Items.All().ToList();

        var response = await _client.SendAsync(Preflight("/api/items/1", Admin, "PUT", "content-type,authorization"));

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await response.Content.ReadAsStringAsync()).Should().BeEmpty();
        AccessControlHeaders(response).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Access-Control-Allow-Origin"] = Admin,
            ["Access-Control-Allow-Credentials"] = "true",
            ["Access-Control-Allow-Methods"] = "PUT, DELETE",
            ["Access-Control-Allow-Headers"] = "Content-Type, Authorization",
            ["Access-Control-Max-Age"] = "600",
        });
        VaryTokens(response).Should().Equal(PreflightVary);
        _factory.Items.All().Should().BeEquivalentTo(before);
    }

    [Theory]
    [InlineData(Evil, "PUT", "content-type")]
    [InlineData("https://my-frontend.com.evil.example", "PUT", null)]
    [InlineData("https://evil-my-frontend.com", "PUT", null)]
    [InlineData("http://my-frontend.com", "PUT", null)]
    [InlineData("null", "DELETE", null)]
    [InlineData(Frontend, "PATCH", null)]
    [InlineData(Frontend, "PUT", "content-type,x-custom")]
    public async Task Preflight_that_the_policy_does_not_allow_is_answered_403_without_cors_headers(string origin, string method, string? headers)
    {
        var response = await _client.SendAsync(Preflight("/api/items/1", origin, method, headers));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.Content.ReadAsStringAsync()).Should().BeEmpty();
        AccessControlHeaders(response).Should().BeEmpty();
        VaryTokens(response).Should().Equal(PreflightVary);
    }

    [Fact]
    public async Task Options_without_a_request_method_is_an_ordinary_request_that_routing_answers()
    {
        var response = await _client.SendAsync(Request(HttpMethod.Options, "/api/data", ("Origin", Frontend)));

        response.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed, "the sample maps no OPTIONS route");
        AccessControlHeaders(response).Should().BeEquivalentTo(ActualHeaders);
        VaryTokens(response).Should().Equal("Origin");
    }

    [Fact]
    public async Task Simple_post_from_a_disallowed_origin_is_blocked_before_the_endpoint_creates_anything()
    {
        var before = _factory.Items.All().ToList();
        var request = Request(HttpMethod.Post, "/api/items", ("Origin", Evil), ("Sec-Fetch-Site", "cross-site"))
            .WithBody("""{"name":"csrf"}""", "text/plain");

        var response = await _client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.Content.ReadAsStringAsync()).Should().BeEmpty();
        AccessControlHeaders(response).Should().BeEmpty();
        VaryTokens(response).Should().Equal("Origin");
        _factory.Items.All().Should().BeEquivalentTo(before);
    }

    [Fact]
    public async Task Delete_from_a_disallowed_origin_is_blocked_and_the_item_survives()
    {
        var item = _factory.Items.Add("keep me");

        var response = await _client.SendAsync(Request(HttpMethod.Delete, $"/api/items/{item.Id}", ("Origin", Evil)));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        AccessControlHeaders(response).Should().BeEmpty();
        _factory.Items.Find(item.Id).Should().Be(item);
    }

    [Fact]
    public async Task Create_change_and_delete_from_the_allowed_origin_run_with_cors_headers()
    {
        var create = await _client.SendAsync(Request(HttpMethod.Post, "/api/items", ("Origin", Frontend)).WithBody("""{"name":"new"}""", "application/json"));
        var created = await create.Content.ReadFromJsonAsync<Item>();
        var update = await _client.SendAsync(Request(HttpMethod.Put, $"/api/items/{created!.Id}", ("Origin", Frontend)).WithBody("""{"name":"renamed"}""", "application/json"));
        var updated = _factory.Items.Find(created.Id);
        var delete = await _client.SendAsync(Request(HttpMethod.Delete, $"/api/items/{created.Id}", ("Origin", Frontend)));

        create.StatusCode.Should().Be(HttpStatusCode.Created);
        update.StatusCode.Should().Be(HttpStatusCode.OK);
        updated.Should().Be(new Item(created.Id, "renamed"));
        delete.StatusCode.Should().Be(HttpStatusCode.NoContent);
        _factory.Items.Find(created.Id).Should().BeNull();
        foreach (var response in new[] { create, update, delete })
        {
            AccessControlHeaders(response).Should().BeEquivalentTo(ActualHeaders);
            VaryTokens(response).Should().Equal("Origin");
        }
    }

    [Fact]
    public async Task Same_origin_post_passes_the_guard_by_fetch_metadata_or_by_origin()
    {
        var byFetchMetadata = await _client.SendAsync(Request(HttpMethod.Post, "/api/items", ("Origin", "https://localhost"), ("Sec-Fetch-Site", "same-origin"))
            .WithBody("""{"name":"same-origin 1"}""", "application/json"));
        var byOrigin = await _client.SendAsync(Request(HttpMethod.Post, "/api/items", ("Origin", "https://localhost"))
            .WithBody("""{"name":"same-origin 2"}""", "application/json"));

        byFetchMetadata.StatusCode.Should().Be(HttpStatusCode.Created);
        byOrigin.StatusCode.Should().Be(HttpStatusCode.Created);
        AccessControlHeaders(byOrigin).Should().BeEmpty("the own origin is not on the allow-list and needs no CORS headers");
        _factory.Items.All().Select(i => i.Name).Should().Contain(["same-origin 1", "same-origin 2"]);
    }

    [Fact]
    public async Task Cookie_login_from_the_allowed_origin_makes_credentialed_requests_work()
    {
        var login = await _client.SendAsync(Request(HttpMethod.Post, "/api/login", ("Origin", Frontend)).WithBody("""{"name":"ada"}""", "application/json"));
        var me = await _client.SendAsync(Request(HttpMethod.Get, "/api/me", ("Origin", Frontend)));

        login.StatusCode.Should().Be(HttpStatusCode.NoContent);
        login.Headers.GetValues("Set-Cookie").Should().ContainSingle().Which.Should().Contain("corskit-sample=").And.Contain("samesite=none").And.Contain("secure");
        AccessControlHeaders(login).Should().BeEquivalentTo(ActualHeaders);
        me.StatusCode.Should().Be(HttpStatusCode.OK);
        (await me.Content.ReadAsStringAsync()).Should().Be("""{"name":"ada"}""");
        AccessControlHeaders(me).Should().BeEquivalentTo(ActualHeaders);
    }

    [Fact]
    public async Task Login_from_a_disallowed_origin_is_blocked_and_sets_no_cookie()
    {
        var login = await _client.SendAsync(Request(HttpMethod.Post, "/api/login", ("Origin", Evil)).WithBody("""{"name":"mallory"}""", "application/json"));

        login.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        login.Headers.Contains("Set-Cookie").Should().BeFalse();
        AccessControlHeaders(login).Should().BeEmpty();
    }

    [Fact]
    public async Task Unauthenticated_me_is_401_and_still_readable_by_the_allowed_origin()
    {
        var anonymous = _factory.CreateHttpsClient();

        var me = await anonymous.SendAsync(Request(HttpMethod.Get, "/api/me", ("Origin", Frontend)));

        me.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        AccessControlHeaders(me).Should().BeEquivalentTo(ActualHeaders);
        VaryTokens(me).Should().Equal("Origin");
    }

    [Fact]
    public async Task Public_status_route_is_readable_by_any_origin_without_credentials()
    {
        var fromFrontend = await _client.SendAsync(Request(HttpMethod.Get, "/public/status", ("Origin", Frontend)));
        var fromAnyone = await _client.SendAsync(Request(HttpMethod.Get, "/public/status", ("Origin", Evil)));
        var fromNull = await _client.SendAsync(Request(HttpMethod.Get, "/public/status", ("Origin", "null")));

        foreach (var response in new[] { fromFrontend, fromAnyone })
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            (await response.Content.ReadAsStringAsync()).Should().Be("""{"status":"ok"}""");
            AccessControlHeaders(response).Should().BeEquivalentTo(new Dictionary<string, string> { ["Access-Control-Allow-Origin"] = "*" });
            VaryTokens(response).Should().Equal("Origin");
        }

        AccessControlHeaders(fromNull).Should().BeEmpty("null is never allowed, even by '*'");
    }

    [Fact]
    public async Task Admin_routes_allow_no_cross_origin_access_even_from_the_frontend()
    {
        var itemsBefore = _factory.Items.All().Count();

        var stats = await _client.SendAsync(Request(HttpMethod.Get, "/admin/stats", ("Origin", Frontend)));
        var preflight = await _client.SendAsync(Preflight("/admin/reset", Frontend, "POST", "content-type"));
        var reset = await _client.SendAsync(Request(HttpMethod.Post, "/admin/reset", ("Origin", Frontend)));

        stats.StatusCode.Should().Be(HttpStatusCode.OK, "a safe request runs; the browser hides the answer");
        AccessControlHeaders(stats).Should().BeEmpty();
        VaryTokens(stats).Should().BeEmpty("the answer never depends on the origin");
        preflight.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        AccessControlHeaders(preflight).Should().BeEmpty();
        reset.StatusCode.Should().Be(HttpStatusCode.Forbidden, "the CSRF guard blocks cross-origin writes to disabled routes");
        _factory.Items.All().Count().Should().Be(itemsBefore);
    }

    [Fact]
    public async Task Reports_controller_applies_its_policy_and_each_actions_override()
    {
        var list = await _client.SendAsync(Request(HttpMethod.Get, "/api/reports", ("Origin", Frontend)));
        var summary = await _client.SendAsync(Request(HttpMethod.Get, "/api/reports/summary", ("Origin", Evil)));
        var legacy = await _client.SendAsync(Request(HttpMethod.Get, "/api/reports/legacy", ("Origin", Evil)));
        var listFromEvil = await _client.SendAsync(Request(HttpMethod.Get, "/api/reports", ("Origin", Evil)));

        list.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(list).Should().BeEquivalentTo(ActualHeaders);
        AccessControlHeaders(summary).Should().BeEquivalentTo(new Dictionary<string, string> { ["Access-Control-Allow-Origin"] = "*" });
        AccessControlHeaders(legacy).Should().BeEquivalentTo(new Dictionary<string, string> { ["Access-Control-Allow-Origin"] = "*" }, "[EnableCors(\"public\")] is honoured");
        AccessControlHeaders(listFromEvil).Should().BeEmpty();
    }

    [Fact]
    public async Task Preflight_for_the_PUT_only_report_action_is_answered_with_the_controllers_policy()
    {
        var response = await _client.SendAsync(Preflight("/api/reports/1", Frontend, "PUT", "content-type"));

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        AccessControlHeaders(response).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Access-Control-Allow-Origin"] = Frontend,
            ["Access-Control-Allow-Credentials"] = "true",
            ["Access-Control-Allow-Methods"] = "PUT, DELETE",
            ["Access-Control-Allow-Headers"] = "Content-Type, Authorization",
            ["Access-Control-Max-Age"] = "600",
        });
    }

    [Fact]
    public async Task Deleting_a_report_allows_no_cross_origin_access()
    {
        var item = _factory.Items.Add("report target");

        var preflight = await _client.SendAsync(Preflight($"/api/reports/{item.Id}", Frontend, "DELETE"));
        var delete = await _client.SendAsync(Request(HttpMethod.Delete, $"/api/reports/{item.Id}", ("Origin", Frontend)));

        preflight.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        delete.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        _factory.Items.Find(item.Id).Should().Be(item);
    }
}
