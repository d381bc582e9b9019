using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CorsKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.IntegrationTests;

/// <summary>
/// The fix of a Development problem is never wrong: for each denial, its "changes", applied to the
/// configuration, give one that startup validation accepts and under which the same request
/// passes; and where no configuration can let the request through (a disabled endpoint, a request
/// no browser sends), the fix says what must change instead and lists no changes.
/// </summary>
public sealed class DevelopmentFixTests
{
    private const string App = "https://app.example";
    private const string Other = "https://other.example";
    private const string PlainText = "http://intranet.example";

    /// <summary>A request that one check refuses, the configuration it is refused under, and that check.</summary>
    private sealed record Denial(string Json, Func<HttpRequestMessage> Request, string Check);

    private static readonly Dictionary<string, Denial> ConfigurationFixes = new()
    {
        ["origin not allowed (preflight)"] = new(Web(""), () => Preflight("/items", Other, "PUT"), "origin_not_allowed"),
        ["origin not allowed (blocked POST)"] = new(Web(""), () => Post(Other), "origin_not_allowed"),
        ["plain-text origin not allowed by a policy with credentials"] = new(Web("\"AllowCredentials\": true"), () => Preflight("/items", PlainText, "PUT"), "origin_not_allowed"),
        ["method not allowed"] = new(Web(""), () => Preflight("/items", App, "PATCH"), "method_not_allowed"),
        ["lowercase method not allowed (fetch sends patch as written)"] = new(Web(""), () => Preflight("/items", App, "patch"), "method_not_allowed"),
        ["header not allowed"] = new(Web(""), () => Preflight("/items", App, "PUT", "content-type,x-trace-id"), "header_not_allowed"),
        ["private network not allowed (explicit origin)"] = new(Web(""), () => PrivateNetworkPreflight(App), "private_network_not_allowed"),
        ["private network not allowed ('*')"] = new(Public(""), () => PrivateNetworkPreflight(App), "private_network_not_allowed"),
        ["private network not allowed (plain-text origin)"] = new(Policy(PlainText, ""), () => PrivateNetworkPreflight(PlainText), "private_network_not_allowed"),
        ["credentials not allowed (explicit origin)"] = new(Web(""), () => Post(App).WithCookie(), "credentials_not_allowed"),
        ["credentials not allowed ('*', with '*' methods, headers and exposed headers)"] = new(
            Public("\"Methods\": [ \"*\" ], \"Headers\": [ \"*\" ], \"ExposedHeaders\": [ \"*\" ]"), () => Post(App).WithCookie(), "credentials_not_allowed"),
        ["no default policy (a policy allows the origin)"] = new(
            """{ "Cors": { "Policies": { "web": { "Origins": [ "https://app.example" ] } } } }""", () => Post(App), "origin_not_allowed"),
        ["no default policy (none allows the origin)"] = new(
            """{ "Cors": { "Policies": { "web": { "Origins": [ "https://app.example" ], "AllowCredentials": true } } } }""", () => Post(PlainText), "origin_not_allowed"),
        ["no default policy (no policy at all)"] = new("""{ "Cors": { "Policies": { } } }""", () => Preflight("/items", App, "POST"), "origin_not_allowed"),
    };

    public static TheoryData<string> ConfigurationFixNames => new(ConfigurationFixes.Keys);

    [Theory]
    [MemberData(nameof(ConfigurationFixNames))]
    public async Task Applying_the_changes_of_the_fix_gives_a_valid_configuration_under_which_the_request_passes(string name)
    {
        var denial = ConfigurationFixes[name];
        JsonElement problem;
        await using (var app = await StartAsync(denial.Json))
        {
            problem = await ProblemOf(await app.GetTestClient().SendAsync(denial.Request()));
        }

        problem.GetProperty("check").GetString().Should().Be(denial.Check);
        problem.TryGetProperty("changes", out var changes).Should().BeTrue("the fix '{0}' is a configuration change", problem.GetProperty("fix").GetString());
        var fixedJson = Apply(denial.Json, changes);

        // StartAsync fails if validation refuses the configuration.
        await using var fixedApp = await StartAsync(fixedJson);
        var request = denial.Request();
        var response = await fixedApp.GetTestClient().SendAsync(request);

        var because = $"the fix '{problem.GetProperty("fix").GetString()}' gave {fixedJson}";
        response.StatusCode.Should().Be(request.Method == HttpMethod.Options ? HttpStatusCode.NoContent : HttpStatusCode.OK, because);
        AccessControlHeaders(response).Should().Contain("Access-Control-Allow-Origin", request.Headers.GetValues("Origin").Single(), because);
        if (request.Headers.Contains("Cookie"))
        {
            AccessControlHeaders(response).Should().Contain("Access-Control-Allow-Credentials", "true", because);
        }
    }

