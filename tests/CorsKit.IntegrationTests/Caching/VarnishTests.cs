using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CorsKit.IntegrationTests.Caching;

/// <summary>
/// A real shared HTTP cache: Varnish (builtin VCL) in front of a real Kestrel app whose endpoint
/// sends <c>Cache-Control: public, max-age=60</c>. Requests from two allowed origins, a disallowed
/// one and none go through Varnish in several orders, each order on a path of its own. CorsKit's
/// answers are asserted; the framework's CORS middleware with an equivalent single-origin policy
/// is run through the same sequences and only recorded (test output, docs/caching.md).
/// </summary>
public sealed class VarnishTests(ITestOutputHelper output)
{
    /// <summary>The orders sent, each to its own path: every requester first once, the request without Origin first, and the disallowed origin first.</summary>
    public static readonly string[] Sequences =
    [
        "A B disallowed none A B disallowed none",
        "none disallowed B A none A disallowed B",
        "disallowed none A B B A none disallowed",
    ];

    private const string SingleOrigin = """
        { "Cors": { "DefaultPolicy": "web", "Policies": { "web": { "Origins": [ "https://a.example" ] } } } }
        """;

    [VarnishFact]
    public async Task CorsKit_behind_Varnish_gives_every_origin_the_answer_for_its_own_origin_and_hits()
    {
        await using var app = await StartCorsKitAsync(CachingApp.TwoOrigins);

        var results = await SendThroughVarnishAsync(app, "CorsKit, origins A and B");

        foreach (var (path, observations) in results)
        {
            observations.ShouldEachGetTheirOwnAnswerFromTheCache(CacheSequence.TwoOriginsContract, o => o.VarnishHit);
            app.Runs(path).Should().Be(4, "one backend run per requester, every repeat a Varnish hit");
        }
    }

    [VarnishFact]
    public async Task CorsKit_single_origin_policy_behind_Varnish_gives_every_origin_the_answer_for_its_own_origin_and_hits()
    {
        await using var app = await StartCorsKitAsync(SingleOrigin);

        var results = await SendThroughVarnishAsync(app, "CorsKit, origin A only");

        foreach (var (path, observations) in results)
        {
            observations.ShouldEachGetTheirOwnAnswerFromTheCache(
                who => who == Requester.A ? new(StringComparer.OrdinalIgnoreCase) { ["Access-Control-Allow-Origin"] = who.Origin! } : [],
                o => o.VarnishHit);
            app.Runs(path).Should().Be(4);
        }
    }

    /// <summary>An endpoint that assigns Vary itself does not take Origin out of it: Varnish keeps a variant per origin.</summary>
    [VarnishFact]
    public async Task An_endpoint_that_assigns_Vary_itself_still_gets_every_origin_its_own_answer_behind_Varnish()
    {
        await using var app = await CachingApp.StartAsync(
            builder => builder.Services.AddStrictCors(),
            (app, cachingApp) =>
            {
                app.UseStrictCors();
                app.MapGet("/v/{id}", (HttpContext context) =>
                {
                    context.Response.Headers.Vary = "Accept-Language";
                    return Cacheable(context, cachingApp);
                });
            });

        var results = await SendThroughVarnishAsync(app, "CorsKit, origins A and B, endpoint assigns Vary: Accept-Language");

        foreach (var (path, observations) in results)
        {
            observations.ShouldEachGetTheirOwnAnswerFromTheCache(CacheSequence.TwoOriginsContract, o => o.VarnishHit);
            observations.Should().OnlyContain(o => o.Vary.Contains("Accept-Language"));
            app.Runs(path).Should().Be(4);
        }
    }

