using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.DependencyInjection;

namespace CorsKit.IntegrationTests.Caching;

/// <summary>
/// ASP.NET Core's output cache before and after CorsKit, on real Kestrel hosts. The output cache
/// ignores the response's Vary (its key comes from its policies): CorsKit's base policy puts the
/// request's Origin into every key, without any code of the app's.
/// </summary>
public sealed class OutputCachingTests
{
    private const string EachTwice = "A B disallowed none A B disallowed none";
    private const string Shuffled = "none disallowed B A none A disallowed B B";

    private static Task<CachingApp> StartAsync(CacheOrder order, Action<OutputCacheOptions>? options = null) =>
        CachingApp.StartAsync(
            builder =>
            {
                builder.Services.AddStrictCors();
                builder.Services.AddOutputCache(o => options?.Invoke(o));
            },
            (app, cachingApp) =>
            {
                if (order == CacheOrder.CacheFirst)
                {
                    app.UseOutputCache();
                    app.UseStrictCors();
                }
                else
                {
                    app.UseStrictCors();
                    app.UseOutputCache();
                }

                app.MapGet("/cached/{id}", cachingApp.Run).CacheOutput();
                app.MapGet("/vary-header/{id}", cachingApp.Run).CacheOutput(p => p.SetVaryByHeader("X-Other"));
                app.MapGet("/vary-value/{id}", cachingApp.Run).CacheOutput(p => p.VaryByValue(_ => new KeyValuePair<string, string>("tenant", "t1")));
                app.MapGet("/clears-vary-values/{id}", cachingApp.Run).CacheOutput(p => p.AddPolicy<ClearsVaryByValues>());
                app.MapGet("/uncached/{id}", cachingApp.Run);
            });

    [Theory]
    [InlineData(CacheOrder.CacheFirst, "/cached")]
    [InlineData(CacheOrder.CorsKitFirst, "/cached")]
    [InlineData(CacheOrder.CacheFirst, "/vary-header")]
    [InlineData(CacheOrder.CorsKitFirst, "/vary-header")]
    [InlineData(CacheOrder.CacheFirst, "/vary-value")]
    [InlineData(CacheOrder.CorsKitFirst, "/vary-value")]
    public async Task Output_cache_gives_every_origin_the_answer_for_its_own_origin_and_hits(CacheOrder order, string endpoint)
    {
        await using var app = await StartAsync(order);

        foreach (var (sequence, path) in new[] { (EachTwice, $"{endpoint}/1"), (Shuffled, $"{endpoint}/2") })
        {
            var observations = await CacheSequence.SendAsync(app.Client, path, Requester.Parse(sequence));

            observations.ShouldEachGetTheirOwnAnswerFromTheCache(CacheSequence.TwoOriginsContract, o => o.AgeHit);
            app.Runs(path).Should().Be(4, "one run per requester, every repeat served from the cache");
        }
    }

    [Theory]
    [InlineData(CacheOrder.CacheFirst)]
    [InlineData(CacheOrder.CorsKitFirst)]
    public async Task CorsKit_does_not_make_an_endpoint_without_CacheOutput_cacheable(CacheOrder order)
    {
        await using var app = await StartAsync(order);

        var observations = await CacheSequence.SendAsync(app.Client, "/uncached/1", Requester.Parse("A A none none disallowed disallowed"));

        observations.Should().OnlyContain(o => !o.AgeHit);
        app.Runs("/uncached/1").Should().Be(6);
        observations.ShouldEachGetTheHeadersOfTheirOwnOrigin(CacheSequence.TwoOriginsContract);
    }

    [Theory]
    [InlineData(CacheOrder.CacheFirst)]
    [InlineData(CacheOrder.CorsKitFirst)]
    public async Task An_app_base_policy_that_caches_every_endpoint_still_keys_by_origin(CacheOrder order)
    {
        await using var app = await StartAsync(order, o => o.AddBasePolicy(b => b.Cache()));

        var observations = await CacheSequence.SendAsync(app.Client, "/uncached/1", Requester.Parse(EachTwice));

        observations.ShouldEachGetTheirOwnAnswerFromTheCache(CacheSequence.TwoOriginsContract, o => o.AgeHit);
        app.Runs("/uncached/1").Should().Be(4);
    }

