using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CorsKit.IntegrationTests.Caching;

/// <summary>
/// ASP.NET Core's response cache before and after CorsKit, on real Kestrel hosts. It honours the
/// response's Vary, which CorsKit sets before the endpoint runs: no help from the app is needed.
/// </summary>
public sealed class ResponseCachingTests
{
    [Theory]
    [InlineData(CacheOrder.CacheFirst)]
    [InlineData(CacheOrder.CorsKitFirst)]
    public async Task Response_cache_gives_every_origin_the_answer_for_its_own_origin_and_hits(CacheOrder order)
    {
        await using var app = await StartAsync(order, _ => { });

        foreach (var (sequence, path) in new[] { ("A B disallowed none A B disallowed none", "/cached/1"), ("none disallowed B A none A disallowed B B", "/cached/2") })
        {
            var observations = await CacheSequence.SendAsync(app.Client, path, Requester.Parse(sequence));

            observations.ShouldEachGetTheirOwnAnswerFromTheCache(CacheSequence.TwoOriginsContract, o => o.AgeHit);
            app.Runs(path).Should().Be(4, "one run per requester, every repeat served from the cache");
        }
    }

    /// <summary>
    /// An endpoint that assigns Vary itself (MVC's <c>[ResponseCache(VaryByHeader = ...)]</c> does)
    /// must not take Origin out of it: the response cache would then store one answer for every
    /// origin and hand the first requester's Access-Control-Allow-Origin to everyone.
    /// </summary>
    [Theory]
    [InlineData(CacheOrder.CacheFirst)]
    [InlineData(CacheOrder.CorsKitFirst)]
    public async Task An_endpoint_that_assigns_Vary_itself_never_makes_the_response_cache_mix_origins(CacheOrder order)
    {
        await using var app = await StartAsync(order, response => response.Headers.Vary = "Accept-Language");

        foreach (var (sequence, path) in new[] { ("A B disallowed none A B disallowed none", "/cached/1"), ("none disallowed B A none A disallowed B B", "/cached/2") })
        {
            var observations = await CacheSequence.SendAsync(app.Client, path, Requester.Parse(sequence), ("Accept-Language", "en"));

            observations.ShouldEachGetTheHeadersOfTheirOwnOrigin(CacheSequence.TwoOriginsContract);
            observations.Should().OnlyContain(o => o.Vary.Contains("Accept-Language"), "the endpoint's own Vary stays, merged");
            if (order == CacheOrder.CacheFirst)
            {
                // Served without CorsKit running: only an entry per origin keeps the origins apart.
                observations.ShouldEachGetTheirOwnAnswerFromTheCache(CacheSequence.TwoOriginsContract, o => o.AgeHit);
            }
        }
    }

    /// <summary>The response cache and CorsKit in <paramref name="order"/>, one cacheable endpoint that <paramref name="endpoint"/> may add to.</summary>
    private static Task<CachingApp> StartAsync(CacheOrder order, Action<HttpResponse> endpoint) => CachingApp.StartAsync(
        builder =>
        {
            builder.Services.AddStrictCors();
            builder.Services.AddResponseCaching();
        },
        (app, cachingApp) =>
        {
            if (order == CacheOrder.CacheFirst)
            {
                app.UseResponseCaching();
                app.UseStrictCors();
            }
            else
            {
                app.UseStrictCors();
                app.UseResponseCaching();
            }

            app.MapGet("/cached/{id}", (HttpContext context) =>
            {
                context.Response.Headers.CacheControl = "public, max-age=60";
                endpoint(context.Response);
                return cachingApp.Run(context);
            });
        });
}