    /// <summary>A denial no configuration change lets through, and what its fix must name instead.</summary>
    private sealed record ClientOrCodeFix(string Json, Func<HttpRequestMessage> Request, string Check, string[] FixNames);

    private static readonly Dictionary<string, ClientOrCodeFix> OtherFixes = new()
    {
        ["endpoint with .DisableStrictCors()"] = new(Web(""), () => Preflight("/disabled/convention", App, "POST"), "origin_not_allowed", [".DisableStrictCors()"]),
        ["route group with .DisableStrictCors()"] = new(Web(""), () => Post(App, "/admin/reset"), "origin_not_allowed", ["[DisableStrictCors]", ".DisableStrictCors()", "route group"]),
        ["endpoint with [DisableStrictCors]"] = new(Web(""), () => Preflight("/disabled/attribute", App, "POST"), "origin_not_allowed", ["[DisableStrictCors]"]),
        ["endpoint with the framework's [DisableCors]"] = new(Web(""), () => Post(App, "/disabled/framework"), "origin_not_allowed", ["[DisableCors]"]),
        ["lowercase put"] = new(Web(""), () => Preflight("/items", App, "put"), "method_not_allowed", ["'PUT'"]),
        ["lowercase put, PUT not allowed either"] = new(Policy(App, "\"Methods\": [ \"DELETE\" ]"), () => Preflight("/items", App, "put"), "method_not_allowed", ["'PUT'", "add \"PUT\""]),
        ["a case variant of a listed method"] = new(Policy(App, "\"Methods\": [ \"PATCH\" ]"), () => Preflight("/items", App, "patch"), "method_not_allowed", ["'PATCH'"]),
        ["a method fetch() never sends"] = new(Web(""), () => Preflight("/items", App, "TRACE"), "method_not_allowed", ["'TRACE'", "nothing to configure"]),
        ["a forbidden request header"] = new(Web(""), () => Preflight("/items", App, "PUT", "cookie"), "header_not_allowed", ["'cookie'", "nothing to configure"]),
        ["a request header name that is not a token"] = new(Web(""), () => Preflight("/items", App, "PUT", "x(trace)"), "header_not_allowed", ["not a header name", "nothing to configure"]),
        ["a private network request that is not 'true'"] = new(
            Policy(App, "\"AllowPrivateNetwork\": true"), () => PrivateNetworkPreflight(App, "yes"), "private_network_not_allowed", ["'true'", "nothing to configure"]),
    };

    public static TheoryData<string> OtherFixNames => new(OtherFixes.Keys);

    [Theory]
    [MemberData(nameof(OtherFixNames))]
    public async Task A_fix_no_configuration_makes_says_what_must_change_and_lists_no_changes(string name)
    {
        var denial = OtherFixes[name];
        await using var app = await StartAsync(denial.Json);

        var problem = await ProblemOf(await app.GetTestClient().SendAsync(denial.Request()));

        problem.GetProperty("check").GetString().Should().Be(denial.Check);
        var fix = problem.GetProperty("fix").GetString();
        fix.Should().ContainAll(denial.FixNames).And.NotContain("Set Cors:DefaultPolicy");
        problem.TryGetProperty("changes", out _).Should().BeFalse("no configuration lets this request through ({0})", fix);
    }

