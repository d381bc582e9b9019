using CorsKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.Tests.Hosting;

/// <summary>
/// An endpoint that appends its own Vary to the one CorsKit wrote before it ran, as YARP does with a
/// backend's <c>Vary: Origin</c>: the response carries each of CorsKit's tokens once, and the
/// endpoint's other tokens as it wrote them.
/// </summary>
public sealed class VaryAppendedDownstreamTests
{
    private const string Json = """
        { "Cors": { "DefaultPolicy": "web", "Policies": { "web": { "Origins": [ "https://app.example" ], "AllowCredentials": true } } } }
        """;

    [Theory]
    [InlineData("https://app.example", "Origin", new[] { "Origin" })]
    [InlineData("https://evil.example", "Origin", new[] { "Origin" })]
    [InlineData(null, "origin", new[] { "Origin" })]
    [InlineData("https://app.example", "Accept-Encoding, Origin", new[] { "Origin", "Accept-Encoding" })]
    [InlineData("https://app.example", "Accept-Encoding", new[] { "Origin", "Accept-Encoding" })]
    public async Task Origin_appended_again_downstream_is_kept_once(string? origin, string appended, string[] expected)
    {
        var builder = TestHost.CreateBuilder(Json, out _);
        builder.Services.AddStrictCors();
        await using var app = builder.Build();
        app.UseStrictCors();
        app.MapGet("/proxied", (HttpContext context) =>
        {
            context.Response.Headers.Append("Vary", appended);
            return "proxied";
        });
        await app.StartAsync();

        var response = await app.GetTestClient().SendAsync(origin is null ? Request(HttpMethod.Get, "/proxied") : Request(HttpMethod.Get, "/proxied", ("Origin", origin)));

        VaryTokens(response).Should().Equal(expected);
    }
}
