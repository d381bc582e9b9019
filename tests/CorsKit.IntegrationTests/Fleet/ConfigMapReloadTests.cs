using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace CorsKit.IntegrationTests.Fleet;

/// <summary>
/// Three real Kestrel processes (tests/CorsKit.FleetApp) read their policies from one directory
/// laid out as the kubelet mounts a ConfigMap, with <c>DOTNET_USE_POLLING_FILE_WATCHER=true</c>
/// (README, "Running a fleet"). The directory is swapped as the kubelet swaps it while every
/// instance is asked, back to back, for preflights and GETs; each answer must be one whole policy,
/// every instance must move to the new one within <see cref="ConvergenceBound"/> and never back,
/// and an invalid swap must be refused by every instance, logged, the last good policy kept.
/// The measured times go to the test output.
/// </summary>
[Collection(Fleet.Collection)]
public sealed class ConfigMapReloadTests(ITestOutputHelper output)
{
    /// <summary>
    /// What the test allows an instance to take. The polling watcher's timer ticks every 4 s, but
    /// a file's polling token also lets 4 s pass between two looks, so every other tick finds it
    /// too early: a change is seen within 8 s, and the JSON provider reloads 250 ms later. The
    /// rest is margin for a loaded CI machine.
    /// </summary>
    public static readonly TimeSpan ConvergenceBound = TimeSpan.FromSeconds(12);

    /// <summary>How long each instance keeps being asked once it changed, to see it never go back.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    /// <summary>How long the instances are asked before the swap, so that answers from before, during and after it are seen.</summary>
    private static readonly TimeSpan BeforeSwap = TimeSpan.FromMilliseconds(300);

    private const int Instances = 3;

    [Fact]
    public async Task Every_instance_serves_a_policy_swapped_in_as_the_kubelet_does_within_the_bound_and_every_answer_is_one_whole_policy()
    {
        using var configMap = new ConfigMapDirectory(FleetPolicies.Blue.Json);
        var clock = Stopwatch.StartNew();
        await using var fleet = await Fleet.StartAsync(Instances, configMap.Path, clock);
        using var client = Fleet.DirectClient();
        await ShouldAllServeAsync(fleet, client, FleetPolicies.Blue);

        await SwapAndMeasureAsync(fleet, client, configMap, clock, FleetPolicies.Blue, FleetPolicies.Green);
        await SwapAndMeasureAsync(fleet, client, configMap, clock, FleetPolicies.Green, FleetPolicies.Blue);
    }

    [Fact]
    public async Task Every_instance_refuses_an_invalid_swap_logs_it_and_keeps_the_last_good_policy_then_takes_the_next_valid_one()
    {
        using var configMap = new ConfigMapDirectory(FleetPolicies.Blue.Json);
        var clock = Stopwatch.StartNew();
        await using var fleet = await Fleet.StartAsync(Instances, configMap.Path, clock);
        using var client = Fleet.DirectClient();
        await ShouldAllServeAsync(fleet, client, FleetPolicies.Blue);

        var start = clock.Elapsed;
        var deadline = start + BeforeSwap + ConvergenceBound + Settle;
        var swappedAt = TimeSpan.MaxValue;
        var watching = fleet.Instances
            .Select(instance => Observation.WatchAsync(
                client, instance, clock, deadline,
                seen: _ => instance.LoggedAt(CorsKitEventIds.ReloadRefused, swappedAt) is not null,
                settled: _ => instance.LoggedAt(CorsKitEventIds.ReloadRefused, swappedAt) is { } refusedAt && clock.Elapsed > refusedAt + Settle))
            .ToList();
        await Task.Delay(BeforeSwap);
        swappedAt = clock.Elapsed;
        configMap.Swap(FleetPolicies.Invalid);
        var observed = await Task.WhenAll(watching);

        output.WriteLine($"== invalid swap at {Seconds(swappedAt)}");
        for (var i = 0; i < Instances; i++)
        {
            var instance = fleet.Instances[i];
            var refusedAt = instance.LoggedAt(CorsKitEventIds.ReloadRefused, swappedAt);
            var log = string.Join(Environment.NewLine, instance.LinesSince(swappedAt).Select(l => l.Line));
            output.WriteLine($"instance {instance.Name}: refusal (EventId 1001) logged {(refusedAt is { } at ? Seconds(at - swappedAt) : "never")} after the swap; "
                + $"{observed[i].Count} answers, all {string.Join(", ", observed[i].SelectMany(o => o.AnsweredBy(FleetPolicies.Blue, FleetPolicies.Green)).Distinct())}");
            output.WriteLine(log);

            refusedAt.Should().NotBeNull($"instance {instance.Name} must log the refused reload:{Environment.NewLine}{instance.Output}");
            (refusedAt!.Value - swappedAt).Should().BeLessThanOrEqualTo(ConvergenceBound);
            log.Should().Contain("CorsKit refused the reloaded configuration").And.Contain("Cors:Policies:web");
            instance.LoggedAt(CorsKitEventIds.PoliciesLoaded, swappedAt).Should().BeNull("no policies were loaded from the invalid file");
            observed[i].Should().NotBeEmpty()
                .And.OnlyContain(o => FleetPolicies.Blue.Answered(o.Answer, o.Preflight), "the last good policy stays in force on instance {0}", instance.Name);
        }

        // A refusal does not stop the watching: the next valid swap is taken as usual.
        await SwapAndMeasureAsync(fleet, client, configMap, clock, FleetPolicies.Blue, FleetPolicies.Green);
    }

