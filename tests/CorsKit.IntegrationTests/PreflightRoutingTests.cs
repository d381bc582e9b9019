using System.Net;
using CorsKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.IntegrationTests;

/// <summary>
/// Routing's idea of a preflight: an OPTIONS request with Access-Control-Request-Method, in any
/// case, for which routing selects the endpoint of the requested method, is answered by CorsKit
/// and never runs that endpoint.
/// </summary>
public sealed class PreflightRoutingTests
{
    private const string Json = """
        { "Cors": { "DefaultPolicy": "a", "Policies": {
            "a": { "Origins": [ "https://a.example" ], "Methods": [ "PUT" ], "AllowCredentials": true },
            "anonymous": { "Origins": [ "https://a.example" ], "Methods": [ "PUT" ] },
            "public": { "Origins": [ "*" ] } } } }
        """;

    [Theory]
    [InlineData("options", "https://a.example", "a", HttpStatusCode.NoContent)]
    [InlineData("Options", "https://evil.example", "a", HttpStatusCode.Forbidden)]
    [InlineData("options", "https://a.example", "anonymous", HttpStatusCode.NoContent)]
    public async Task A_preflight_in_any_case_is_answered_and_never_runs_the_endpoint_routing_selected(string method, string origin, string policy, HttpStatusCode expected)
    {
        var runs = 0;
        var builder = TestHost.CreateBuilder(Json, out _);
        builder.Services.AddStrictCors();
        await using var app = builder.Build();
        app.UseStrictCors();
        app.MapPut("/items", () => runs++).RequireStrictCors(policy);
        await app.StartAsync();
        var request = Request(new HttpMethod(method), "/items", ("Origin", origin), ("Access-Control-Request-Method", "PUT"));

        var response = await app.GetTestClient().SendAsync(request);

        runs.Should().Be(0, $"routing selected the PUT endpoint for '{method}' with Access-Control-Request-Method, so it must be answered as a preflight");
        response.StatusCode.Should().Be(expected);
        VaryTokens(response).Should().Equal(PreflightVary);
    }
}
