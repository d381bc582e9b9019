using System.Diagnostics;

namespace CorsKit.IntegrationTests.Fleet;

/// <summary>
/// Several <see cref="FleetInstance"/> processes started together on one configuration
/// directory. Disposing stops every one of them, also when one failed to start.
/// </summary>
internal sealed class Fleet : IAsyncDisposable
{
    /// <summary>The fleet tests start processes and measure times: they run one at a time, not next to each other.</summary>
    public const string Collection = "Fleet processes";

    private Fleet(IReadOnlyList<FleetInstance> instances) => Instances = instances;

    public IReadOnlyList<FleetInstance> Instances { get; }

    public static async Task<Fleet> StartAsync(
        int count, string configDirectory, Stopwatch clock, IReadOnlyDictionary<string, string>? environment = null)
    {
        var starting = Enumerable.Range(0, count)
            .Select(i => FleetInstance.StartAsync(((char)('a' + i)).ToString(), configDirectory, clock, environment))
            .ToList();
        try
        {
            return new Fleet(await Task.WhenAll(starting));
        }
        catch
        {
            // Task.WhenAll has waited for every start: stop those that succeeded (a failed one stopped itself).
            foreach (var task in starting.Where(t => t.IsCompletedSuccessfully))
            {
                await (await task).DisposeAsync();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in Instances)
        {
            await instance.DisposeAsync();
        }
    }

    /// <summary>A client for the instances themselves: plain HTTP on 127.0.0.1, no proxy, no cookies, no redirects.</summary>
    public static HttpClient DirectClient() =>
        new(new SocketsHttpHandler { UseProxy = false, UseCookies = false, AllowAutoRedirect = false })
        {
            Timeout = TimeSpan.FromSeconds(10),
        };
}