    /// <summary>Every instance answers both kinds of request under <paramref name="policy"/>.</summary>
    private static async Task ShouldAllServeAsync(Fleet fleet, HttpClient client, PolicyVersion policy)
    {
        foreach (var instance in fleet.Instances)
        {
            foreach (var preflight in new[] { true, false })
            {
                var answer = await CorsAnswer.SendAsync(client, FleetPolicies.Request(instance.BaseAddress, preflight));
                policy.Answered(answer, preflight).Should().BeTrue($"instance {instance.Name} starts with policy {policy}, but answered {answer}");
            }
        }
    }

    /// <summary>
    /// Swaps the ConfigMap from <paramref name="from"/> to <paramref name="to"/> while every
    /// instance is being asked, and checks and reports what each one answered.
    /// </summary>
    private async Task SwapAndMeasureAsync(
        Fleet fleet, HttpClient client, ConfigMapDirectory configMap, Stopwatch clock, PolicyVersion from, PolicyVersion to)
    {
        // The watchers stop once the new policy has been seen for Settle; the deadline only ends the
        // watch of an instance that never converges, with room for a late swap (Task.Delay may
        // overrun on a busy machine).
        var deadline = clock.Elapsed + BeforeSwap + ConvergenceBound + Settle + TimeSpan.FromSeconds(5);
        var watching = fleet.Instances
            .Select(instance => Observation.WatchAsync(
                client, instance, clock, deadline,
                seen: answers => answers.Any(o => to.Answered(o.Answer, o.Preflight)),
                settled: answers => answers.FirstOrDefault(o => to.Answered(o.Answer, o.Preflight)) is { } first && clock.Elapsed > first.Received + Settle))
            .ToList();
        await Task.Delay(BeforeSwap);
        var swappedAt = clock.Elapsed;
        configMap.Swap(to.Json);
        var observed = await Task.WhenAll(watching);

        output.WriteLine($"== swap {from} -> {to} at {Seconds(swappedAt)} (bound {Seconds(ConvergenceBound)})");
        for (var i = 0; i < fleet.Instances.Count; i++)
        {
            var instance = fleet.Instances[i];
            var observations = observed[i];
            var first = observations.FindIndex(o => to.Answered(o.Answer, o.Preflight));
            var loadedAt = instance.LoggedAt(CorsKitEventIds.PoliciesLoaded, swappedAt);
            output.WriteLine($"instance {instance.Name}: {to} served {(first >= 0 ? Seconds(observations[first].Received - swappedAt) : "never")} after the swap "
                + $"(policies loaded, EventId 1000, logged {(loadedAt is { } at ? Seconds(at - swappedAt) : "never")} after it); "
                + $"{observations.Count} answers: {first} {from} then {observations.Count - Math.Max(first, 0)} {to}");

            observations.Should().OnlyContain(
                o => o.AnsweredBy(from, to).Count == 1,
                "every answer of instance {0} is one whole policy, {1} or {2}; got:{3}{4}",
                instance.Name, from, to, Environment.NewLine, string.Join(Environment.NewLine, observations.Where(o => o.AnsweredBy(from, to).Count != 1)));
            first.Should().BeGreaterThan(0, $"instance {instance.Name} answers {from} before the swap and {to} within {ConvergenceBound} after it:{Environment.NewLine}{instance.Output}");
            observations.Take(first).Should().OnlyContain(o => from.Answered(o.Answer, o.Preflight));
            observations.Skip(first).Should().OnlyContain(
                o => to.Answered(o.Answer, o.Preflight), "instance {0} never goes back to {1} once it served {2}", instance.Name, from, to);
            (observations[first].Received - swappedAt).Should().BeLessThanOrEqualTo(ConvergenceBound);
            observations[^1].Received.Should().BeGreaterThan(observations[first].Received + Settle - TimeSpan.FromMilliseconds(100));
        }
    }

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) + " s";
}
