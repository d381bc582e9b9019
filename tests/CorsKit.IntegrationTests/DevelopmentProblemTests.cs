using System.Net;
using System.Text.Json;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.IntegrationTests;

/// <summary>
/// In the Development environment a denied preflight or a blocked request is explained in an
/// RFC 9457 problem-details body; in Production the same requests get an empty body
/// (the sample contract tests, which run in Production, assert that).
/// </summary>
public sealed class DevelopmentProblemTests(DevelopmentSampleApiFactory factory) : IClassFixture<DevelopmentSampleApiFactory>
{
    private readonly HttpClient _client = factory.CreateHttpsClient();

    private static async Task<JsonElement> ProblemOf(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var problem = document.RootElement.Clone();
        problem.GetProperty("status").GetInt32().Should().Be(403);
        return problem;
    }

    [Fact]
    public async Task A_preflight_for_a_header_the_policy_lacks_says_which_header_and_where_to_add_it()
    {
        var problem = await ProblemOf(await _client.SendAsync(Preflight("/api/items/1", "https://my-frontend.com", "PUT", "content-type,x-trace-id")));

        problem.GetProperty("type").GetString().Should().Be("urn:corskit:problem:header-not-allowed");
        problem.GetProperty("title").GetString().Should().Be("CORS preflight denied by CorsKit");
        problem.GetProperty("detail").GetString().Should().Be("The preflight asks for the request header 'x-trace-id', which policy 'app' does not allow.");
        problem.GetProperty("policy").GetString().Should().Be("app");
        problem.GetProperty("check").GetString().Should().Be("header_not_allowed");
        problem.GetProperty("fix").GetString().Should().Be("Add \"x-trace-id\" to Cors:Policies:app:Headers.");
        problem.GetProperty("changes").GetRawText().Should().Be("""[{"key":"Cors:Policies:app:Headers","op":"add","value":"x-trace-id"}]""");
    }

    [Fact]
    public async Task A_preflight_from_an_unknown_origin_says_which_origin_to_add()
    {
        var response = await _client.SendAsync(Preflight("/api/items/1", "https://staging.my-frontend.com", "PUT"));
        var problem = await ProblemOf(response);

        AccessControlHeaders(response).Should().BeEmpty("an explanation is not a permission");
        problem.GetProperty("detail").GetString().Should().Be("Policy 'app' does not allow the origin 'https://staging.my-frontend.com'.");
        problem.GetProperty("fix").GetString().Should().Be("Add \"https://staging.my-frontend.com\" to Cors:Policies:app:Origins.");
    }

    [Fact]
    public async Task A_blocked_write_explains_the_guard_and_both_ways_to_let_it_through()
    {
        var problem = await ProblemOf(await _client.SendAsync(Request(HttpMethod.Post, "/api/items", ("Origin", "https://partner.example")).WithBody("x", "text/plain")));

        problem.GetProperty("type").GetString().Should().Be("urn:corskit:problem:origin-not-allowed");
        problem.GetProperty("title").GetString().Should().Be("Cross-origin request blocked by CorsKit");
        problem.GetProperty("detail").GetString().Should().StartWith("The POST request was blocked before the endpoint ran");
        problem.GetProperty("fix").GetString().Should().Contain("Add \"https://partner.example\" to Cors:Policies:app:Origins").And.Contain(".AllowCrossOriginFormPosts()");
    }

    [Fact]
    public async Task A_denial_on_a_route_without_cross_origin_access_names_the_metadata_that_disables_it()
    {
        var problem = await ProblemOf(await _client.SendAsync(Preflight("/admin/reset", "https://my-frontend.com", "POST", "content-type")));

        problem.GetProperty("policy").GetString().Should().Be("(none)");
        problem.GetProperty("detail").GetString().Should().Be(
            "No policy applies to this endpoint: its CORS metadata, [DisableStrictCors] (or .DisableStrictCors()), selects none, so no origin is allowed; 'https://my-frontend.com' is not.");
        problem.GetProperty("fix").GetString().Should().Be(
            "Remove [DisableStrictCors] (or .DisableStrictCors()) from the endpoint, its controller or hub, or the route group that carries it, "
            + "or name a policy on the endpoint with .RequireStrictCors(\"<name>\") or [StrictCors(\"<name>\")] instead; "
            + "Cors:DefaultPolicy does not apply to an endpoint whose metadata selects no policy.");
        problem.TryGetProperty("changes", out _).Should().BeFalse("no configuration change lets a disabled endpoint through");
    }

    [Fact]
    public async Task Request_values_in_the_explanation_are_escaped_and_truncated()
    {
        var request = Request(HttpMethod.Post, "/api/items", ("Origin", "https://evil.example/\"><script>" + new string('x', 300)));

        var problem = await ProblemOf(await _client.SendAsync(request));

        var detail = problem.GetProperty("detail").GetString();
        detail.Should().Contain("https://evil.example/\"><script>").And.Contain("…(+");
        detail!.Length.Should().BeLessThan(400);
    }
}
