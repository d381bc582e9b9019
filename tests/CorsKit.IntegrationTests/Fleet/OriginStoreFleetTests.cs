using System.Globalization;
using System.Net;
using Xunit.Abstractions;

namespace CorsKit.IntegrationTests.Fleet;

/// <summary>
/// Origins that live in a database, across a fleet: three real tests/CorsKit.FleetApp processes
/// share one real PostgreSQL (<see cref="OriginStoreFleet"/>), each with CorsKit's origin store
/// over the tenants table, keyed by the tenant's custom domain. A tenant's origin is added and
/// removed through one instance's admin endpoint, as an app's admin page would, and every instance
/// is asked until it answers the new list; the measured times go to the test output (and to
/// docs/origin-store.md). Traffic: 127.0.0.1 only, each poll 10 ms apart, each wait bounded.
/// </summary>
[Collection(Fleet.Collection)]
public sealed class OriginStoreFleetTests(ITestOutputHelper output)
{
    private const string Tenant = "shop.tenants.test";
    private const string Origin = "https://shop.example";

    /// <summary>How long an instance is given to answer a change before the test fails: a limit on the wait, not the measured bound.</summary>
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(20);

    [PostgresFact]
    public async Task An_origin_added_or_removed_through_one_instance_is_in_force_on_all_three_by_LISTEN_NOTIFY()
    {
        // RefreshSeconds 600: within the test, only a notification can carry a change to the other instances.
        await using var setup = await OriginStoreFleet.StartAsync(3, OriginStoreFleet.Policy(refreshSeconds: 600, staleSeconds: 0));
        using var client = Fleet.DirectClient();
        await AllListeningAsync(setup);
        foreach (var instance in setup.Instances.Instances)
        {
            (await OriginStoreFleet.IsReadableAsync(client, instance, Tenant, Origin)).Should().BeFalse("the tenant has no origin yet, and every instance now holds that for 600 s");
        }

        var added = new List<TimeSpan>();
        var removed = new List<TimeSpan>();
        var since = setup.Clock.Elapsed;
        for (var round = 0; round < 5; round++)
        {
            added.AddRange(await ChangeAndMeasureAsync(setup, client, setup.Instances.Instances[round % 3], add: true));
            removed.AddRange(await ChangeAndMeasureAsync(setup, client, setup.Instances.Instances[(round + 1) % 3], add: false));
        }

        output.WriteLine($"LISTEN/NOTIFY, 3 instances, 5 rounds; from the admin request to each other instance's first answer under the new list:");
        output.WriteLine($"  added:   {OriginStoreFleet.Summary(added)}");
        output.WriteLine($"  removed: {OriginStoreFleet.Summary(removed)}");

        foreach (var instance in setup.Instances.Instances)
        {
            instance.LoggedAt(1011, since).Should().NotBeNull($"every observed change of the tenant's list is audited on {instance.Name}:{Environment.NewLine}{instance.Output}");
            (await OriginStoreFleet.FormPostAsync(client, instance, Tenant, Origin)).Should().Be(HttpStatusCode.Forbidden,
                "the guard judges a cross-origin write against the same list, and the origin was removed");
        }
    }

    [PostgresFact]
    public async Task Without_notifications_a_change_is_in_force_on_every_instance_within_RefreshSeconds()
    {
        const int refreshSeconds = 3;
        await using var setup = await OriginStoreFleet.StartAsync(3, OriginStoreFleet.Policy(refreshSeconds, staleSeconds: 0), listen: false);
        using var client = Fleet.DirectClient();
        foreach (var instance in setup.Instances.Instances)
        {
            (await OriginStoreFleet.IsReadableAsync(client, instance, Tenant, Origin)).Should().BeFalse();
        }

        var times = new List<TimeSpan>();
        for (var round = 0; round < 3; round++)
        {
            times.AddRange(await ChangeAndMeasureAsync(setup, client, setup.Instances.Instances[round % 3], add: true));
            times.AddRange(await ChangeAndMeasureAsync(setup, client, setup.Instances.Instances[round % 3], add: false));
        }

        output.WriteLine($"Expiry alone (RefreshSeconds {refreshSeconds}), 3 instances, 3 rounds of add and remove: {OriginStoreFleet.Summary(times)}");

        // The documented bound is RefreshSeconds after the instance last fetched the list; the
        // margin covers the query and a loaded machine's scheduling. Convergence cannot be faster
        // than "the next fetch" by construction, and a missing expiry would show as WaitLimit.
        times.Should().OnlyContain(t => t <= TimeSpan.FromSeconds(refreshSeconds + 3), "expiry alone brings a change within RefreshSeconds");
    }

