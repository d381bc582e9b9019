using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace CorsKit.Benchmarks;

/// <summary>
/// An allowed actual request as the allow-list grows: N exact origins
/// (https://app{i}.example.com), the request coming from the one in the middle.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public class OriginScalingBenchmarks
{
    private Pipeline _corsKit = null!;
    private Pipeline _framework = null!;

    [Params(1, 100, 10_000)]
    public int Origins { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var origins = Enumerable.Range(0, Origins).Select(i => $"https://app{i}.example.com").ToArray();
        var origin = origins[Origins / 2];
        _corsKit = Pipeline.CorsKit(origins);
        _framework = Pipeline.Framework(origins);
        Requests.Get(_corsKit.Http, origin);
        Requests.Get(_framework.Http, origin);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _corsKit.Dispose();
        _framework.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int Framework() => _framework.Send();

    [Benchmark]
    public int CorsKit() => _corsKit.Send();
}

/// <summary>
/// A request matched by a subdomain pattern as patterns multiply: N patterns
/// (https://*.tenant{i}.example.net), the request matching the one in the middle.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public class PatternScalingBenchmarks
{
    private Pipeline _corsKit = null!;
    private Pipeline _framework = null!;

    [Params(1, 100)]
    public int Patterns { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var patterns = Enumerable.Range(0, Patterns).Select(i => $"https://*.tenant{i}.example.net").ToArray();
        var origin = $"https://api.tenant{Patterns / 2}.example.net";
        _corsKit = Pipeline.CorsKit(patterns);
        _framework = Pipeline.Framework(patterns);
        Requests.Get(_corsKit.Http, origin);
        Requests.Get(_framework.Http, origin);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _corsKit.Dispose();
        _framework.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int Framework() => _framework.Send();

    [Benchmark]
    public int CorsKit() => _corsKit.Send();
}
