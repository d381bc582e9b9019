using System.Diagnostics;

namespace CorsKit.IntegrationTests.Fleet;

/// <summary>One request sent to one instance while its configuration changed: when it left and came back, and the answer.</summary>
internal sealed record Observation(TimeSpan Sent, TimeSpan Received, bool Preflight, CorsAnswer Answer)
{
    /// <summary>The policies among <paramref name="candidates"/> whose whole answer this is.</summary>
    public IReadOnlyList<PolicyVersion> AnsweredBy(params PolicyVersion[] candidates) =>
        candidates.Where(p => p.Answered(Answer, Preflight)).ToList();

    public override string ToString() =>
        $"{Sent.TotalSeconds:F3}s {(Preflight ? "preflight" : "GET")} -> {Answer}";

    /// <summary>
    /// Sends requests to <paramref name="instance"/> back to back, preflights and GETs in turn,
    /// until <paramref name="settled"/> says what was awaited has been seen long enough, or
    /// <paramref name="deadline"/> (on <paramref name="clock"/>) has passed without
    /// <paramref name="seen"/> saying it came: once it came, the watch lasts until it settled,
    /// however late it came on a busy machine.
    /// </summary>
    public static async Task<List<Observation>> WatchAsync(
        HttpClient client, FleetInstance instance, Stopwatch clock, TimeSpan deadline,
        Func<IReadOnlyList<Observation>, bool> seen, Func<IReadOnlyList<Observation>, bool> settled)
    {
        var observations = new List<Observation>();
        var preflight = true;
        while (!settled(observations) && (clock.Elapsed < deadline || seen(observations)))
        {
            var sent = clock.Elapsed;
            var answer = await CorsAnswer.SendAsync(client, FleetPolicies.Request(instance.BaseAddress, preflight));
            observations.Add(new Observation(sent, clock.Elapsed, preflight, answer));
            preflight = !preflight;
            await Task.Delay(20);
        }

        return observations;
    }
}