    [PostgresFact]
    public async Task When_the_database_stops_every_instance_fails_closed_for_CORS_and_the_guard_and_logs_it()
    {
        await using var setup = await OriginStoreFleet.StartAsync(2, OriginStoreFleet.Policy(refreshSeconds: 1, staleSeconds: 0));
        using var client = Fleet.DirectClient();
        await AllListeningAsync(setup);
        await OriginStoreFleet.ChangeAsync(client, setup.Instances.Instances[0], Tenant, Origin, add: true);
        foreach (var instance in setup.Instances.Instances)
        {
            await WaitUntilAsync(setup, instance, readable: true);
            (await OriginStoreFleet.FormPostAsync(client, instance, Tenant, Origin)).Should().Be(HttpStatusCode.OK, "an allowed origin's write runs");
        }

        var stoppedAt = setup.Clock.Elapsed;
        await setup.Database.StopAsync();

        foreach (var instance in setup.Instances.Instances)
        {
            // StaleSeconds 0: once the list expires (1 s) the failing query denies.
            await WaitUntilAsync(setup, instance, readable: false);
            (await OriginStoreFleet.FormPostAsync(client, instance, Tenant, Origin)).Should().Be(HttpStatusCode.Forbidden, "the guard fails closed with CORS");
            (await OriginStoreFleet.IsReadableAsync(client, instance, "other.tenants.test", "https://other.example")).Should().BeFalse("a key never fetched is denied");
            (await OriginStoreFleet.FormPostAsync(client, instance, "other.tenants.test", "https://other.example")).Should().Be(HttpStatusCode.Forbidden);
            (await instance.WaitForLogAsync(1018, stoppedAt, TimeSpan.FromSeconds(5))).Should().NotBeNull($"the failing store is logged (1018) on {instance.Name}:{Environment.NewLine}{instance.Output}");
        }
    }

    [PostgresFact]
    public async Task A_flood_of_random_tenant_keys_keeps_queries_and_memory_bounded_and_the_known_tenant_answered()
    {
        // A short refresh, so the known tenant's list expires during the flood and must be asked
        // again while the flood holds the queries in flight; StaleSeconds lets the last good list serve meanwhile.
        const int maxKeys = 1_000, maxQueriesInFlight = 4, workers = 16, perPhase = 15_000;
        await using var setup = await OriginStoreFleet.StartAsync(1, OriginStoreFleet.Policy(refreshSeconds: 2, staleSeconds: 300, maxKeys, maxQueriesInFlight));
        using var client = Fleet.DirectClient();
        var instance = setup.Instances.Instances[0];
        await OriginStoreFleet.ChangeAsync(client, instance, Tenant, Origin, add: true);
        (await OriginStoreFleet.IsReadableAsync(client, instance, Tenant, Origin)).Should().BeTrue();

        var before = await OriginStoreFleet.StatsAsync(client, instance, collect: true);
        var phases = new List<(double Seconds, long Queries, OriginStoreFleet.Stats After, int KnownAsked, int KnownReadable)>();
        var last = before;
        for (var phase = 0; phase < 2; phase++)
        {
            var (seconds, knownAsked, knownReadable) = await FloodAsync(client, instance, workers, perPhase);
            var after = await OriginStoreFleet.StatsAsync(client, instance, collect: true);
            phases.Add((seconds, after.Queries - last.Queries, after, knownAsked, knownReadable));
            last = after;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Flood: {workers} clients, random Host per request, MaxKeys {maxKeys}, MaxQueriesInFlight {maxQueriesInFlight}; before: managed {before.ManagedBytes / 1048576.0:F1} MiB, working set {before.WorkingSetBytes / 1048576.0:F1} MiB"));
        foreach (var (p, i) in phases.Select((p, i) => (p, i + 1)))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  phase {i}: {perPhase} requests in {p.Seconds:F1} s ({perPhase / p.Seconds:F0}/s), {p.Queries} queries ({p.Queries / p.Seconds:F0}/s), most at once {p.After.MaxInFlight}, keys held {p.After.HeldKeys}, managed {p.After.ManagedBytes / 1048576.0:F1} MiB, working set {p.After.WorkingSetBytes / 1048576.0:F1} MiB, known tenant readable {p.KnownReadable}/{p.KnownAsked}"));
        }

        last.MaxInFlight.Should().BeLessThanOrEqualTo(maxQueriesInFlight, "no more queries run at once than MaxQueriesInFlight");
        phases.Should().OnlyContain(p => p.KnownReadable == p.KnownAsked, "the known tenant keeps being answered through the flood");

        phases.Should().OnlyContain(p => p.After.HeldKeys > 0 && p.After.HeldKeys <= maxKeys, "CorsKit holds at most MaxKeys keys (its gauge)");
    }

