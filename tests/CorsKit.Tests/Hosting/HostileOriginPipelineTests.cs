using static CorsKit.Testing.ResponseContract;

namespace CorsKit.Tests.Hosting;

/// <summary>
/// Hostile and repeated Origin headers through a real pipeline: denied, never an error, and no
/// unsafe request reaches the endpoint.
/// </summary>
public sealed class HostileOriginPipelineTests : WebPolicyPipeline
{
    [Theory]
    [MemberData(nameof(Origins.HostileOriginTests.HostileOrigins), MemberType = typeof(Origins.HostileOriginTests))]
    public async Task Hostile_origins_are_denied_through_the_pipeline_and_never_cause_an_error(string origin)
    {
        var preflight = await App.Server.SendAsync(c =>
        {
            c.Request.Method = "OPTIONS";
            c.Request.Path = CorsTestApp.Resource;
            c.Request.Headers.Origin = origin;
            c.Request.Headers.AccessControlRequestMethod = "PUT";
        });
        var post = await App.Server.SendAsync(c =>
        {
            c.Request.Method = "POST";
            c.Request.Path = CorsTestApp.Resource;
            c.Request.Headers.Origin = origin;
        });
        var get = await App.Server.SendAsync(c =>
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

        App.HitCount("POST").Should().Be(0);
        App.HitCount("GET").Should().Be(1);
    }

    [Fact]
    public async Task Several_Origin_headers_are_denied_through_the_pipeline()
    {
        var context = await App.Server.SendAsync(c =>
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
