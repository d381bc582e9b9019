using System.Net;
using System.Reflection;
using CorsKit.EcosystemTests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.EcosystemTests.Mvc;

/// <summary>
/// The MVC recipe (docs/corskit-with.md): controllers keep the framework's [EnableCors("x")] and
/// [DisableCors]; CorsKit reads them and answers with its own policies of those names.
/// </summary>
public sealed class MvcRecipeTests : IAsyncLifetime
{
    private const string Partner = "https://partner.example";
    private const string Web = "https://web.example";

    private const string Json = """
        { "Cors": { "DefaultPolicy": "web", "Policies": {
            "web": { "Origins": [ "https://web.example" ] },
            "partner": {
              "Origins": [ "https://partner.example" ],
              "Methods": [ "PUT", "DELETE" ],
              "Headers": [ "Content-Type" ],
              "ExposedHeaders": [ "X-Request-Id" ],
              "AllowCredentials": true } } } }
        """;

    private WebApplication _app = null!;
    private HttpClient _client = null!;

    private IReadOnlyList<string> ActionsRun => _app.Services.GetRequiredService<OrdersController.Runs>().Actions;

    public async Task InitializeAsync()
    {
        var builder = LoopbackHost.CreateBuilder(Json, kestrel: false);
        builder.Services.AddStrictCors();
        builder.Services.AddSingleton<OrdersController.Runs>();
        builder.Services.AddControllers().ConfigureApplicationPartManager(parts =>
        {
            parts.ApplicationParts.Clear();
            parts.ApplicationParts.Add(new TypesPart(typeof(OrdersController)));
        });
        _app = builder.Build();
        _app.UseStrictCors();
        _app.MapControllers();
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task EnableCors_on_a_controller_names_the_CorsKit_policy_its_preflights_and_requests_get()
    {
        var preflight = await _client.SendAsync(Browser(Preflight("/api/orders/7", Partner, "PUT", "content-type")));
        var update = await _client.SendAsync(Browser(Request(HttpMethod.Put, "/api/orders/7", ("Origin", Partner), ("Cookie", "session=ada")).WithBody("{}", "application/json")));
        var fromTheDefaultPolicysOrigin = await _client.SendAsync(Browser(Request(HttpMethod.Get, "/api/orders", ("Origin", Web))));

        preflight.StatusCode.Should().Be(HttpStatusCode.NoContent);
        AccessControlHeaders(preflight).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Access-Control-Allow-Origin"] = Partner,
            ["Access-Control-Allow-Credentials"] = "true",
            ["Access-Control-Allow-Methods"] = "PUT, DELETE",
            ["Access-Control-Allow-Headers"] = "Content-Type",
        });
        VaryTokens(preflight).Should().Equal(PreflightVary);

        update.StatusCode.Should().Be(HttpStatusCode.OK);
        (await update.Content.ReadAsStringAsync()).Should().Be("order 7 updated");
        AccessControlHeaders(update).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Access-Control-Allow-Origin"] = Partner,
            ["Access-Control-Allow-Credentials"] = "true",
            ["Access-Control-Expose-Headers"] = "X-Request-Id",
        });
        VaryTokens(update).Should().Equal("Origin");

        fromTheDefaultPolicysOrigin.StatusCode.Should().Be(HttpStatusCode.OK, "a safe request runs; the browser hides the answer");
        AccessControlHeaders(fromTheDefaultPolicysOrigin).Should().BeEmpty("the controller's policy, not the default one, decides");
        VaryTokens(fromTheDefaultPolicysOrigin).Should().Equal("Origin");
        ActionsRun.Should().Equal("Update", "List");
    }

    [Fact]
    public async Task DisableCors_on_an_action_refuses_its_preflight_and_blocks_cross_origin_deletes_but_not_same_origin_ones()
    {
        var preflight = await _client.SendAsync(Browser(Preflight("/api/orders/7", Partner, "DELETE")));
        var crossOrigin = await _client.SendAsync(Browser(Request(HttpMethod.Delete, "/api/orders/7", ("Origin", Partner))));
        var sameOrigin = await _client.SendAsync(Request(HttpMethod.Delete, "/api/orders/8",
            ("Origin", "http://localhost"), ("Sec-Fetch-Site", "same-origin"), ("Sec-Fetch-Mode", "cors")));

        preflight.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        AccessControlHeaders(preflight).Should().BeEmpty();
        crossOrigin.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        AccessControlHeaders(crossOrigin).Should().BeEmpty();
        VaryTokens(crossOrigin).Should().Equal("Origin");
        sameOrigin.StatusCode.Should().Be(HttpStatusCode.OK);
        (await sameOrigin.Content.ReadAsStringAsync()).Should().Be("order 8 deleted");
        AccessControlHeaders(sameOrigin).Should().BeEmpty();
        ActionsRun.Should().Equal("Delete");
    }

    /// <summary>Fetch Metadata of a cross-site fetch().</summary>
    private static HttpRequestMessage Browser(HttpRequestMessage request)
    {
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site");
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Mode", "cors");
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Dest", "empty");
        return request;
    }

    /// <summary>An application part of the given controllers only, so that no other test's controllers are mapped.</summary>
    private sealed class TypesPart(params Type[] types) : ApplicationPart, IApplicationPartTypeProvider
    {
        public override string Name => "Recipe controllers";

        public IEnumerable<TypeInfo> Types => types.Select(t => t.GetTypeInfo());
    }
}