    [Theory]
    [InlineData(CacheOrder.CacheFirst)]
    [InlineData(CacheOrder.CorsKitFirst)]
    public async Task An_app_policy_that_removes_the_origin_from_the_key_fails_closed(CacheOrder order)
    {
        await using var app = await StartAsync(order);

        var observations = await CacheSequence.SendAsync(app.Client, "/clears-vary-values/1", Requester.Parse(EachTwice));

        // Responses to requests with an Origin are not stored when their key lost it; the answer to
        // the request without Origin is, under the key every request of this endpoint now has, and
        // serves later requests. It has no CORS headers: when the cache comes first an allowed
        // origin gets none (a failed CORS read, never another origin's headers); after CorsKit the
        // allowed origin keeps the headers CorsKit set before the hit.
        var report = string.Join(Environment.NewLine, observations.Select(o => o.Describe(varnish: false)));
        var noOriginAnswer = observations.First(o => o.Who == Requester.NoOrigin);
        foreach (var observation in observations)
        {
            if (observation.AgeHit)
            {
                observation.Body.Should().Be(noOriginAnswer.Body, report);
                observation.Cors.Should().BeEquivalentTo(
                    order == CacheOrder.CacheFirst ? [] : CacheSequence.TwoOriginsContract(observation.Who), report);
            }
            else
            {
                observation.Cors.Should().BeEquivalentTo(CacheSequence.TwoOriginsContract(observation.Who), report);
            }
        }

        observations.Take(4).Should().OnlyContain(o => !o.AgeHit, report);
        observations.Skip(4).Should().OnlyContain(o => o.AgeHit, report);
        app.Runs("/clears-vary-values/1").Should().Be(4);
    }

    /// <summary>
    /// After a reload that removes origin A: a cache before CorsKit serves A its stored grant until
    /// the entry expires (CorsKit does not run for a hit); a cache after CorsKit serves the stored
    /// body with the headers of the policy in force, which CorsKit puts on every response it decides
    /// as the response starts.
    /// </summary>
    [Theory]
    [InlineData(CacheOrder.CacheFirst, "https://a.example")]
    [InlineData(CacheOrder.CorsKitFirst, null)]
    public async Task A_cached_response_follows_the_policy_in_force_only_when_CorsKit_runs_before_the_cache(CacheOrder order, string? storedGrant)
    {
        await using var app = await StartAsync(order);
        var before = await CacheSequence.SendAsync(app.Client, "/cached/1", [Requester.A]);

        app.Configuration.Set(CachingApp.TwoOrigins.Replace("\"https://a.example\", ", "", StringComparison.Ordinal));
        var stored = await CacheSequence.SendAsync(app.Client, "/cached/1", [Requester.A]);
        var fresh = await CacheSequence.SendAsync(app.Client, "/cached/2", [Requester.A]);

        before[0].AllowOrigin.Should().Be(Requester.A.Origin);
        stored[0].AgeHit.Should().BeTrue();
        stored[0].AllowOrigin.Should().Be(storedGrant ?? "-", "documented in docs/caching.md, After a reload");
        fresh[0].AgeHit.Should().BeFalse();
        fresh[0].Cors.Should().BeEmpty("a response produced after the reload follows the new policy");
    }

    /// <summary>An app policy that empties the vary-by values CorsKit's base policy set.</summary>
    private sealed class ClearsVaryByValues : IOutputCachePolicy
    {
        public ValueTask CacheRequestAsync(OutputCacheContext context, CancellationToken cancellationToken)
        {
            context.CacheVaryByRules.VaryByValues.Clear();
            return ValueTask.CompletedTask;
        }

        public ValueTask ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask ServeResponseAsync(OutputCacheContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