    [Fact]
    public async Task Changes_are_keys_operations_and_values()
    {
        await using var app = await StartAsync(Public(""));

        var problem = await ProblemOf(await app.GetTestClient().SendAsync(PrivateNetworkPreflight(App)));

        problem.GetProperty("fix").GetString().Should().Be(
            "Replace \"*\" in Cors:Policies:web:Origins by \"https://app.example\" ('*' cannot be combined with AllowPrivateNetwork; list every other origin that needs access too) "
            + "and set Cors:Policies:web:AllowPrivateNetwork to true.");
        problem.GetProperty("changes").GetRawText().Should().Be(
            """[{"key":"Cors:Policies:web:Origins","op":"remove","value":"*"},{"key":"Cors:Policies:web:Origins","op":"add","value":"https://app.example"},"""
            + """{"key":"Cors:Policies:web:AllowPrivateNetwork","op":"set","value":true}]""");
    }

    /// <summary>The default policy "web": https://app.example, PUT, Content-Type, and <paramref name="more"/>.</summary>
    private static string Web(string more) => Policy(App, $"\"Methods\": [ \"PUT\" ], \"Headers\": [ \"Content-Type\" ]{(more.Length > 0 ? ", " : "")}{more}");

    /// <summary>The default policy "web": any origin, and <paramref name="more"/>.</summary>
    private static string Public(string more) => Policy("*", more);

    private static string Policy(string origin, string more) =>
        $$"""{ "Cors": { "DefaultPolicy": "web", "Policies": { "web": { "Origins": [ "{{origin}}" ]{{(more.Length > 0 ? ", " : "")}}{{more}} } } } }""";

    private static HttpRequestMessage Post(string origin, string path = "/items") =>
        Request(HttpMethod.Post, path, ("Origin", origin)).WithBody("x", "text/plain");

    private static HttpRequestMessage PrivateNetworkPreflight(string origin, string value = "true")
    {
        var request = Preflight("/items", origin, "GET");
        request.Headers.Add("Access-Control-Request-Private-Network", value);
        return request;
    }

    private static async Task<WebApplication> StartAsync(string json)
    {
        var builder = TestHost.CreateBuilder(json, out _, Environments.Development);
        builder.Services.AddStrictCors();
        var app = builder.Build();
        app.UseStrictCors();
        app.MapMethods("/items", ["GET", "POST", "PUT", "PATCH", "DELETE"], () => "ran");
        app.MapPost("/disabled/convention", () => "ran").DisableStrictCors();
        app.MapPost("/disabled/attribute", [DisableStrictCors] () => "ran");
        app.MapPost("/disabled/framework", [DisableCors] () => "ran");
        app.MapGroup("/admin").DisableStrictCors().MapPost("/reset", () => "ran");
        await app.StartAsync();
        return app;
    }

    private static async Task<JsonElement> ProblemOf(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Applies a problem's changes to a JSON configuration: "add" appends to the list at the key,
    /// "remove" takes the value out of it, "set" sets it. Keys are matched ignoring case, as
    /// configuration keys are; missing sections are created.
    /// </summary>
    private static string Apply(string json, JsonElement changes)
    {
        var root = JsonNode.Parse(json, new JsonNodeOptions { PropertyNameCaseInsensitive = true })!.AsObject();
        foreach (var change in changes.EnumerateArray())
        {
            var path = change.GetProperty("key").GetString()!.Split(':');
            var parent = path[..^1].Aggregate(root, (node, key) => (node[key] ??= new JsonObject()).AsObject());
            var key = path[^1];
            var value = JsonNode.Parse(change.GetProperty("value").GetRawText());
            switch (change.GetProperty("op").GetString())
            {
                case "add":
                    (parent[key] ??= new JsonArray()).AsArray().Add(value);
                    break;
                case "remove":
                    var list = parent[key]!.AsArray();
                    list.Remove(list.First(item => JsonNode.DeepEquals(item, value)));
                    break;
                case "set":
                    parent[key] = value;
                    break;
                default:
                    throw new InvalidOperationException($"unknown op in {change}");
            }
        }

        return root.ToJsonString();
    }
}

internal static class CookieRequests
{
    /// <summary>The request as a browser sends it with the user's cookie for the API.</summary>
    public static HttpRequestMessage WithCookie(this HttpRequestMessage request)
    {
        request.Headers.Add("Cookie", "session=1");
        return request;
    }
}
