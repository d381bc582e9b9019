using System.Collections.Frozen;
using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CorsKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CorsKit.Benchmarks;

/// <summary>
/// A policy whose origins come from the application's store (<c>OriginStore</c>, <c>Key</c> =
/// <c>Host</c>), for a key whose list is cached, side by side with what an app writes without
/// one, on the hot paths and both header stores. A SaaS of <see cref="TenantDirectory.Count"/>
/// tenants, each on its own host with its own origins; the request comes from one of them. Four
/// contenders with the policy of the other benchmarks (PUT and DELETE, Content-Type and
/// Authorization, X-Request-Id exposed, credentials, max-age 600 s):
/// <list type="bullet">
/// <item><c>Framework</c> (the baseline of each category): <c>AddCors</c> + <c>UseCors("web")</c> with
/// <c>SetIsOriginAllowed</c> over a set of every tenant's origins;</item>
/// <item><c>CorsKitStatic</c>: the same origins in configuration (<c>Cors:Policies:web:Origins</c>);</item>
/// <item><c>CorsKitStore</c>: the same policy with no origin in configuration and
/// <c>OriginStore: { Key: "Host" }</c>, over an in-memory store; every tenant's key is held, as on a
/// server that has served them all, and the measured requests are served from the cache (asserted);</item>
/// <item><c>Limit</c>: <see cref="HandWrittenTenantLimit"/>, a host lookup then the tenant's origin set.</item>
/// </list>
/// The framework and the static policy allow every tenant's origins on every host: a page of
/// tenant A may read tenant B's API. Only the store and the limit scope origins to the tenant.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class OriginStoreBenchmarks
{
    [Params(HeaderStore.HeaderDictionary, HeaderStore.Kestrel)]
    public HeaderStore Headers { get; set; }

    private TenantDirectory _tenants = null!;
    private Pipeline _framework = null!;
    private Pipeline _corsKitStatic = null!;
    private Pipeline _corsKitStore = null!;
    private Pipeline _limit = null!;
    private int _queriesAfterSetup;

    [GlobalSetup(Targets = [nameof(Framework_Preflight), nameof(CorsKitStatic_Preflight), nameof(CorsKitStore_Preflight), nameof(Limit_Preflight)])]
    public void SetupPreflight() => Setup(http => TenantRequests.Preflight(http, TenantRequests.Origin), preflight: true, allowed: true);

    [GlobalSetup(Targets = [nameof(Framework_AllowedOrigin), nameof(CorsKitStatic_AllowedOrigin), nameof(CorsKitStore_AllowedOrigin), nameof(Limit_AllowedOrigin)])]
    public void SetupAllowed() => Setup(http => TenantRequests.Get(http, TenantRequests.Origin), preflight: false, allowed: true);

    [GlobalSetup(Targets = [nameof(Framework_DisallowedOrigin), nameof(CorsKitStatic_DisallowedOrigin), nameof(CorsKitStore_DisallowedOrigin), nameof(Limit_DisallowedOrigin)])]
    public void SetupDisallowed() => Setup(http => TenantRequests.Get(http, Requests.Disallowed), preflight: false, allowed: false);

    [GlobalCleanup]
    public void Cleanup()
    {
        var queries = _tenants.Queries;
        foreach (var pipeline in new[] { _framework, _corsKitStatic, _corsKitStore, _limit })
        {
            pipeline.Dispose();
        }

        // Not one measured request may have asked the store: each was a cache hit.
        if (queries != _queriesAfterSetup)
        {
            throw new InvalidOperationException($"The store was asked {queries - _queriesAfterSetup} time(s) during the measurement: not every request was served from the cache.");
        }
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Preflight, allowed")]
    public int Framework_Preflight() => _framework.Send();

    [Benchmark, BenchmarkCategory("Preflight, allowed")]
    public int CorsKitStatic_Preflight() => _corsKitStatic.Send();

    [Benchmark, BenchmarkCategory("Preflight, allowed")]
    public int CorsKitStore_Preflight() => _corsKitStore.Send();

    [Benchmark, BenchmarkCategory("Preflight, allowed")]
    public int Limit_Preflight() => _limit.Send();

    [Benchmark(Baseline = true), BenchmarkCategory("GET, allowed origin")]
    public int Framework_AllowedOrigin() => _framework.Send();

    [Benchmark, BenchmarkCategory("GET, allowed origin")]
    public int CorsKitStatic_AllowedOrigin() => _corsKitStatic.Send();

    [Benchmark, BenchmarkCategory("GET, allowed origin")]
    public int CorsKitStore_AllowedOrigin() => _corsKitStore.Send();

    [Benchmark, BenchmarkCategory("GET, allowed origin")]
    public int Limit_AllowedOrigin() => _limit.Send();

    [Benchmark(Baseline = true), BenchmarkCategory("GET, disallowed origin")]
    public int Framework_DisallowedOrigin() => _framework.Send();

    [Benchmark, BenchmarkCategory("GET, disallowed origin")]
    public int CorsKitStatic_DisallowedOrigin() => _corsKitStatic.Send();

    [Benchmark, BenchmarkCategory("GET, disallowed origin")]
    public int CorsKitStore_DisallowedOrigin() => _corsKitStore.Send();

    [Benchmark, BenchmarkCategory("GET, disallowed origin")]
    public int Limit_DisallowedOrigin() => _limit.Send();

    /// <summary>
    /// Builds the four pipelines, has the store-backed one hold every tenant's key, sets each up
    /// with the measured request and checks its answer; for the store, that answering it asks the
    /// store nothing.
    /// </summary>
    private void Setup(Action<ReusableHttpContext> request, bool preflight, bool allowed)
    {
        _tenants = new TenantDirectory();
        _framework = TenantPipelines.Framework(_tenants, Headers);
        _corsKitStatic = TenantPipelines.CorsKit(_tenants, originStore: false, Headers);
        _corsKitStore = TenantPipelines.CorsKit(_tenants, originStore: true, Headers);
        _limit = HandWrittenTenantLimit.Create(_tenants, Headers);

        // Every tenant's key held, as on a server that has served them all: the cache looks the
        // key up among Count keys. The first request for a key may be answered before its query
        // completes: each key is sent until the answer is the allowed one.
        for (var tenant = 0; tenant < TenantDirectory.Count; tenant++)
        {
            WarmUntilAllowed(_corsKitStore, tenant);
        }

        foreach (var (name, pipeline) in new[] { ("Framework", _framework), ("CorsKitStatic", _corsKitStatic), ("CorsKitStore", _corsKitStore), ("Limit", _limit) })
        {
            request(pipeline.Http);
            var queries = _tenants.Queries;
            for (var i = 0; i < 3; i++)
            {
                Expect(name, pipeline, preflight, allowed);
            }

            if (_tenants.Queries != queries)
            {
                throw new InvalidOperationException($"{name}: the measured request asked the store: it is not served from the cache.");
            }
        }

        _queriesAfterSetup = _tenants.Queries;
    }

    /// <summary>Sends an allowed GET for <paramref name="tenant"/> until CorsKit answers it as allowed (at most 10 s).</summary>
    private static void WarmUntilAllowed(Pipeline pipeline, int tenant)
    {
        var origin = TenantDirectory.OriginsOf(tenant)[0];
        pipeline.Http.WithRequest("GET", ("Host", TenantDirectory.HostOf(tenant)), ("Origin", origin));
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            pipeline.Send();
            if (pipeline.Http.ResponseHeaders.AccessControlAllowOrigin == origin)
            {
                return;
            }

            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(10))
            {
                throw new InvalidOperationException($"The origin store's answer for tenant {tenant} never became the allowed one.");
            }

            Thread.Sleep(1);
        }
    }

    /// <summary>Throws unless the measured request gets the expected answer.</summary>
    private static void Expect(string name, Pipeline pipeline, bool preflight, bool allowed)
    {
        var status = pipeline.Send();
        var allowOrigin = pipeline.Http.ResponseHeaders.AccessControlAllowOrigin;
        var expected = allowed
            ? allowOrigin == TenantRequests.Origin && status == (preflight ? StatusCodes.Status204NoContent : StatusCodes.Status200OK)
            : allowOrigin.Count == 0;
        if (!expected)
        {
            throw new InvalidOperationException(
                $"{name}: expected {(allowed ? "an allowed" : "a denied")} answer, got {status} with Access-Control-Allow-Origin '{allowOrigin}'.");
        }
    }
}