    [VarnishFact]
    public async Task Varnish_builtin_VCL_sends_requests_with_Cookie_or_Authorization_to_the_backend_every_time()
    {
        await using var app = await StartCorsKitAsync(CachingApp.TwoOrigins);
        await using var varnish = await VarnishProcess.StartAsync(app.Port);
        using var client = CachingApp.NewClient(varnish.Port);

        var withCookie = await CacheSequence.SendAsync(client, "/v/cookie", Requester.Parse("A A none none"), ("Cookie", "sid=1"));
        var withAuthorization = await CacheSequence.SendAsync(client, "/v/authorization", Requester.Parse("A A none none"), ("Authorization", "Bearer x"));

        foreach (var (path, observations) in new[] { ("/v/cookie", withCookie), ("/v/authorization", withAuthorization) })
        {
            output.WriteLine($"-- {path}: A A none none, with {(path.EndsWith("cookie", StringComparison.Ordinal) ? "Cookie" : "Authorization")}");
            observations.ForEach(o => output.WriteLine(o.Describe(varnish: true)));
            observations.ShouldEachGetTheHeadersOfTheirOwnOrigin(CacheSequence.TwoOriginsContract);
            observations.Should().OnlyContain(o => !o.VarnishHit, "the builtin VCL passes such requests to the backend");
            app.Runs(path).Should().Be(4);
        }
    }

    /// <summary>Recorded, not judged: what Varnish hands out in front of Microsoft.AspNetCore.Cors with WithOrigins(A).</summary>
    [VarnishFact]
    public Task Framework_CORS_single_origin_policy_behind_Varnish_is_recorded() =>
        RecordFrameworkAsync("Microsoft.AspNetCore.Cors, WithOrigins(A)", Requester.A.Origin!);

    /// <summary>Recorded, not judged: the same with WithOrigins(A, B), where the framework does send Vary: Origin on CORS requests.</summary>
    [VarnishFact]
    public Task Framework_CORS_two_origin_policy_behind_Varnish_is_recorded() =>
        RecordFrameworkAsync("Microsoft.AspNetCore.Cors, WithOrigins(A, B)", Requester.A.Origin!, Requester.B.Origin!);

    private async Task RecordFrameworkAsync(string title, params string[] origins)
    {
        await using var app = await CachingApp.StartAsync(
            builder => builder.Services.AddCors(o => o.AddDefaultPolicy(p => p.WithOrigins(origins))),
            (app, cachingApp) =>
            {
                app.UseCors();
                app.MapGet("/v/{id}", (HttpContext context) => Cacheable(context, cachingApp));
            });

        var results = await SendThroughVarnishAsync(app, title);

        results.SelectMany(r => r.Observations).Should().OnlyContain(o => o.Status == 200);
    }

    private static Task<CachingApp> StartCorsKitAsync(string json) =>
        CachingApp.StartAsync(
            builder => builder.Services.AddStrictCors(),
            (app, cachingApp) =>
            {
                app.UseStrictCors();
                app.MapGet("/v/{id}", (HttpContext context) => Cacheable(context, cachingApp));
            },
            json);

    private static IResult Cacheable(HttpContext context, CachingApp app)
    {
        context.Response.Headers.CacheControl = "public, max-age=60";
        return app.Run(context);
    }

    /// <summary>Starts Varnish in front of <paramref name="app"/>, sends every sequence through it and writes what each request got to the test output.</summary>
    private async Task<List<(string Path, List<Observation> Observations)>> SendThroughVarnishAsync(CachingApp app, string title)
    {
        await using var varnish = await VarnishProcess.StartAsync(app.Port);
        using var client = CachingApp.NewClient(varnish.Port);
        var results = new List<(string, List<Observation>)>();
        output.WriteLine($"== {title}");
        for (var i = 0; i < Sequences.Length; i++)
        {
            var path = $"/v/{i + 1}";
            var observations = await CacheSequence.SendAsync(client, path, Requester.Parse(Sequences[i]));
            results.Add((path, observations));
            output.WriteLine($"-- {path}: {Sequences[i]} ({observations.Count(o => o.VarnishHit)} hits, {app.Runs(path)} backend runs)");
            foreach (var observation in observations)
            {
                output.WriteLine(observation.Describe(varnish: true));
            }
        }

        return results;
    }
}
