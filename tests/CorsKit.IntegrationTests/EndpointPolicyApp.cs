using CorsKit.Testing;
using Microsoft.AspNetCore.Builder;
using System.Reflection;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.IntegrationTests;

/// <summary>
/// An app with three policies that each allow one origin (policy "a" allows https://a.example,
/// and so on), so a request tells which policy an endpoint got. Minimal APIs and the controllers
/// of this test assembly are mapped by the test.
/// </summary>
internal sealed class EndpointPolicyApp : IAsyncDisposable
{
    public const string Policies = """
        {
          "Cors": {
            "DefaultPolicy": "a",
            "Policies": {
              "a": { "Origins": [ "https://a.example" ], "Methods": [ "PUT" ] },
              "b": { "Origins": [ "https://b.example" ], "Methods": [ "PUT", "PATCH" ], "Headers": [ "X-B" ] },
              "c": { "Origins": [ "https://c.example" ], "Methods": [ "DELETE" ] }
            }
          }
        }
        """;

    private readonly WebApplication _app;

    private EndpointPolicyApp(WebApplication app, MutableConfigurationSource configuration)
    {
        _app = app;
        Configuration = configuration;
    }

    public HttpClient Client { get; private set; } = null!;

    public MutableConfigurationSource Configuration { get; }

    public FakeLogCollector Logs => _app.Services.GetFakeLogCollector();

    /// <summary>
    /// Builds the app; <paramref name="configure"/> adds middleware and endpoints after <c>UseStrictCors()</c> unless it calls it itself;
    /// <paramref name="services"/> adds services (Razor components and pages: <see cref="AddRazor"/>).
    /// </summary>
    public static async Task<EndpointPolicyApp> StartAsync(
        Action<WebApplication> configure, string json = Policies, bool useStrictCors = true, Action<IServiceCollection>? services = null, params Type[] optInControllers)
    {
        var builder = TestHost.CreateBuilder(json, out var configuration);
        builder.Services.AddStrictCors();
        builder.Services.AddSignalR();
        builder.Services.AddControllers().ConfigureApplicationPartManager(parts =>
        {
            parts.ApplicationParts.Clear();
            parts.ApplicationParts.Add(new AssemblyPart(typeof(EndpointPolicyApp).Assembly));
            parts.FeatureProviders.Add(new WithoutControllers(OptInControllers.Except(optInControllers)));
        });
        services?.Invoke(builder.Services);

        var app = builder.Build();
        if (useStrictCors)
        {
            app.UseStrictCors();
        }

        configure(app);
        var testApp = new EndpointPolicyApp(app, configuration);
        await app.StartAsync();
        testApp.Client = app.GetTestClient();
        return testApp;
    }

    /// <summary>
    /// The Razor components and Razor Pages of CorsKit.RazorTestApp (map them with
    /// <c>MapRazorComponents&lt;App&gt;()</c> after <c>UseAntiforgery()</c>, and <c>MapRazorPages()</c>);
    /// <paramref name="pages"/> sets the pages' options (conventions, root directory).
    /// </summary>
    public static Action<IServiceCollection> AddRazor(Action<RazorPagesOptions>? pages = null) => services =>
    {
        services.AddRazorComponents();
        services.AddRazorPages(o => pages?.Invoke(o)).AddApplicationPart(typeof(RazorTestApp.Components.App).Assembly);
    };

    /// <summary>Which policy answered a GET to <paramref name="path"/>: "a", "b", "c", or "none".</summary>
    public async Task<string> PolicyOfGet(string path)
    {
        foreach (var policy in new[] { "a", "b", "c" })
        {
            var origin = $"https://{policy}.example";
            var response = await Client.SendAsync(Request(HttpMethod.Get, path, ("Origin", origin)));
            if (AccessControlHeaders(response).GetValueOrDefault("Access-Control-Allow-Origin") == origin)
            {
                return policy;
            }
        }

        return "none";
    }

    /// <summary>Controllers that stop startup on purpose: mapped only by the tests that name them.</summary>
    private static readonly Type[] OptInControllers =
        [typeof(UnknownPolicyController), typeof(ContradictoryActionController), typeof(ContradictoryControllerController)];

    private sealed class WithoutControllers(IEnumerable<Type> excluded) : IApplicationFeatureProvider<ControllerFeature>
    {
        public void PopulateFeature(IEnumerable<ApplicationPart> parts, ControllerFeature feature)
        {
            foreach (var type in excluded)
            {
                feature.Controllers.Remove(type.GetTypeInfo());
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        await _app.DisposeAsync();
    }
}
