using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CorsKit.Testing;

namespace CorsKit.Benchmarks;

/// <summary>
/// Report-only mode next to enforce mode, same policy, on Kestrel's header collections: the
/// requests it would refuse (a disallowed origin, a preflight asking for an unlisted method, a
/// write the guard would block) and one it allows. Reports go to a logging system without
/// providers, as in the other benchmarks; with one listening, all but ten a minute per reason
/// are left out without allocating (AllocationTests).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ReportOnlyBenchmarks
{
    private Pipeline _enforce = null!;
    private Pipeline _reportOnly = null!;

    [GlobalCleanup]
    public void Cleanup()
    {
        _enforce.Dispose();
        _reportOnly.Dispose();
    }

    [GlobalSetup(Targets = [nameof(Enforce_DisallowedOrigin), nameof(ReportOnly_DisallowedOrigin)])]
    public void SetupDisallowed() => Setup(http => Requests.Get(http, Requests.Disallowed));

    [GlobalSetup(Targets = [nameof(Enforce_DeniedPreflight), nameof(ReportOnly_DeniedPreflight)])]
    public void SetupDeniedPreflight() =>
        Setup(http => http.WithRequest("OPTIONS", ("Origin", Requests.Allowed), ("Access-Control-Request-Method", "PATCH")));

    [GlobalSetup(Targets = [nameof(Enforce_BlockedWrite), nameof(ReportOnly_BlockedWrite)])]
    public void SetupBlockedWrite() =>
        Setup(http => http.WithRequest("POST", ("Origin", Requests.Disallowed), ("Content-Type", "text/plain")));

    [GlobalSetup(Targets = [nameof(Enforce_AllowedOrigin), nameof(ReportOnly_AllowedOrigin)])]
    public void SetupAllowed() => Setup(http => Requests.Get(http, Requests.Allowed));

    [Benchmark(Baseline = true), BenchmarkCategory("GET, disallowed origin")]
    public int Enforce_DisallowedOrigin() => _enforce.Send();

    [Benchmark, BenchmarkCategory("GET, disallowed origin")]
    public int ReportOnly_DisallowedOrigin() => _reportOnly.Send();

    [Benchmark(Baseline = true), BenchmarkCategory("Preflight, method denied")]
    public int Enforce_DeniedPreflight() => _enforce.Send();

    [Benchmark, BenchmarkCategory("Preflight, method denied")]
    public int ReportOnly_DeniedPreflight() => _reportOnly.Send();

    [Benchmark(Baseline = true), BenchmarkCategory("POST, blocked by the guard")]
    public int Enforce_BlockedWrite() => _enforce.Send();

    [Benchmark, BenchmarkCategory("POST, blocked by the guard")]
    public int ReportOnly_BlockedWrite() => _reportOnly.Send();

    [Benchmark(Baseline = true), BenchmarkCategory("GET, allowed origin")]
    public int Enforce_AllowedOrigin() => _enforce.Send();

    [Benchmark, BenchmarkCategory("GET, allowed origin")]
    public int ReportOnly_AllowedOrigin() => _reportOnly.Send();

    private void Setup(Action<ReusableHttpContext> request)
    {
        _enforce = Pipeline.CorsKit([Requests.Allowed], HeaderStore.Kestrel);
        _reportOnly = Pipeline.CorsKit([Requests.Allowed], HeaderStore.Kestrel, StrictCorsMode.ReportOnly);
        request(_enforce.Http);
        request(_reportOnly.Http);
    }
}
