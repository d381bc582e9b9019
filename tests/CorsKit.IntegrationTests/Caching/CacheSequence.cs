using static CorsKit.Testing.ResponseContract;

namespace CorsKit.IntegrationTests.Caching;

/// <summary>Who sends a request in a cache sequence: an origin, or none.</summary>
public sealed record Requester(string Name, string? Origin)
{
    public static readonly Requester A = new("A", "https://a.example");
    public static readonly Requester B = new("B", "https://b.example");
    public static readonly Requester Disallowed = new("disallowed", "https://evil.example");
    public static readonly Requester NoOrigin = new("none", null);

    /// <summary>Reads "A B disallowed none A": the requesters in order.</summary>
    public static Requester[] Parse(string sequence) =>
        sequence.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(name => name switch
        {
            "A" => A,
            "B" => B,
            "disallowed" => Disallowed,
            "none" => NoOrigin,
            _ => throw new ArgumentException($"unknown requester '{name}'", nameof(sequence)),
        }).ToArray();

    public override string ToString() => Name;
}

/// <summary>What one request of a sequence got: status, CORS headers, Vary, body and the cache's own headers.</summary>
public sealed record Observation(
    Requester Who, int Status, Dictionary<string, string> Cors, List<string> Vary, string Body, string? Age, string? XVarnish)
{
    /// <summary>Varnish answers a hit with two transaction ids in X-Varnish (this request's and the stored object's).</summary>
    public bool VarnishHit => XVarnish?.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 2;

    /// <summary>ASP.NET Core's output and response caches add Age only to what they serve from the cache.</summary>
    public bool AgeHit => Age is not null;

    public string AllowOrigin => Cors.GetValueOrDefault("Access-Control-Allow-Origin") ?? "-";

    /// <summary>One line for the test output and docs/caching.md.</summary>
    public string Describe(bool varnish) =>
        $"{Who.Name,-10} {Status} ACAO={AllowOrigin,-19} Vary={(Vary.Count == 0 ? "-" : string.Join(",", Vary)),-8} "
        + (varnish ? $"X-Varnish={XVarnish,-12} Age={Age ?? "-",-3} {(VarnishHit ? "hit " : "miss")}" : $"Age={Age ?? "-",-3} {(AgeHit ? "hit " : "miss")}")
        + $" body=\"{Body}\"";
}

internal static class CacheSequence
{
    /// <summary>
    /// Sends a GET to <paramref name="path"/> for each requester in turn, with its Origin and
    /// <paramref name="headers"/>, and records what it got.
    /// </summary>
    public static async Task<List<Observation>> SendAsync(
        HttpClient client, string path, IEnumerable<Requester> sequence, params (string Name, string Value)[] headers)
    {
        var observations = new List<Observation>();
        foreach (var who in sequence)
        {
            using var request = Request(HttpMethod.Get, path, who.Origin is null ? headers : [("Origin", who.Origin), .. headers]);
            using var response = await client.SendAsync(request);
            observations.Add(new Observation(
                who,
                (int)response.StatusCode,
                AccessControlHeaders(response),
                VaryTokens(response),
                await response.Content.ReadAsStringAsync(),
                response.Headers.Age?.TotalSeconds.ToString(),
                response.Headers.TryGetValues("X-Varnish", out var xVarnish) ? string.Join(" ", xVarnish) : null));
        }

        return observations;
    }

    /// <summary>
    /// CorsKit's contract for <see cref="CachingApp.TwoOrigins"/>: A and B get their own origin,
    /// credentials and the exposed header; a disallowed origin and a request without Origin get
    /// no Access-Control-* header at all.
    /// </summary>
    public static Dictionary<string, string> TwoOriginsContract(Requester who) =>
        who == Requester.A || who == Requester.B
            ? new(StringComparer.OrdinalIgnoreCase)
            {
                ["Access-Control-Allow-Origin"] = who.Origin!,
                ["Access-Control-Allow-Credentials"] = "true",
                ["Access-Control-Expose-Headers"] = "X-Run",
            }
            : new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every request got the CORS headers of its own origin and <c>Vary: Origin</c>, whatever the cache did.</summary>
    public static void ShouldEachGetTheHeadersOfTheirOwnOrigin(this List<Observation> observations, Func<Requester, Dictionary<string, string>> contract)
    {
        var report = string.Join(Environment.NewLine, observations.Select(o => o.Describe(o.XVarnish is not null)));
        foreach (var observation in observations)
        {
            observation.Status.Should().Be(200, report);
            observation.Cors.Should().BeEquivalentTo(contract(observation.Who), $"{observation.Who} must get the headers of its own origin{Environment.NewLine}{report}");
            observation.Vary.Should().Contain("Origin", report);
        }
    }

    /// <summary>
    /// Every request got the CORS headers of its own origin and <c>Vary: Origin</c>; the first
    /// request of each requester was a miss and every later one a hit that served that first
    /// answer (the same run of the endpoint).
    /// </summary>
    public static void ShouldEachGetTheirOwnAnswerFromTheCache(
        this List<Observation> observations, Func<Requester, Dictionary<string, string>> contract, Func<Observation, bool> isHit)
    {
        observations.ShouldEachGetTheHeadersOfTheirOwnOrigin(contract);
        var report = string.Join(Environment.NewLine, observations.Select(o => o.Describe(o.XVarnish is not null)));
        var first = new Dictionary<Requester, Observation>();
        foreach (var observation in observations)
        {
            var who = observation.Who;
            if (first.TryGetValue(who, out var stored))
            {
                isHit(observation).Should().BeTrue($"{who} asked before: a cache hit{Environment.NewLine}{report}");
                observation.Body.Should().Be(stored.Body, $"a hit serves {who}'s stored answer{Environment.NewLine}{report}");
            }
            else
            {
                isHit(observation).Should().BeFalse($"{who}'s first request is a miss (an entry of its own){Environment.NewLine}{report}");
                observations.Where(o => o.Who != who && first.ContainsKey(o.Who)).Select(o => o.Body)
                    .Should().NotContain(observation.Body, $"{who} must not get another requester's entry{Environment.NewLine}{report}");
                first[who] = observation;
            }
        }
    }
}
