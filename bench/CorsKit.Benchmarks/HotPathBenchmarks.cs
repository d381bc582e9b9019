using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CorsKit.Testing;

namespace CorsKit.Benchmarks;

/// <summary>
/// Per-request cost of each hot path, CorsKit against the framework's CorsMiddleware (the
/// baseline of each category) with equivalent policies and against a hand-written limit
/// (<see cref="HandWrittenLimit"/>), on two header stores: the framework's HeaderDictionary (what
/// DefaultHttpContext uses) and Kestrel's own header collections (what a real server uses).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class HotPathBenchmarks
{
    [Params(HeaderStore.HeaderDictionary, HeaderStore.Kestrel)]
    public HeaderStore Headers { get; set; }

    private Pipeline _corsKit = null!;
    private Pipeline _framework = null!;
    private Pipeline _corsKitPattern = null!;
    private Pipeline _frameworkPattern = null!;
    private Pipeline _limit = null!;
    private Pipeline _limitPattern = null!;

    private void CreatePipelines()
    {
        _corsKit = Pipeline.CorsKit([Requests.Allowed], Headers);
        _framework = Pipeline.Framework([Requests.Allowed], Headers);
        _corsKitPattern = Pipeline.CorsKit(["https://*.example.com"], Headers);
        _frameworkPattern = Pipeline.Framework(["https://*.example.com"], Headers);
        _limit = HandWrittenLimit.Create([Requests.Allowed], Headers);
        _limitPattern = HandWrittenLimit.Create(["https://*.example.com"], Headers);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var pipeline in new[] { _corsKit, _framework, _corsKitPattern, _frameworkPattern, _limit, _limitPattern })
        {
            pipeline.Dispose();
        }
    }

    [GlobalSetup(Targets = [nameof(CorsKit_Preflight), nameof(Framework_Preflight), nameof(Limit_Preflight)])]
    public void SetupPreflight()
    {
        CreatePipelines();
        Requests.Preflight(_corsKit.Http, Requests.Allowed);
        Requests.Preflight(_framework.Http, Requests.Allowed);
        Requests.Preflight(_limit.Http, Requests.Allowed);
    }

    [GlobalSetup(Targets = [nameof(CorsKit_AllowedOrigin), nameof(Framework_AllowedOrigin), nameof(Limit_AllowedOrigin)])]
    public void SetupAllowed()
    {
        CreatePipelines();
        Requests.Get(_corsKit.Http, Requests.Allowed);
        Requests.Get(_framework.Http, Requests.Allowed);
        Requests.Get(_limit.Http, Requests.Allowed);
    }

    [GlobalSetup(Targets = [nameof(CorsKit_DisallowedOrigin), nameof(Framework_DisallowedOrigin), nameof(Limit_DisallowedOrigin)])]
    public void SetupDisallowed()
    {
        CreatePipelines();
        Requests.Get(_corsKit.Http, Requests.Disallowed);
        Requests.Get(_framework.Http, Requests.Disallowed);
        Requests.Get(_limit.Http, Requests.Disallowed);
    }

    [GlobalSetup(Targets = [nameof(CorsKit_NoOrigin), nameof(Framework_NoOrigin), nameof(Limit_NoOrigin)])]
    public void SetupNoOrigin()
    {
        CreatePipelines();
        Requests.GetWithoutOrigin(_corsKit.Http);
        Requests.GetWithoutOrigin(_framework.Http);
        Requests.GetWithoutOrigin(_limit.Http);
    }

    [GlobalSetup(Targets = [nameof(CorsKit_PatternMatch), nameof(Framework_PatternMatch), nameof(Limit_PatternMatch)])]
    public void SetupPattern()
    {
        CreatePipelines();
        Requests.Get(_corsKitPattern.Http, "https://api.eu.example.com");
        Requests.Get(_frameworkPattern.Http, "https://api.eu.example.com");
        Requests.Get(_limitPattern.Http, "https://api.eu.example.com");
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Preflight, allowed")]
    public int Framework_Preflight() => _framework.Send();

    [Benchmark, BenchmarkCategory("Preflight, allowed")]
    public int CorsKit_Preflight() => _corsKit.Send();

    [Benchmark, BenchmarkCategory("Preflight, allowed")]
    public int Limit_Preflight() => _limit.Send();

    [Benchmark(Baseline = true), BenchmarkCategory("GET, allowed origin")]
    public int Framework_AllowedOrigin() => _framework.Send();

    [Benchmark, BenchmarkCategory("GET, allowed origin")]
    public int CorsKit_AllowedOrigin() => _corsKit.Send();

    [Benchmark, BenchmarkCategory("GET, allowed origin")]
    public int Limit_AllowedOrigin() => _limit.Send();

    [Benchmark(Baseline = true), BenchmarkCategory("GET, disallowed origin")]
    public int Framework_DisallowedOrigin() => _framework.Send();

    [Benchmark, BenchmarkCategory("GET, disallowed origin")]
    public int CorsKit_DisallowedOrigin() => _corsKit.Send();

    [Benchmark, BenchmarkCategory("GET, disallowed origin")]
    public int Limit_DisallowedOrigin() => _limit.Send();

    [Benchmark(Baseline = true), BenchmarkCategory("GET, no Origin")]
    public int Framework_NoOrigin() => _framework.Send();

    [Benchmark, BenchmarkCategory("GET, no Origin")]
    public int CorsKit_NoOrigin() => _corsKit.Send();

    [Benchmark, BenchmarkCategory("GET, no Origin")]
    public int Limit_NoOrigin() => _limit.Send();

    [Benchmark(Baseline = true), BenchmarkCategory("GET, subdomain pattern")]
    public int Framework_PatternMatch() => _frameworkPattern.Send();

    [Benchmark, BenchmarkCategory("GET, subdomain pattern")]
    public int CorsKit_PatternMatch() => _corsKitPattern.Send();

    [Benchmark, BenchmarkCategory("GET, subdomain pattern")]
    public int Limit_PatternMatch() => _limitPattern.Send();
}