    /// <summary>
    /// Changes the tenant's origin through <paramref name="writer"/>, checks the writer answers the
    /// new list at once (it invalidated before answering), then asks every other instance until it
    /// answers the new list; returns their times from the start of the admin request.
    /// </summary>
    private static async Task<TimeSpan[]> ChangeAndMeasureAsync(OriginStoreFleet setup, HttpClient client, FleetInstance writer, bool add)
    {
        var start = setup.Clock.Elapsed;
        await OriginStoreFleet.ChangeAsync(client, writer, Tenant, Origin, add);
        (await OriginStoreFleet.IsReadableAsync(client, writer, Tenant, Origin)).Should().Be(add, $"{writer.Name} invalidated its own list when it made the change");
        return await Task.WhenAll(setup.Instances.Instances.Where(i => i != writer).Select(async instance =>
            await WaitUntilAsync(setup, instance, add) - start));
    }

    /// <summary>Asks <paramref name="instance"/> every 10 ms until the tenant's origin is readable (or not); returns when, on the fleet's clock.</summary>
    private static async Task<TimeSpan> WaitUntilAsync(OriginStoreFleet setup, FleetInstance instance, bool readable)
    {
        using var client = Fleet.DirectClient();
        var deadline = setup.Clock.Elapsed + WaitLimit;
        while (setup.Clock.Elapsed < deadline)
        {
            if (await OriginStoreFleet.IsReadableAsync(client, instance, Tenant, Origin) == readable)
            {
                return setup.Clock.Elapsed;
            }

            await Task.Delay(10);
        }

        throw new Xunit.Sdk.XunitException($"{instance.Name} did not answer readable={readable} within {WaitLimit}:{Environment.NewLine}{instance.Output}{Environment.NewLine}{setup.Database.Output}");
    }

    /// <summary>Waits until every instance's listener has said it listens (EventId 9001), so no notification is sent before it.</summary>
    private static async Task AllListeningAsync(OriginStoreFleet setup)
    {
        foreach (var instance in setup.Instances.Instances)
        {
            (await instance.WaitForLogAsync(9001, TimeSpan.Zero, WaitLimit)).Should().NotBeNull($"{instance.Name} listens:{Environment.NewLine}{instance.Output}");
        }
    }

    /// <summary>
    /// <paramref name="total"/> GETs from <paramref name="workers"/> clients, each for a host never
    /// seen (a random key) from an attacker's origin, and every 25th request of each client one for
    /// the known tenant from its origin; returns the time taken and how often the known tenant was asked and readable.
    /// </summary>
    private static async Task<(double Seconds, int KnownAsked, int KnownReadable)> FloodAsync(HttpClient client, FleetInstance instance, int workers, int total)
    {
        var knownAsked = 0;
        var knownReadable = 0;
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            for (var i = 0; i < total / workers; i++)
            {
                if (i % 25 == 0)
                {
                    Interlocked.Increment(ref knownAsked);
                    if (await OriginStoreFleet.IsReadableAsync(client, instance, Tenant, Origin))
                    {
                        Interlocked.Increment(ref knownReadable);
                    }
                }

                await OriginStoreFleet.IsReadableAsync(client, instance, $"t{Guid.NewGuid():N}.flood.test", "https://evil.example");
            }
        }));
        return (started.Elapsed.TotalSeconds, knownAsked, knownReadable);
    }
}
