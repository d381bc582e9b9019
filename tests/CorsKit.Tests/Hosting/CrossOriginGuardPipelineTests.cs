using System.Net;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.Tests.Hosting;

/// <summary>
/// The CSRF guard through a real pipeline: an unsafe request from a disallowed origin, or one that
/// Fetch Metadata calls cross-origin, gets 403 before the endpoint runs; same-origin requests (by
/// Fetch Metadata or by an Origin equal to the server's own) and form posts to an endpoint that
/// accepts them run.
/// </summary>
public sealed class CrossOriginGuardPipelineTests : WebPolicyPipeline
{
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
        var response = await App.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        AccessControlHeaders(response).Should().BeEmpty();
        VaryTokens(response).Should().Equal("Origin");
        App.HitCount(method).Should().Be(0);
    }

    [Theory]
    [InlineData("same-origin")]
    [InlineData("none")]
    public async Task Unsafe_same_origin_request_by_fetch_metadata_passes_the_guard(string secFetchSite)
    {
        var response = await App.Client.SendAsync(Request(HttpMethod.Post, CorsTestApp.Resource, ("Origin", "http://localhost"), ("Sec-Fetch-Site", secFetchSite)));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(response).Should().BeEmpty();
        App.HitCount("POST").Should().Be(1);
    }

    [Fact]
    public async Task Unsafe_request_whose_origin_is_the_servers_own_passes_the_guard_without_fetch_metadata()
    {
        // TestServer's requests go to http://localhost.
        var response = await App.Client.SendAsync(Request(HttpMethod.Delete, CorsTestApp.Resource, ("Origin", "http://localhost")));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(response).Should().BeEmpty();
        App.HitCount("DELETE").Should().Be(1);
    }

    [Fact]
    public async Task Fetch_metadata_saying_cross_site_wins_over_an_origin_equal_to_the_servers_own()
    {
        var response = await App.Client.SendAsync(Request(HttpMethod.Delete, CorsTestApp.Resource, ("Origin", "http://localhost"), ("Sec-Fetch-Site", "cross-site")));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        App.HitCount("DELETE").Should().Be(0);
    }

    [Theory]
    [InlineData("POST", "cross-site")]
    [InlineData("DELETE", "cross-site")]
    [InlineData("POST", "same-site")]
    public async Task Unsafe_request_without_origin_that_fetch_metadata_calls_cross_origin_is_blocked(string method, string secFetchSite)
    {
        var response = await App.Client.SendAsync(Request(new HttpMethod(method), CorsTestApp.Resource, ("Sec-Fetch-Site", secFetchSite)).WithBody("x", "text/plain"));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden, "only a browser sets Fetch Metadata, and it says the request is cross-origin");
        AccessControlHeaders(response).Should().BeEmpty();
        VaryTokens(response).Should().Equal("Origin");
        App.HitCount(method).Should().Be(0);
    }

    [Theory]
    [InlineData("POST", "same-origin")]
    [InlineData("POST", "none")]
    [InlineData("GET", "cross-site")]
    public async Task Request_without_origin_that_fetch_metadata_calls_same_origin_or_safe_runs(string method, string secFetchSite)
    {
        var response = await App.Client.SendAsync(Request(new HttpMethod(method), CorsTestApp.Resource, ("Sec-Fetch-Site", secFetchSite)));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(response).Should().BeEmpty();
        App.HitCount(method).Should().Be(1);
    }

    [Fact]
    public async Task Endpoint_that_accepts_cross_origin_form_posts_runs_for_a_form_post_and_nothing_else()
    {
        var form = await App.Client.SendAsync(Request(HttpMethod.Post, "/form", ("Origin", "https://idp.example"), ("Sec-Fetch-Site", "cross-site"))
            .WithBody("code=abc&state=xyz", "application/x-www-form-urlencoded"));
        var json = await App.Client.SendAsync(Request(HttpMethod.Post, "/form", ("Origin", "https://idp.example"), ("Sec-Fetch-Site", "cross-site"))
            .WithBody("{}", "application/json"));

        form.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(form).Should().BeEmpty("the opt-out grants no CORS access");
        json.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        App.HitCount("POST", "/form").Should().Be(1);
    }
}
