using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace CorsKit.Tests.Hosting;

/// <summary>
/// The attack: a cross-site HTML form posts <c>_method=GET</c> (or HEAD, OPTIONS) to a POST-only
/// endpoint. When routing has already chosen the POST endpoint before
/// <c>UseHttpMethodOverride</c> rewrites the method, a guard that judged <c>Request.Method</c>
/// would see a safe method and let the write run with the victim's cookies. Over real HTTP, in
/// every order of the three middlewares, no write may run for such a request: not a POST-only
/// endpoint, and not one that also accepts GET (a form body on a "GET" is still a cross-site POST).
/// </summary>
public sealed class MethodOverrideTests(ITestOutputHelper output)
{
    private const string Attacker = "https://evil.example";

    /// <summary>The pipeline orders: each step is "override", "routing" (an explicit UseRouting) or "cors".</summary>
    public static TheoryData<string, string> Orders => new()
    {
        { "routing implicit (WebApplication), override, cors", "override,cors" },
        { "routing implicit (WebApplication), cors, override", "cors,override" },
        { "routing, override, cors", "routing,override,cors" },
        { "routing, cors, override", "routing,cors,override" },
        { "override, routing, cors", "override,routing,cors" },
        { "override, cors, routing", "override,cors,routing" },
        { "cors, routing, override", "cors,routing,override" },
        { "cors, override, routing", "cors,override,routing" },
    };

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task A_cross_site_form_post_that_overrides_its_method_to_a_safe_one_never_runs_the_endpoint(string description, string order)
    {
        await using var server = await OverrideServer.StartAsync(order.Split(','));

        foreach (var path in server.WritePaths)
        {
            foreach (var overridden in new[] { "GET", "HEAD", "OPTIONS", "get" })
            {
                var status = await server.PostFormAsync(path, $"_method={overridden}&amount=1000", Attacker, "cross-site");
                output.WriteLine($"{description}: POST {path} with _method={overridden} from {Attacker}: {status}");
                ((int)status).Should().BeOneOf([403, 405], "{0}: _method={1} on {2}", description, overridden, path);
            }

            server.Runs(path).Should().Be(0, "{0}: a cross-site write to {1} must never run", description, path);
        }
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task A_same_origin_form_post_still_runs_in_every_order(string description, string order)
    {
        await using var server = await OverrideServer.StartAsync(order.Split(','));

        var status = await server.PostFormAsync("/transfer", "amount=1", server.Origin, "same-origin");

        status.Should().Be(HttpStatusCode.OK, description);
        server.Runs("/transfer").Should().Be(1, "the harness sees a write that runs ({0})", description);
    }

    [Fact]
    public async Task A_cross_site_form_post_that_overrides_to_an_unsafe_method_is_judged_by_that_method()
    {
        await using var server = await OverrideServer.StartAsync(["override", "cors"]);

        var status = await server.PostFormAsync("/transfer", "_method=DELETE", Attacker, "cross-site");

        status.Should().BeOneOf(HttpStatusCode.Forbidden, HttpStatusCode.MethodNotAllowed);
        server.Runs("/transfer").Should().Be(0);
    }

    /// <summary>A Kestrel server on 127.0.0.1 with method override by form field, in a given pipeline order.</summary>
    private sealed class OverrideServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly HttpClient _client;
        private readonly ConcurrentDictionary<string, int> _runs;

        private OverrideServer(WebApplication app, ConcurrentDictionary<string, int> runs, IReadOnlyList<string> writePaths)
        {
            _app = app;
            _runs = runs;
            WritePaths = writePaths;
            Origin = app.Urls.Single();
            _client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(Origin) };
        }

        /// <summary>The server's own origin, http://127.0.0.1:port.</summary>
        public string Origin { get; }

        /// <summary>A POST-only endpoint, one that accepts GET and POST, and (where CorsKit can see endpoints) a disabled POST-only one.</summary>
        public IReadOnlyList<string> WritePaths { get; }

        public static async Task<OverrideServer> StartAsync(IReadOnlyList<string> order)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            builder.Logging.ClearProviders();
            builder.Services.AddStrictCors(o => o.AddDefaultPolicy("web", p => p.WithOrigins("https://app.example.com").AllowCredentials()));
            var app = builder.Build();

            // CorsKit placed before an explicit UseRouting cannot see endpoint metadata, and then
            // refuses to start when an endpoint carries some: map the disabled endpoint only where it can.
            var corsSeesEndpoints = !order.Contains("routing") || order.ToList().IndexOf("routing") < order.ToList().IndexOf("cors");
            foreach (var step in order)
            {
                _ = step switch
                {
                    "override" => app.UseHttpMethodOverride(new HttpMethodOverrideOptions { FormFieldName = "_method" }),
                    "routing" => app.UseRouting(),
                    "cors" => app.UseStrictCors(),
                    _ => throw new ArgumentException(step),
                };
            }

            var runs = new ConcurrentDictionary<string, int>();
            var paths = new List<string> { "/transfer", "/subscribe" };
            app.MapPost("/transfer", (HttpContext c) => Count(runs, c));
            app.MapMethods("/subscribe", ["GET", "POST"], (HttpContext c) => Count(runs, c));
            if (corsSeesEndpoints)
            {
                paths.Add("/admin/transfer");
                app.MapPost("/admin/transfer", (HttpContext c) => Count(runs, c)).DisableStrictCors();
            }

            await app.StartAsync();
            return new OverrideServer(app, runs, paths);
        }

        public int Runs(string path) => _runs.GetValueOrDefault(path);

        /// <summary>What a browser sends for a submitted form: a urlencoded POST with the user's cookie.</summary>
        public async Task<HttpStatusCode> PostFormAsync(string path, string body, string origin, string secFetchSite)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path)
            {
                Content = new StringContent(body, System.Text.Encoding.ASCII, "application/x-www-form-urlencoded"),
            };
            request.Headers.TryAddWithoutValidation("Origin", origin);
            request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", secFetchSite);
            request.Headers.TryAddWithoutValidation("Sec-Fetch-Mode", "navigate");
            request.Headers.TryAddWithoutValidation("Cookie", "session=victim");
            using var response = await _client.SendAsync(request);
            return response.StatusCode;
        }

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await _app.DisposeAsync();
        }

        private static string Count(ConcurrentDictionary<string, int> runs, HttpContext context)
        {
            runs.AddOrUpdate(context.Request.Path.Value!, 1, (_, n) => n + 1);
            return "transferred";
        }
    }
}
