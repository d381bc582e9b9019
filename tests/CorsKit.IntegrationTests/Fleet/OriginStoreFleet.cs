using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;

namespace CorsKit.IntegrationTests.Fleet;

/// <summary>
/// A fleet of tests/CorsKit.FleetApp processes sharing one <see cref="PostgresProcess"/>: the
/// policy <c>tenants</c> takes its origins from the tenants table, keyed by the request's
/// <c>Host</c> (a tenant's custom domain). Disposing stops the instances, then the database.
/// </summary>
internal sealed class OriginStoreFleet : IAsyncDisposable
{
    private OriginStoreFleet(PostgresProcess database, Fleet fleet, ConfigMapDirectory configMap, Stopwatch clock)
    {
        Database = database;
        Instances = fleet;
        ConfigMap = configMap;
        Clock = clock;
    }

    public PostgresProcess Database { get; }

    public Fleet Instances { get; }

    public ConfigMapDirectory ConfigMap { get; }

    public Stopwatch Clock { get; }

    /// <summary>The policy, as <c>appsettings.json</c> holds it; the store's settings are the test's.</summary>
    public static string Policy(int refreshSeconds, int staleSeconds, int maxKeys = 10_000, int maxQueriesInFlight = 8) => $$"""
        { "Cors": { "DefaultPolicy": "tenants", "Policies": { "tenants": {
          "Origins": [],
          "Methods": [ "PUT" ],
          "Headers": [ "Content-Type" ],
          "AllowCredentials": true,
          "MaxAgeSeconds": 60,
          "OriginStore": { "Key": "Host", "RefreshSeconds": {{refreshSeconds}}, "StaleSeconds": {{staleSeconds}},
                           "TimeoutMilliseconds": 2000, "MaxKeys": {{maxKeys}}, "MaxQueriesInFlight": {{maxQueriesInFlight}} }
        } } } }
        """;

    public static async Task<OriginStoreFleet> StartAsync(int instances, string policy, bool listen = true)
    {
        var database = await PostgresProcess.StartAsync();
        ConfigMapDirectory? configMap = null;
        try
        {
            configMap = new ConfigMapDirectory(policy);
            var clock = Stopwatch.StartNew();
            var fleet = await Fleet.StartAsync(instances, configMap.Path, clock, new Dictionary<string, string>
            {
                ["Fleet__PostgreSQL"] = database.ConnectionString,
                ["Fleet__Listen"] = listen ? "true" : "false",
            });
            return new OriginStoreFleet(database, fleet, configMap, clock);
        }
        catch
        {
            configMap?.Dispose();
            await database.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Instances.DisposeAsync();
        }
        finally
        {
            ConfigMap.Dispose();
            await Database.DisposeAsync();
        }
    }

    /// <summary>Whether a GET for <paramref name="tenant"/>'s domain from <paramref name="origin"/> may be read: <c>Access-Control-Allow-Origin</c> names it.</summary>
    public static async Task<bool> IsReadableAsync(HttpClient client, FleetInstance instance, string tenant, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(instance.BaseAddress, "/api/data"));
        request.Headers.Host = tenant;
        request.Headers.Add("Origin", origin);
        using var response = await client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) && values.SequenceEqual([origin]);
    }

    /// <summary>The status of a cross-origin form POST (no preflight) for <paramref name="tenant"/>'s domain from <paramref name="origin"/>.</summary>
    public static async Task<HttpStatusCode> FormPostAsync(HttpClient client, FleetInstance instance, string tenant, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(instance.BaseAddress, "/api/items"))
        {
            Content = new FormUrlEncodedContent([new("item", "x")]),
        };
        request.Headers.Host = tenant;
        request.Headers.Add("Origin", origin);
        using var response = await client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode;
    }

    /// <summary>Adds or removes a tenant's origin through <paramref name="instance"/>'s admin endpoint (the write, then the instance's own invalidation).</summary>
    public static async Task ChangeAsync(HttpClient client, FleetInstance instance, string tenant, string origin, bool add)
    {
        var uri = new Uri(instance.BaseAddress, $"/admin/tenants/{Uri.EscapeDataString(tenant)}/origins?origin={Uri.EscapeDataString(origin)}");
        using var response = add ? await client.PostAsync(uri, content: null) : await client.DeleteAsync(uri);
        if (response.StatusCode != HttpStatusCode.NoContent)
        {
            throw new InvalidOperationException($"admin change on {instance.Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    public static async Task<Stats> StatsAsync(HttpClient client, FleetInstance instance, bool collect = false) =>
        await client.GetFromJsonAsync<Stats>(new Uri(instance.BaseAddress, $"/fleet/stats?collect={(collect ? "true" : "false")}"))
        ?? throw new InvalidOperationException("no stats");

    /// <summary>What the instance's <c>/fleet/stats</c> says: the store's queries, CorsKit's held keys (its gauge) and the process's memory.</summary>
    public sealed record Stats(long Queries, int MaxInFlight, int HeldKeys, long ManagedBytes, long WorkingSetBytes);

    /// <summary>Minimum, median and maximum of <paramref name="times"/>, in milliseconds.</summary>
    public static string Summary(IReadOnlyCollection<TimeSpan> times)
    {
        var sorted = times.Order().ToList();
        var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        return string.Create(CultureInfo.InvariantCulture,
            $"min {sorted[0].TotalMilliseconds:F0} ms, median {median.TotalMilliseconds:F0} ms, max {sorted[^1].TotalMilliseconds:F0} ms over {sorted.Count}");
    }
}