/// <summary>
/// A SaaS's tenants: <see cref="Count"/> of them, tenant <c>i</c> served on
/// <c>api.tenant{i}.example</c> with the front ends <c>https://app.tenant{i}.example</c> and
/// <c>https://admin.tenant{i}.example</c>. Counts the store's queries.
/// </summary>
public sealed class TenantDirectory
{
    public const int Count = 1_000;

    private int _queries;

    public TenantDirectory()
    {
        ByHost = Enumerable.Range(0, Count).ToFrozenDictionary(HostOf, OriginsOf, StringComparer.OrdinalIgnoreCase);
        AllOrigins = ByHost.Values.SelectMany(o => o).ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>Each tenant's origins, by host.</summary>
    public FrozenDictionary<string, string[]> ByHost { get; }

    /// <summary>Every tenant's origins.</summary>
    public FrozenSet<string> AllOrigins { get; }

    /// <summary>How many times the store was asked.</summary>
    public int Queries => Volatile.Read(ref _queries);

    public static string HostOf(int tenant) => $"api.tenant{tenant}.example";

    public static string[] OriginsOf(int tenant) => [$"https://app.tenant{tenant}.example", $"https://admin.tenant{tenant}.example"];

    /// <summary>The store's answer: the host's origins, none for an unknown host.</summary>
    public IReadOnlyCollection<string> Query(string host)
    {
        Interlocked.Increment(ref _queries);
        return ByHost.TryGetValue(host, out var origins) ? origins : [];
    }
}

/// <summary>The application's store, in memory (a real one queries its database): the host's origins.</summary>
public sealed class TenantOriginStore(TenantDirectory tenants) : IStrictCorsOriginStore
{
    public ValueTask<IReadOnlyCollection<string>> GetOriginsAsync(string policy, string key, CancellationToken cancellationToken) =>
        ValueTask.FromResult(tenants.Query(key));
}

/// <summary>The tenants' pipelines, built as an app builds them.</summary>
internal static class TenantPipelines
{
    /// <summary>
    /// CorsKit from appsettings-style configuration (the <c>Cors</c> section, <c>AddStrictCors()</c>):
    /// every tenant's origins in <c>Origins</c>, or none there and <c>OriginStore: { Key: "Host" }</c>.
    /// </summary>
    public static Pipeline CorsKit(TenantDirectory tenants, bool originStore, HeaderStore store)
    {
        const string Policy = "Cors:Policies:web";
        var settings = new Dictionary<string, string?>
        {
            ["Cors:DefaultPolicy"] = "web",
            [$"{Policy}:Methods:0"] = "PUT",
            [$"{Policy}:Methods:1"] = "DELETE",
            [$"{Policy}:Headers:0"] = "Content-Type",
            [$"{Policy}:Headers:1"] = "Authorization",
            [$"{Policy}:ExposedHeaders:0"] = "X-Request-Id",
            [$"{Policy}:AllowCredentials"] = "true",
            [$"{Policy}:MaxAgeSeconds"] = "600",
        };
        if (originStore)
        {
            settings[$"{Policy}:OriginStore:Key"] = "Host";
            // A key's list is held for RefreshSeconds (default 60), then asked for again: a day here,
            // so that no refresh falls inside a measurement (a refresh is one query per key per
            // RefreshSeconds, not per request). The path measured is the same whatever the value.
            settings[$"{Policy}:OriginStore:RefreshSeconds"] = "86400";
        }
        else
        {
            var i = 0;
            foreach (var origin in tenants.AllOrigins.Order(StringComparer.Ordinal))
            {
                settings[$"{Policy}:Origins:{i++}"] = origin;
            }
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(tenants)
            .AddStrictCors();
        if (originStore)
        {
            services.AddStrictCorsOriginStore<TenantOriginStore>();
        }

        return Pipeline.Custom(services.BuildServiceProvider(), app => app.UseStrictCors(), store);
    }

    /// <summary>
    /// The framework with the same policy. SetIsOriginAllowed sees the origin only, never the
    /// request (its host): the best a framework user can write is one set of every tenant's
    /// origins, allowed on every tenant's host.
    /// </summary>
    public static Pipeline Framework(TenantDirectory tenants, HeaderStore store)
    {
        var origins = tenants.AllOrigins;
        var services = new ServiceCollection()
            .AddLogging()
            .AddCors(o => o.AddPolicy("web", p => p
                .SetIsOriginAllowed(origins.Contains)
                .WithMethods("PUT", "DELETE")
                .WithHeaders("Content-Type", "Authorization")
                .WithExposedHeaders("X-Request-Id")
                .AllowCredentials()
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10))))
            .BuildServiceProvider();
        return Pipeline.Custom(services, app => app.UseCors("web"), store);
    }
}

/// <summary>The requests of <see cref="OriginStoreBenchmarks"/>: those of <see cref="Requests"/>, to tenant <see cref="Tenant"/>'s host.</summary>
internal static class TenantRequests
{
    /// <summary>The tenant the requests are for, from the middle of the directory.</summary>
    public const int Tenant = TenantDirectory.Count / 2;

    public static readonly string Host = TenantDirectory.HostOf(Tenant);

    /// <summary>One of the tenant's origins.</summary>
    public static readonly string Origin = TenantDirectory.OriginsOf(Tenant)[0];

    public static void Preflight(ReusableHttpContext http, string origin) =>
        http.WithRequest("OPTIONS", ("Host", Host), ("Origin", origin), ("Access-Control-Request-Method", "PUT"), ("Access-Control-Request-Headers", "content-type,authorization"));

    public static void Get(ReusableHttpContext http, string origin) => http.WithRequest("GET", ("Host", Host), ("Origin", origin));
}
