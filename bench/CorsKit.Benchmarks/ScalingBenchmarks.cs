using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace CorsKit.Benchmarks;

/// <summary>An allowed GET through both middlewares with a policy of <c>Entries</c> origins or patterns.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public abstract class ScalingBenchmarks
{
    private Pipeline _corsKit = null!;
    private Pipeline _framework = null!;

    /// <summary>The allow-list, and an origin it allows (from the middle of it).</summary>
    protected abstract (string[] Entries, string Origin) Policy();

    [GlobalSetup]
    public void Setup()
    {
        var (entries, origin) = Policy();
        _corsKit = Pipeline.CorsKit(entries);
        _framework = Pipeline.Framework(entries);
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

/// <summary>N exact origins (https://app{i}.example.com), the request coming from the one in the middle.</summary>
public class OriginScalingBenchmarks : ScalingBenchmarks
{
    [Params(1, 100, 10_000)]
    public int Origins { get; set; }

    protected override (string[] Entries, string Origin) Policy() =>
        (Enumerable.Range(0, Origins).Select(i => $"https://app{i}.example.com").ToArray(), $"https://app{Origins / 2}.example.com");
}

/// <summary>N subdomain patterns (https://*.tenant{i}.example.net), the request matching the one in the middle.</summary>
public class PatternScalingBenchmarks : ScalingBenchmarks
{
    [Params(1, 100)]
    public int Patterns { get; set; }

    protected override (string[] Entries, string Origin) Policy() =>
        (Enumerable.Range(0, Patterns).Select(i => $"https://*.tenant{i}.example.net").ToArray(), $"https://api.tenant{Patterns / 2}.example.net");
}
