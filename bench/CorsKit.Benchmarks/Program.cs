using BenchmarkDotNet.Configs;
using Perfolizer.Horology;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace CorsKit.Benchmarks;

/// <summary>
/// dotnet run -c Release --project bench/CorsKit.Benchmarks -- --filter '*'            (full run)
/// dotnet run -c Release --project bench/CorsKit.Benchmarks -- --quick --filter '*'    (quick, in-process, under 3 minutes)
/// Any other BenchmarkDotNet argument is passed through.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        var quick = args.Contains("--quick");
        var config = DefaultConfig.Instance;
        if (quick)
        {
            config = config.AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithLaunchCount(1)
                .WithWarmupCount(3)
                .WithIterationCount(5)
                .WithIterationTime(TimeInterval.FromMilliseconds(100))
                .WithId("Quick"));
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args.Where(a => a != "--quick").ToArray(), config);
    }
}
