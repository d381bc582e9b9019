using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.Tests.Hosting;

/// <summary>
/// Many concurrent requests while the configuration flips between two valid policies and several
/// invalid ones: no request fails, every response is exactly what one complete policy answers
/// (never a mix of two), and every invalid reload is refused, logged, and leaves the last good
/// policy in force.
/// </summary>
public class ReloadUnderLoadTests
{
    private const string A = "https://a.example";
    private const string B = "https://b.example";

    private const string PolicyOne = """
        { "Cors": { "DefaultPolicy": "web", "Policies": { "web": {
            "Origins": [ "https://a.example" ], "Methods": [ "PUT", "PATCH" ], "ExposedHeaders": [ "X-One" ],
            "AllowCredentials": true, "MaxAgeSeconds": 111 } } } }
        """;

    private const string PolicyTwo = """
        { "Cors": { "DefaultPolicy": "web", "Policies": { "web": {
            "Origins": [ "https://a.example", "https://b.example" ], "Methods": [ "PATCH", "DELETE" ], "ExposedHeaders": [ "X-Two" ],
            "MaxAgeSeconds": 222 } } } }
        """;

    private static readonly string[] Invalid =
    [
        """{ "Cors": { "DefaultPolicy": "web", "Policies": { "web": { "Origins": [ "*" ], "AllowCredentials": true } } } }""",
        """{ "Cors": { "DefaultPolicy": "web", "Policies": { "web": { "Origins": [ "https://a.example" ], "MaxAgeSeconds": "ten" } } } }""",
        """{ "Cors": { "DefaultPolicy": "web", "Policies": { "web": { "Origin": [ "https://a.example" ] } } } }""",
        """{ "Cors": { "DefaultPolicy": "missing", "Policies": { "web": { "Origins": [ "https://A.example/" ] } } } }""",
    ];

    /// <summary>What each policy answers, per request kind: status and every Access-Control-* header.</summary>
    private static readonly Dictionary<string, (int Status, Dictionary<string, string> Headers)[]> Answers = new()
    {
        ["GET from A"] =
        [
            (200, new() { ["Access-Control-Allow-Origin"] = A, ["Access-Control-Allow-Credentials"] = "true", ["Access-Control-Expose-Headers"] = "X-One" }),
            (200, new() { ["Access-Control-Allow-Origin"] = A, ["Access-Control-Expose-Headers"] = "X-Two" }),
        ],
        ["GET from B"] =
        [
            (200, new()),
            (200, new() { ["Access-Control-Allow-Origin"] = B, ["Access-Control-Expose-Headers"] = "X-Two" }),
        ],
        ["PATCH preflight from A"] =
        [
            (204, new() { ["Access-Control-Allow-Origin"] = A, ["Access-Control-Allow-Credentials"] = "true", ["Access-Control-Allow-Methods"] = "PUT, PATCH", ["Access-Control-Max-Age"] = "111" }),
            (204, new() { ["Access-Control-Allow-Origin"] = A, ["Access-Control-Allow-Methods"] = "PATCH, DELETE", ["Access-Control-Max-Age"] = "222" }),
        ],
    };

    private static HttpRequestMessage Build(string kind) => kind switch
    {
        "GET from A" => Request(HttpMethod.Get, CorsTestApp.Resource, ("Origin", A)),
        "GET from B" => Request(HttpMethod.Get, CorsTestApp.Resource, ("Origin", B)),
        _ => Preflight(CorsTestApp.Resource, A, "PATCH"),
    };

    private static int PolicyAnswering(string kind, HttpResponseMessage response)
    {
        var headers = AccessControlHeaders(response);
        var answers = Answers[kind];
        for (var policy = 0; policy < answers.Length; policy++)
        {
            if ((int)response.StatusCode == answers[policy].Status && headers.Count == answers[policy].Headers.Count
                && answers[policy].Headers.All(h => headers.GetValueOrDefault(h.Key) == h.Value))
            {
                return policy;
            }
        }

        return -1;
    }

    [Fact]
    public async Task Concurrent_requests_during_valid_and_invalid_reloads_always_get_one_complete_policy()
    {
        await using var app = await CorsTestApp.StartAsync(PolicyOne);
        var kinds = Answers.Keys.ToArray();
        var mismatches = new ConcurrentBag<string>();
        var requests = 0;
        using var stop = new CancellationTokenSource();

        var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            while (!stop.IsCancellationRequested)
            {
                var kind = kinds[random.Next(kinds.Length)];
                using var response = await app.Client.SendAsync(Build(kind));
                Interlocked.Increment(ref requests);
                if (PolicyAnswering(kind, response) < 0)
                {
                    mismatches.Add($"{kind}: {(int)response.StatusCode} {string.Join("; ", AccessControlHeaders(response))}");
                }
            }
        })).ToArray();

        var validReloads = 0;
        var refusedReloads = 0;
        var lastGood = 0;
        for (var round = 0; round < 200; round++)
        {
            var next = round % 2 == 0 ? 1 - lastGood : lastGood;
            app.Configuration.Set(next == 0 ? PolicyOne : PolicyTwo);
            lastGood = next;
            validReloads++;

            app.Configuration.Set(Invalid[round % Invalid.Length]);
            refusedReloads++;
            using var probe = await app.Client.SendAsync(Build("GET from B"));
            PolicyAnswering("GET from B", probe).Should().Be(lastGood, "after an invalid reload the last good policy must stay (round {0})", round);
            await Task.Delay(1);
        }

        await stop.CancelAsync();
        await Task.WhenAll(workers);

        requests.Should().BeGreaterThan(1_000, "the reloads must happen under load");
        mismatches.Should().BeEmpty("every response must be one complete policy's answer");
        var logs = app.Logs.GetSnapshot();
        logs.Count(r => r.Id.Id == CorsKitEventIds.ReloadRefused && r.Level == LogLevel.Error).Should().Be(refusedReloads);
        logs.Count(r => r.Id.Id == CorsKitEventIds.PoliciesLoaded).Should().Be(validReloads + 1, "the startup load and every valid reload are logged");
        logs.Should().NotContain(r => r.Id.Id == CorsKitEventIds.ApplyHeadersFailed, "adding headers never failed");
    }
}
