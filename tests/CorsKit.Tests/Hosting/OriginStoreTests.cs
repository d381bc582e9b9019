using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using CorsKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.Tests.Hosting;

/// <summary>
/// Origins from the application's store, per key the request carries: validated like
/// configuration, one query per key at a time, bounded in keys and queries, failing closed, expiring
/// and invalidated, every change audited. The store here is in memory; the database ones are in
/// the integration tests (SQLite in the sample, a PostgreSQL fleet).
/// </summary>
public sealed class OriginStoreTests
{
    private const string TenantA = "a.saas.example";
    private const string TenantB = "b.saas.example";
    private const string AppA = "https://app.tenant-a.example";
    private const string AppB = "https://app.tenant-b.example";
    private const string Admin = "https://admin.saas.example";

    [Fact]
    public async Task A_tenants_origin_is_allowed_on_its_own_host_only_and_the_guard_uses_the_same_list()
    {
        await using var app = await StoreApp.StartAsync();
        app.Store.Set(TenantA, AppA);
        app.Store.Set(TenantB, AppB);

        var own = await app.SendAsync(HttpMethod.Get, TenantA, AppA);
        var other = await app.SendAsync(HttpMethod.Get, TenantA, AppB);
        var configured = await app.SendAsync(HttpMethod.Get, TenantB, Admin);
        var ownWrite = await app.SendAsync(HttpMethod.Put, TenantA, AppA, ("Sec-Fetch-Site", "cross-site"));
        var forgedWrite = await app.SendAsync(HttpMethod.Put, TenantA, AppB, ("Sec-Fetch-Site", "cross-site"));

        AccessControlHeaders(own).Should().Contain("Access-Control-Allow-Origin", AppA).And.Contain("Access-Control-Allow-Credentials", "true");
        VaryTokens(own).Should().Equal("Origin");
        AccessControlHeaders(other).Should().BeEmpty("the request named tenant A's host: only A's list is checked");
        VaryTokens(other).Should().Equal("Origin");
        AccessControlHeaders(configured).Should().Contain("Access-Control-Allow-Origin", Admin, "configured origins join every key's list");
        ownWrite.StatusCode.Should().Be(HttpStatusCode.OK);
        forgedWrite.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        app.Hits.Should().Be(4, "every request ran but the forged write");
        app.Store.Asked.Should().BeEquivalentTo([TenantA, TenantB], "one query per key: later requests use the compiled list");
    }

    [Fact]
    public async Task A_key_is_read_from_a_route_value_when_configured_so()
    {
        await using var app = await StoreApp.StartAsync(key: "Route:tenant");
        app.Store.Set("acme", AppA);

        var own = await app.SendAsync(HttpMethod.Get, TenantB, AppA, path: "/t/acme/orders");
        var other = await app.SendAsync(HttpMethod.Get, TenantB, AppA, path: "/t/globex/orders");

        AccessControlHeaders(own).Should().Contain("Access-Control-Allow-Origin", AppA);
        AccessControlHeaders(other).Should().BeEmpty();
        app.Store.Asked.Should().BeEquivalentTo(["acme", "globex"]);
    }

    [Fact]
    public async Task A_host_key_reaches_the_store_lowercased_without_its_port_and_is_one_key_whatever_its_case()
    {
        await using var app = await StoreApp.StartAsync();
        app.Store.Set(TenantA, AppA);

        var upper = await app.SendAsync(HttpMethod.Get, "A.SaaS.Example:8443", AppA);
        var lower = await app.SendAsync(HttpMethod.Get, TenantA, AppA);

        AccessControlHeaders(upper).Should().Contain("Access-Control-Allow-Origin", AppA);
        AccessControlHeaders(lower).Should().Contain("Access-Control-Allow-Origin", AppA);
        app.Store.Asked.Should().Equal(TenantA);
    }

    /// <summary>
    /// The store's entries meet configuration's rules: a trailing slash, <c>null</c>, <c>*</c>, a
    /// pattern directly under a public suffix and plain http next to credentials are refused and
    /// logged with the key and the reason, never matched; the key's valid entries still work.
    /// </summary>
    [Fact]
    public async Task Invalid_entries_from_the_store_are_refused_and_logged_and_the_valid_ones_still_work()
    {
        await using var app = await StoreApp.StartAsync();
        string[] invalid = ["https://slash.example/", "null", "*", "https://*.co.uk", "http://plain.example", "HTTPS://UPPER.example"];
        app.Store.Set(TenantA, [AppA, "https://*.portal.example", .. invalid]);

        var valid = await app.SendAsync(HttpMethod.Get, TenantA, AppA);
        var pattern = await app.SendAsync(HttpMethod.Get, TenantA, "https://eu.portal.example");
        var refused = new List<HttpResponseMessage>();
        foreach (var origin in new[] { "https://slash.example", "null", "https://evil.example", "https://anything.co.uk", "http://plain.example", "https://upper.example" })
        {
            refused.Add(await app.SendAsync(HttpMethod.Get, TenantA, origin));
        }

        AccessControlHeaders(valid).Should().Contain("Access-Control-Allow-Origin", AppA);
        AccessControlHeaders(pattern).Should().Contain("Access-Control-Allow-Origin", "https://eu.portal.example");
        refused.Should().AllSatisfy(r => AccessControlHeaders(r).Should().BeEmpty());
        var logged = app.Logs.GetSnapshot().Where(r => r.Id.Id == CorsKitEventIds.StoreOriginRefused).Select(r => r.Message).ToList();
        logged.Should().HaveCount(invalid.Length).And.AllSatisfy(m => m.Should().Contain($"key '{TenantA}'").And.Contain("policy 'tenants'"));
        logged.Should().Contain(m => m.Contains("'*' is refused from an origin store", StringComparison.Ordinal));
        logged.Should().Contain(m => m.Contains("https://slash.example/", StringComparison.Ordinal));
        logged.Should().Contain(m => m.Contains("https://*.co.uk", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Requests_waiting_for_one_key_share_one_query()
    {
        await using var app = await StoreApp.StartAsync();
        app.Store.Set(TenantA, AppA);
        var gate = app.Store.Hold();

        var waiting = Enumerable.Range(0, 40).Select(_ => app.SendAsync(HttpMethod.Get, TenantA, AppA)).ToList();
        await app.Store.QueriedAsync(1);
        gate.SetResult();
        var responses = await Task.WhenAll(waiting);

        app.Store.Asked.Should().Equal(TenantA);
        responses.Should().AllSatisfy(r => AccessControlHeaders(r).Should().Contain("Access-Control-Allow-Origin", AppA));
    }

    /// <summary>
    /// The attack: random keys, each of which would be a database query and a cache entry. Each
    /// unknown key is asked once and remembered; never more than MaxKeys keys are held; room is made
    /// from unknown keys first, so a known tenant is still answered without a new query.
    /// </summary>
    [Fact]
    public async Task Random_keys_cost_one_query_each_never_grow_past_MaxKeys_and_do_not_evict_known_tenants()
    {
        await using var app = await StoreApp.StartAsync(maxKeys: 50);
        app.Store.Set(TenantA, AppA);
        await app.SendAsync(HttpMethod.Get, TenantA, AppA);

        for (var i = 0; i < 500; i++)
        {
            await app.SendAsync(HttpMethod.Get, $"k{i}.flood.example", AppA);
        }

        var queriesAfterFlood = app.Store.Asked.Count;
        await app.SendAsync(HttpMethod.Get, "k499.flood.example", AppA);
        var known = await app.SendAsync(HttpMethod.Get, TenantA, AppA);

        queriesAfterFlood.Should().Be(501);
        app.HeldKeys().Should().BeInRange(40, 50, "the cache is full, and eviction makes room a tenth of the bound at a time");
        app.Store.Asked.Should().HaveCount(501, "the last unknown key is remembered, and the known tenant was kept");
        AccessControlHeaders(known).Should().Contain("Access-Control-Allow-Origin", AppA);
    }

    /// <summary>
    /// A known tenant whose RefreshSeconds passed (no request for a minute) is the common case, not
    /// the exception (the fleet's flood against PostgreSQL refused such a tenant 2 times in 608). A flood of random keys filling MaxKeys must not evict its list before the
    /// flood's own: the list is its stale fallback while the store fails, and the baseline its next
    /// change, an invalidated one too, is audited against.
    /// </summary>
    [Fact]
    public async Task A_flood_of_random_keys_does_not_evict_a_known_tenants_expired_list_before_its_own_keys()
    {
        await using var app = await StoreApp.StartAsync(maxKeys: 50);
        app.Store.Set(TenantA, AppA);
        app.Store.Set(TenantB, AppB);
        await app.SendAsync(HttpMethod.Get, TenantA, AppA);
        await app.SendAsync(HttpMethod.Get, TenantB, AppB);
        app.Store.Set(TenantB, AppB, AppA);
        app.Services.GetRequiredService<IStrictCorsOriginCache>().Invalidate("tenants", TenantB);
        app.Clock.Advance(TimeSpan.FromSeconds(61));

        for (var i = 0; i < 60; i++)
        {
            await app.SendAsync(HttpMethod.Get, $"k{i}.flood.example", AppA);
        }

        app.Store.Failure = new InvalidOperationException("database down");
        var stale = await app.SendAsync(HttpMethod.Get, TenantA, AppA);
        app.Store.Failure = null;
        await app.SendAsync(HttpMethod.Get, TenantB, AppA);

        app.HeldKeys().Should().BeLessThanOrEqualTo(50);
        AccessControlHeaders(stale).Should().Contain("Access-Control-Allow-Origin", AppA, "the known list, fetched 61 s ago, is within StaleSeconds");
        app.Logs.GetSnapshot().Should().ContainSingle(r => r.Id.Id == CorsKitEventIds.AccessChanged && r.Message.Contains("origin store", StringComparison.Ordinal))
            .Which.Message.Should().Contain($"for key '{TenantB}'").And.Contain($"added '{AppA}'");
    }

    [Fact]
    public async Task Beyond_MaxQueriesInFlight_a_key_is_denied_at_once_and_asked_again_once_a_query_finishes()
    {
        await using var app = await StoreApp.StartAsync(maxQueriesInFlight: 2);
        app.Store.Set("k3.example", AppA);
        var gate = app.Store.Hold();
        var first = app.SendAsync(HttpMethod.Get, "k1.example", AppA);
        var second = app.SendAsync(HttpMethod.Get, "k2.example", AppA);
        await app.Store.QueriedAsync(2);

        var third = await app.SendAsync(HttpMethod.Get, "k3.example", AppA, ("Sec-Fetch-Site", "cross-site"));
        var thirdWrite = await app.SendAsync(HttpMethod.Put, "k3.example", AppA, ("Sec-Fetch-Site", "cross-site"));
        gate.SetResult();
        await Task.WhenAll(first, second);
        var afterwards = await app.SendAsync(HttpMethod.Get, "k3.example", AppA);

        AccessControlHeaders(third).Should().BeEmpty("no third query runs: the key is denied, not queued");
        thirdWrite.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        app.QueryResults.Should().Contain("over_limit");
        AccessControlHeaders(afterwards).Should().Contain("Access-Control-Allow-Origin", AppA);
        app.Store.Asked.Should().BeEquivalentTo(["k1.example", "k2.example", "k3.example"]);
    }

    /// <summary>
    /// A flood of new keys on a slow database fills the queries in flight. A known tenant whose list
    /// must be refreshed (StaleSeconds 0 here: no stale list to fall back on) still gets a query: a
    /// quarter of the slots is kept for keys held with a list, which no random key can name.
    /// </summary>
    [Fact]
    public async Task A_flood_of_new_keys_cannot_take_the_slots_a_known_tenant_refreshes_with()
    {
        var json = StoreApp.Json(maxQueriesInFlight: 4).Replace("\"StaleSeconds\": 300", "\"StaleSeconds\": 0", StringComparison.Ordinal);
        await using var app = await StoreApp.StartAsync(json: json);
        app.Store.Set(TenantA, AppA);
        await app.SendAsync(HttpMethod.Get, TenantA, AppA);
        app.Clock.Advance(TimeSpan.FromSeconds(61));
        app.Store.HoldsOnly = key => key.EndsWith(".flood.example", StringComparison.Ordinal);
        var gate = app.Store.Hold();

        var flood = Enumerable.Range(0, 10).Select(i => app.SendAsync(HttpMethod.Get, $"k{i}.flood.example", AppA)).ToList();
        await app.Store.QueriedAsync(4);
        await Task.Delay(200);
        var refreshed = await app.SendAsync(HttpMethod.Get, TenantA, AppA);
        var floodQueries = app.Store.Asked.Count(k => k.EndsWith(".flood.example", StringComparison.Ordinal));
        gate.SetResult();
        await Task.WhenAll(flood);

        AccessControlHeaders(refreshed).Should().Contain("Access-Control-Allow-Origin", AppA, "the known tenant's refresh gets the slot kept for it");
        floodQueries.Should().Be(3, "new keys may take 3 of the 4 slots");
    }

    [Fact]
    public async Task A_store_that_throws_denies_and_blocks_for_the_key_logs_once_and_counts_it()
    {
        await using var app = await StoreApp.StartAsync(environment: "Development");
        app.Store.Set(TenantA, AppA);
        app.Store.Failure = new InvalidOperationException("connection refused");

        var read = await app.SendAsync(HttpMethod.Get, TenantA, AppA);
        var write = await app.SendAsync(HttpMethod.Put, TenantA, AppA, ("Sec-Fetch-Site", "cross-site"));
        var configured = await app.SendAsync(HttpMethod.Get, TenantA, Admin);

        AccessControlHeaders(read).Should().BeEmpty();
        write.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await write.Content.ReadAsStringAsync()).Should().Contain("origin_store_unavailable");
        AccessControlHeaders(configured).Should().Contain("Access-Control-Allow-Origin", Admin, "the configured origins do not depend on the store");
        app.Hits.Should().Be(2);
        app.Logs.GetSnapshot().Where(r => r.Id.Id == CorsKitEventIds.OriginStoreFailed).Should().ContainSingle()
            .Which.Message.Should().Contain($"failed for key '{TenantA}' of policy 'tenants'").And.Contain("serving the key's last good list: False");
        app.QueryResults.Should().Equal("failed");
    }

    /// <summary>
    /// A key whose first query failed has no list CorsKit saw: its first answer is not a change.
    /// Audited as "widened", every tenant first named during a database outage would raise an
    /// access-widened event (1011) once the database is back, burying the real ones.
    /// </summary>
    [Fact]
    public async Task A_keys_first_answer_after_a_failed_first_query_is_not_audited_as_a_change()
    {
        await using var app = await StoreApp.StartAsync();
        app.Store.Set(TenantA, AppA);
        app.Store.Failure = new InvalidOperationException("database down");
        var failed = await app.SendAsync(HttpMethod.Get, TenantA, AppA);
        app.Store.Failure = null;
        app.Clock.Advance(TimeSpan.FromSeconds(6));
        var answered = await app.SendAsync(HttpMethod.Get, TenantA, AppA);
        app.Store.Set(TenantA, AppB);
        app.Services.GetRequiredService<IStrictCorsOriginCache>().Invalidate("tenants", TenantA);
        await app.SendAsync(HttpMethod.Get, TenantA, AppB);

        AccessControlHeaders(failed).Should().BeEmpty();
        AccessControlHeaders(answered).Should().Contain("Access-Control-Allow-Origin", AppA);
        app.Logs.GetSnapshot().Where(r => r.Id.Id == CorsKitEventIds.AccessChanged && r.Message.Contains("origin store", StringComparison.Ordinal))
            .Should().ContainSingle("only the real change is audited").Which.Message.Should().Contain($"added '{AppB}'").And.Contain($"removed '{AppA}'");
    }

    [Fact]
    public async Task The_health_check_is_degraded_while_the_store_fails_and_healthy_once_it_answers()
    {
        await using var app = await StoreApp.StartAsync(health: true);
        app.Store.Set(TenantA, AppA);
        app.Store.Failure = new InvalidOperationException("database down");

        await app.SendAsync(HttpMethod.Get, TenantA, AppA);
        var failing = await app.HealthAsync();
        app.Store.Failure = null;
        app.Clock.Advance(TimeSpan.FromSeconds(6));
        var answered = await app.SendAsync(HttpMethod.Get, TenantA, AppA);
        var recovered = await app.HealthAsync();

        failing.Status.Should().Be(HealthStatus.Degraded);
        failing.Description.Should().Contain("the origin store is failing for policy 'tenants'");
        ((IReadOnlyDictionary<string, DateTimeOffset>)failing.Data["origin_store_failing_since"]).Keys.Should().Equal("tenants");
        AccessControlHeaders(answered).Should().Contain("Access-Control-Allow-Origin", AppA, "a failure's answer stands 5 s, then the store is asked again");
        recovered.Status.Should().Be(HealthStatus.Healthy);
    }

    [Fact]
    public async Task A_store_slower_than_the_timeout_fails_closed()
    {
        await using var app = await StoreApp.StartAsync();
        app.Store.Set(TenantA, AppA);
        app.Store.Hold();

        var pending = app.SendAsync(HttpMethod.Get, TenantA, AppA);
        await app.Store.QueriedAsync(1);
        app.Clock.Advance(TimeSpan.FromMilliseconds(2001));
        var response = await pending;

        AccessControlHeaders(response).Should().BeEmpty();
        app.QueryResults.Should().Equal("timed_out");
        app.Store.Cancelled.Should().BeTrue("the store's query is cancelled when it times out");
        app.Logs.GetSnapshot().Should().Contain(r => r.Id.Id == CorsKitEventIds.OriginStoreFailed && r.Message.Contains("timed out", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_store_that_ignores_its_cancellation_still_fails_closed_at_the_timeout()
    {
        await using var app = await StoreApp.StartAsync();
        app.Store.Set(TenantA, AppA);
        app.Store.Hold();
        app.Store.IgnoresCancellation = true;

        var pending = app.SendAsync(HttpMethod.Get, TenantA, AppA);
        await app.Store.QueriedAsync(1);
        app.Clock.Advance(TimeSpan.FromMilliseconds(2001));
        var response = await pending;

        AccessControlHeaders(response).Should().BeEmpty();
        app.QueryResults.Should().Equal("timed_out");
    }

    [Fact]
    public async Task A_failing_store_serves_the_last_good_list_for_StaleSeconds_and_denies_after()
    {
        await using var app = await StoreApp.StartAsync();
        app.Store.Set(TenantA, AppA);
        await app.SendAsync(HttpMethod.Get, TenantA, AppA);
        app.Store.Failure = new InvalidOperationException("database down");

        app.Clock.Advance(TimeSpan.FromSeconds(61));
        var stale = await app.SendAsync(HttpMethod.Get, TenantA, AppA);
        app.Clock.Advance(TimeSpan.FromSeconds(240));
        var tooOld = await app.SendAsync(HttpMethod.Get, TenantA, AppA);

        AccessControlHeaders(stale).Should().Contain("Access-Control-Allow-Origin", AppA, "61 s after it was fetched, within StaleSeconds (300)");
        AccessControlHeaders(tooOld).Should().BeEmpty("301 s after it was fetched the list may no longer serve");
        app.Logs.GetSnapshot().Where(r => r.Id.Id == CorsKitEventIds.OriginStoreFailed).Select(r => r.Message)
            .Should().Contain(m => m.Contains("serving the key's last good list: True", StringComparison.Ordinal))
            .And.Contain(m => m.Contains("serving the key's last good list: False", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_change_takes_effect_after_RefreshSeconds_and_is_audited_as_widened_and_narrowed()
    {
        await using var app = await StoreApp.StartAsync();
        app.Store.Set(TenantA, AppA);
        await app.SendAsync(HttpMethod.Get, TenantA, AppA);
        app.Store.Set(TenantA, AppB);

        var before = await app.SendAsync(HttpMethod.Get, TenantA, AppB);
        app.Clock.Advance(TimeSpan.FromSeconds(60));
        var added = await app.SendAsync(HttpMethod.Get, TenantA, AppB);
        var removed = await app.SendAsync(HttpMethod.Get, TenantA, AppA);

        AccessControlHeaders(before).Should().BeEmpty("within RefreshSeconds the list fetched stands");
        AccessControlHeaders(added).Should().Contain("Access-Control-Allow-Origin", AppB);
        AccessControlHeaders(removed).Should().BeEmpty();
        app.Logs.GetSnapshot().Where(r => r.Id.Id == CorsKitEventIds.AccessChanged && r.Message.Contains("origin store", StringComparison.Ordinal))
            .Should().ContainSingle().Which.Message.Should()
            .Contain($"CorsKit access widened by the origin store, for key '{TenantA}' of policy 'tenants' (1 change(s) widened it, 1 narrowed it).")
            .And.Contain($"widened: Policies:tenants:OriginStore[{TenantA}]: added '{AppB}'.")
            .And.Contain($"narrowed: Policies:tenants:OriginStore[{TenantA}]: removed '{AppA}'.");
    }

    [Fact]
    public async Task Invalidate_applies_a_removal_at_once_audits_it_and_never_serves_the_old_list_stale()
    {
        await using var app = await StoreApp.StartAsync();
        app.Store.Set(TenantA, AppA, AppB);
        await app.SendAsync(HttpMethod.Get, TenantA, AppA);
        app.Store.Set(TenantA, AppA);

        app.Services.GetRequiredService<IStrictCorsOriginCache>().Invalidate("tenants", TenantA);
        var removed = await app.SendAsync(HttpMethod.Get, TenantA, AppB);
        app.Store.Failure = new InvalidOperationException("database down");
        app.Services.GetRequiredService<IStrictCorsOriginCache>().Invalidate("tenants", TenantA);
        var afterFailure = await app.SendAsync(HttpMethod.Get, TenantA, AppA);

        AccessControlHeaders(removed).Should().BeEmpty();
        AccessControlHeaders(afterFailure).Should().BeEmpty("an invalidated list changed: it is not served stale");
        app.Logs.GetSnapshot().Should().ContainSingle(r => r.Id.Id == CorsKitEventIds.AccessChanged && r.Message.Contains("origin store", StringComparison.Ordinal))
            .Which.Message.Should().Contain($"narrowed only by the origin store, for key '{TenantA}'").And.Contain($"removed '{AppB}'");
    }

    [Fact]
    public async Task A_key_longer_than_253_characters_is_never_asked_for()
    {
        await using var app = await StoreApp.StartAsync(key: "Header:X-Tenant");

        var response = await app.SendAsync(HttpMethod.Get, TenantA, AppA, ("X-Tenant", new string('k', 254)));

        AccessControlHeaders(response).Should().BeEmpty();
        app.Store.Asked.Should().BeEmpty();
    }

    [Fact]
    public async Task A_policy_with_an_origin_store_and_no_store_registered_stops_startup_naming_the_key()
    {
        var builder = TestHost.CreateBuilder(StoreApp.Json(), out _);
        builder.Services.AddStrictCors();
        await using var app = builder.Build();
        app.UseStrictCors();

        var start = () => app.StartAsync();

        (await start.Should().ThrowAsync<Exception>()).Which.ToString().Should()
            .Contain("Cors:Policies:tenants:OriginStore").And.Contain("builder.Services.AddStrictCorsOriginStore<YourStore>()");
    }

    [Theory]
    [InlineData("\"Key\": \"Cookie:tenant\"", "Cors:Policies:tenants:OriginStore:Key", "is not a key CorsKit can read")]
    [InlineData("\"Key\": \"Route:\"", "Cors:Policies:tenants:OriginStore:Key", "\\\"Route:<name>\\\"")]
    [InlineData("\"RefreshSeconds\": 0", "Cors:Policies:tenants:OriginStore:RefreshSeconds", "must be a positive whole number")]
    [InlineData("\"MaxKeys\": -1", "Cors:Policies:tenants:OriginStore:MaxKeys", "must be a positive whole number")]
    [InlineData("\"StaleSeconds\": -5", "Cors:Policies:tenants:OriginStore:StaleSeconds", "must be 0")]
    [InlineData("\"Keys\": \"Host\"", "Cors:Policies:tenants:OriginStore:Keys", "not a CorsKit setting")]
    public async Task An_invalid_origin_store_setting_stops_startup_naming_its_key(string setting, string path, string message)
    {
        var json = $$"""{ "Cors": { "DefaultPolicy": "tenants", "Policies": { "tenants": { "OriginStore": { {{setting}} } } } } }""";
        var builder = TestHost.CreateBuilder(json, out _);
        builder.Services.AddStrictCors().AddSingleton<IStrictCorsOriginStore>(new MemoryOriginStore());
        await using var app = builder.Build();
        app.UseStrictCors();

        var start = () => app.StartAsync();

        (await start.Should().ThrowAsync<Exception>()).Which.ToString().Should().Contain(path).And.Contain(message.Replace("\\\"", "\"", StringComparison.Ordinal));
    }

    /// <summary>
    /// A tenant's entry whose host has no Punycode form (a zero-width space typed into the form)
    /// is refused like any invalid entry: logged, never matched, and the key's valid entries still
    /// work. It once threw out of validation: every request naming the key failed, and asked the store again.
    /// </summary>
    [Fact]
    public async Task A_store_entry_without_a_punycode_form_is_refused_and_the_keys_valid_entries_still_work()
    {
        await using var app = await StoreApp.StartAsync();
        app.Store.Set(TenantA, AppA, "https://app\u200b.tenant-a.example");

        var first = await app.SendAsync(HttpMethod.Get, TenantA, AppA);
        var second = await app.SendAsync(HttpMethod.Get, TenantA, AppA);

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(first).Should().Contain("Access-Control-Allow-Origin", AppA);
        AccessControlHeaders(second).Should().Contain("Access-Control-Allow-Origin", AppA);
        app.Store.Asked.Should().Equal(TenantA);
        app.Logs.GetSnapshot().Should().ContainSingle(r => r.Id.Id == CorsKitEventIds.StoreOriginRefused)
            .Which.Message.Should().Contain($"key '{TenantA}'").And.Contain("not a browser-canonical origin");
    }

    /// <summary>
    /// The store's entries are tenants' data: one with a line break must not forge a log line
    /// when it is refused (the key is escaped; so must the entry be, in the reason).
    /// </summary>
    [Fact]
    public async Task A_refused_store_entry_cannot_forge_log_lines()
    {
        await using var app = await StoreApp.StartAsync();
        app.Store.Set(TenantA, AppA, "https://x.example\r\ncrit: forged line", "https://*.\u2028forged", new string('a', 100_000), null!);

        var valid = await app.SendAsync(HttpMethod.Get, TenantA, AppA);

        AccessControlHeaders(valid).Should().Contain("Access-Control-Allow-Origin", AppA);
        var refused = app.Logs.GetSnapshot().Where(r => r.Id.Id == CorsKitEventIds.StoreOriginRefused).Select(r => r.Message).ToList();
        refused.Should().HaveCount(4, "a null entry is refused as empty");
        refused.Should().AllSatisfy(m => m.Should().NotContainAny("\r", "\n", "\u2028"));
        refused.Should().AllSatisfy(m => m.Length.Should().BeLessThan(2000, "an entry no origin could be is not copied whole into the log"));
        refused.Should().Contain(m => m.Contains(@"https://x.example\u000d\u000acrit: forged line", StringComparison.Ordinal));
    }

    /// <summary>
    /// A store whose answer throws as it is read (a lazily read collection) is a store that throws:
    /// fail closed, logged as 1018 and counted, never an exception in the request.
    /// </summary>
    [Fact]
    public async Task A_store_answer_that_throws_as_it_is_read_fails_closed_like_a_store_that_throws()
    {
        await using var app = await StoreApp.StartAsync();
        app.Store.Answer = _ => new ThrowingCollection();

        var read = await app.SendAsync(HttpMethod.Get, TenantA, AppA);
        var configured = await app.SendAsync(HttpMethod.Get, TenantA, Admin);

        read.StatusCode.Should().Be(HttpStatusCode.OK);
        AccessControlHeaders(read).Should().BeEmpty();
        AccessControlHeaders(configured).Should().Contain("Access-Control-Allow-Origin", Admin);
        app.Logs.GetSnapshot().Should().ContainSingle(r => r.Id.Id == CorsKitEventIds.OriginStoreFailed);
        app.QueryResults.Should().Equal("failed");
        app.Store.Asked.Should().HaveCount(1, "a failure's answer stands 5 s");
    }

    /// <summary>
    /// The race of a change with a refresh: the query read the key's rows before the change was
    /// committed, and answers after the app invalidated the key. Its answer is older than the
    /// invalidation, so it must not be held as the key's fresh list for RefreshSeconds.
    /// </summary>
    [Fact]
    public async Task An_answer_read_before_an_invalidation_is_not_held_after_it()
    {
        await using var app = await StoreApp.StartAsync();
        app.Store.Set(TenantA, AppA, AppB);
        await app.SendAsync(HttpMethod.Get, TenantA, AppA);
        app.Clock.Advance(TimeSpan.FromSeconds(61));
        app.Store.ReadsBeforeHold = true;
        var gate = app.Store.Hold();

        var refreshing = app.SendAsync(HttpMethod.Get, TenantA, AppA);
        await app.Store.QueriedAsync(2);
        app.Store.Set(TenantA, AppA);
        app.Services.GetRequiredService<IStrictCorsOriginCache>().Invalidate("tenants", TenantA);
        gate.SetResult();
        await refreshing;
        app.Store.ReadsBeforeHold = false;
        var removed = await app.SendAsync(HttpMethod.Get, TenantA, AppB);

        AccessControlHeaders(removed).Should().BeEmpty("the key was invalidated after the query read its rows: the removal is in force at once");
        app.Logs.GetSnapshot().Where(r => r.Id.Id == CorsKitEventIds.AccessChanged && r.Message.Contains("origin store", StringComparison.Ordinal))
            .Should().ContainSingle("the change is audited once").Which.Message.Should().Contain($"removed '{AppB}'");
    }

    [Fact]
    public async Task An_answer_read_before_an_invalidation_is_not_held_for_a_key_not_held_yet()
    {
        await using var app = await StoreApp.StartAsync();
        app.Store.Set(TenantA, AppA, AppB);
        app.Store.ReadsBeforeHold = true;
        var gate = app.Store.Hold();

        var first = app.SendAsync(HttpMethod.Get, TenantA, AppA);
        await app.Store.QueriedAsync(1);
        app.Store.Set(TenantA, AppA);
        app.Services.GetRequiredService<IStrictCorsOriginCache>().Invalidate("tenants", TenantA);
        gate.SetResult();
        await first;
        app.Store.ReadsBeforeHold = false;
        var removed = await app.SendAsync(HttpMethod.Get, TenantA, AppB);

        AccessControlHeaders(removed).Should().BeEmpty();
    }

    /// <summary>
    /// SQL Server's and MySQL's default collations compare case-insensitively and ignore trailing
    /// spaces, so the recipe's <c>Where(o => o.Tenant == key)</c> answers "ACME" and "acme " with
    /// acme's list: each is a key of its own in the cache. The origin an app removes and invalidates
    /// for "acme" must not stay allowed for "ACME" (a URL the removed origin's page can choose) until
    /// RefreshSeconds: an invalidation reaches every held variant of the key.
    /// </summary>
    [Fact]
    public async Task An_invalidation_reaches_the_keys_variants_a_case_insensitive_store_answers_alike()
    {
        await using var app = await StoreApp.StartAsync(key: "Route:tenant");
        app.Store.Collation = k => k.TrimEnd(' ').ToLowerInvariant();
        app.Store.Set("acme", AppA, AppB);
        var variants = new[] { "/t/ACME/orders", "/t/Acme%20/orders", "/t/acme/orders" };
        foreach (var path in variants)
        {
            AccessControlHeaders(await app.SendAsync(HttpMethod.Get, TenantA, AppB, path: path)).Should().ContainKey("Access-Control-Allow-Origin", path);
        }

        app.Store.Set("acme", AppA);
        app.Services.GetRequiredService<IStrictCorsOriginCache>().Invalidate("tenants", "acme");

        foreach (var path in variants)
        {
            AccessControlHeaders(await app.SendAsync(HttpMethod.Get, TenantA, AppB, path: path)).Should().BeEmpty($"{path}: the removal was invalidated");
        }
    }

    /// <summary>
    /// An invalidated list is never served stale, even when the store fails on the query that was
    /// already running when the key was invalidated (its last good list was read before).
    /// </summary>
    [Fact]
    public async Task A_failing_query_running_when_its_key_is_invalidated_does_not_serve_the_invalidated_list_stale()
    {
        await using var app = await StoreApp.StartAsync();
        app.Store.Set(TenantA, AppA, AppB);
        await app.SendAsync(HttpMethod.Get, TenantA, AppA);
        app.Clock.Advance(TimeSpan.FromSeconds(61));
        app.Store.Failure = new InvalidOperationException("database down");
        var gate = app.Store.Hold();

        var refreshing = app.SendAsync(HttpMethod.Get, TenantA, AppB);
        await app.Store.QueriedAsync(2);
        app.Store.Set(TenantA, AppA);
        app.Services.GetRequiredService<IStrictCorsOriginCache>().Invalidate("tenants", TenantA);
        gate.SetResult();
        await refreshing;
        var afterwards = await app.SendAsync(HttpMethod.Get, TenantA, AppB);

        AccessControlHeaders(afterwards).Should().BeEmpty("the list was invalidated: it changed, so it is not served stale");
    }

    /// <summary>
    /// MaxQueriesInFlight bounds the queries the database runs. A store that ignores its token goes
    /// on running after the timeout answered the request; its slot is held until it ends, or a
    /// flood of keys on a slow database would pile up queries past the bound, 2 s at a time.
    /// </summary>
    [Fact]
    public async Task A_query_that_runs_past_its_timeout_keeps_its_slot_until_it_ends()
    {
        await using var app = await StoreApp.StartAsync(maxQueriesInFlight: 1);
        app.Store.Set("k2.example", AppA);
        app.Store.IgnoresCancellation = true;
        var gate = app.Store.Hold();
        var first = app.SendAsync(HttpMethod.Get, "k1.example", AppA);
        await app.Store.QueriedAsync(1);
        app.Clock.Advance(TimeSpan.FromMilliseconds(2001));
        await first;

        var second = app.SendAsync(HttpMethod.Get, "k2.example", AppA);
        await Task.WhenAny(second, Task.Delay(TimeSpan.FromSeconds(5)));
        var askedWhileFirstRuns = app.Store.Asked.ToList();
        app.Clock.Advance(TimeSpan.FromMilliseconds(2001));
        var denied = await second;
        gate.SetResult();
        var allowed = await app.EventuallyAsync(() => app.SendAsync(HttpMethod.Get, "k2.example", AppA), r => AccessControlHeaders(r).ContainsKey("Access-Control-Allow-Origin"));

        askedWhileFirstRuns.Should().Equal(["k1.example"], "the first query still runs: no second one starts");
        AccessControlHeaders(denied).Should().BeEmpty();
        app.QueryResults.Should().StartWith(["timed_out", "over_limit"]);
        AccessControlHeaders(allowed).Should().Contain("Access-Control-Allow-Origin", AppA, "once the first query ended, its slot is free");
    }

    /// <summary>A store that blocks its thread before its first await (a synchronous driver call) still times out.</summary>
    [Fact]
    public async Task A_store_that_blocks_its_thread_still_fails_closed_at_the_timeout()
    {
        await using var app = await StoreApp.StartAsync();
        app.Store.Set(TenantA, AppA);
        app.Store.BlocksSynchronously = true;
        var gate = app.Store.Hold();

        var pending = app.SendAsync(HttpMethod.Get, TenantA, AppA);
        await app.Store.QueriedAsync(1);
        app.Clock.Advance(TimeSpan.FromMilliseconds(2001));
        var answered = await Task.WhenAny(pending, Task.Delay(TimeSpan.FromSeconds(10))) == pending;
        gate.SetResult();
        var response = await pending;

        answered.Should().BeTrue("the timeout answers the request while the store's thread is blocked");
        AccessControlHeaders(response).Should().BeEmpty();
        app.QueryResults.Should().Equal("timed_out");
    }

    /// <summary>
    /// The Development explanation of a refused origin under a store policy: the policy's configured
    /// Origins join every key's list, so "add it to Origins" (offered as a change a tool can apply)
    /// would give one tenant's origin every tenant's data. The fix names the store and the key instead,
    /// and offers no configuration change; it lists no origin of the key's.
    /// </summary>
    [Fact]
    public async Task The_Development_fix_of_a_refused_origin_points_at_the_store_not_at_the_origins_every_key_shares()
    {
        await using var app = await StoreApp.StartAsync(environment: "Development");
        app.Store.Set(TenantA, AppA, "https://*.portal-a.example");

        var preflight = await app.SendAsync(HttpMethod.Options, TenantA, AppB, ("Access-Control-Request-Method", "PUT"));
        var write = await app.SendAsync(HttpMethod.Put, TenantA, AppB, ("Sec-Fetch-Site", "cross-site"));

        foreach (var response in new[] { preflight, write })
        {
            response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
            using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var fix = problem.RootElement.GetProperty("fix").GetString();
            fix.Should().Contain("origin store").And.Contain("IStrictCorsOriginCache.Invalidate(\"tenants\", key)")
                .And.Contain("Cors:Policies:tenants:Origins joins every key's list");
            problem.RootElement.TryGetProperty("changes", out _).Should().BeFalse("no configuration change is the fix");
            (await response.Content.ReadAsStringAsync()).Should().NotContain("tenant-a").And.NotContain("portal-a", "the key's own origins are not listed");
        }
    }

    /// <summary>
    /// A reload compiles every policy anew, even one it did not change. The keys' lists must
    /// survive it: a reload while the database is down must not deny every tenant whose last good
    /// list is younger than StaleSeconds, nor re-ask the store for every key at once (denying
    /// those beyond MaxQueriesInFlight), nor lose the baseline the next change is audited against.
    /// </summary>
    [Fact]
    public async Task A_reload_keeps_the_keys_lists_their_freshness_their_stale_fallback_and_the_audits_baseline()
    {
        await using var app = await StoreApp.StartAsync();
        app.Store.Set(TenantA, AppA);
        app.Store.Set(TenantB, AppB);
        await app.SendAsync(HttpMethod.Get, TenantA, AppA);
        await app.SendAsync(HttpMethod.Get, TenantB, AppB);

        app.Store.Failure = new InvalidOperationException("database down");
        app.Configuration.Set(StoreApp.Json().Replace("\"PUT\"", "\"PUT\", \"DELETE\"", StringComparison.Ordinal));
        var fresh = await app.SendAsync(HttpMethod.Options, TenantA, AppA, ("Access-Control-Request-Method", "DELETE"));
        app.Clock.Advance(TimeSpan.FromSeconds(61));
        var stale = await app.SendAsync(HttpMethod.Get, TenantA, AppA);
        app.Store.Failure = null;
        app.Store.Set(TenantB, AppA);
        var changed = await app.SendAsync(HttpMethod.Get, TenantB, AppA);

        AccessControlHeaders(fresh).Should().Contain("Access-Control-Allow-Origin", AppA, "the list is fresh: the reload needs no query, so the outage does not show")
            .And.Contain("Access-Control-Allow-Methods", "PUT, DELETE");
        AccessControlHeaders(stale).Should().Contain("Access-Control-Allow-Origin", AppA, "the list fetched 61 s ago is within StaleSeconds");
        AccessControlHeaders(changed).Should().Contain("Access-Control-Allow-Origin", AppA);
        app.Store.Asked.Should().Equal([TenantA, TenantB, TenantA, TenantB], "no key was asked again before its RefreshSeconds");
        app.Logs.GetSnapshot().Should().ContainSingle(r => r.Id.Id == CorsKitEventIds.AccessChanged && r.Message.Contains("origin store", StringComparison.Ordinal))
            .Which.Message.Should().Contain($"for key '{TenantB}'").And.Contain($"added '{AppA}'").And.Contain($"removed '{AppB}'");
    }

    /// <summary>A list taken over by a reload is validated again under the new settings, and an invalidation reaches it.</summary>
    [Fact]
    public async Task A_list_taken_over_by_a_reload_meets_the_new_settings_and_an_invalidation_reaches_it()
    {
        var json = StoreApp.Json().Replace("\"AllowCredentials\": true", "\"AllowCredentials\": false", StringComparison.Ordinal);
        await using var app = await StoreApp.StartAsync(json: json);
        app.Store.Set(TenantA, AppA, "http://plain.tenant-a.example");
        app.Store.Set(TenantB, AppA, AppB);
        await app.SendAsync(HttpMethod.Get, TenantA, AppA);
        await app.SendAsync(HttpMethod.Get, TenantB, AppA);

        app.Configuration.Set(StoreApp.Json());
        app.Store.Set(TenantB, AppA);
        app.Services.GetRequiredService<IStrictCorsOriginCache>().Invalidate("tenants", TenantB);
        var plain = await app.SendAsync(HttpMethod.Get, TenantA, "http://plain.tenant-a.example");
        var secure = await app.SendAsync(HttpMethod.Get, TenantA, AppA);
        var removed = await app.SendAsync(HttpMethod.Get, TenantB, AppB);

        AccessControlHeaders(plain).Should().BeEmpty("with credentials a plain-text origin is refused, from the store as from configuration");
        AccessControlHeaders(secure).Should().Contain("Access-Control-Allow-Origin", AppA).And.Contain("Access-Control-Allow-Credentials", "true");
        AccessControlHeaders(removed).Should().BeEmpty("the key was invalidated after the reload: the list of the policy replaced is not taken over");
        app.Store.Asked.Should().Equal(TenantA, TenantB, TenantB);
    }

    /// <summary>
    /// A reload that takes the store away and one that brings it back: an invalidation made between
    /// them reached no list, so the lists from before are not taken over.
    /// </summary>
    [Fact]
    public async Task Lists_from_before_a_reload_without_the_store_are_not_taken_over_when_it_comes_back()
    {
        await using var app = await StoreApp.StartAsync();
        app.Store.Set(TenantA, AppA, AppB);
        await app.SendAsync(HttpMethod.Get, TenantA, AppB);

        app.Configuration.Set($$"""{ "Cors": { "DefaultPolicy": "tenants", "Policies": { "tenants": { "Origins": [ "{{Admin}}" ], "Methods": [ "PUT" ], "AllowCredentials": true } } } }""");
        app.Store.Set(TenantA, AppA);
        app.Services.GetRequiredService<IStrictCorsOriginCache>().Invalidate("tenants", TenantA);
        app.Configuration.Set(StoreApp.Json());
        var removed = await app.SendAsync(HttpMethod.Get, TenantA, AppB);

        AccessControlHeaders(removed).Should().BeEmpty("the removal was invalidated while no policy held the list");
    }

    /// <summary>
    /// The output cache keys on the path, the host and (through CorsKit's base policy) the Origin,
    /// not on a header: under a <c>Header:</c> key, anyone could store, for tenant A's origin, the
    /// answer tenant B gives it (no Access-Control-Allow-Origin) and have the cache serve it to
    /// A's users, before CorsKit runs when the cache comes first. The key's value joins the cache key.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_output_cache_does_not_serve_one_header_keys_answer_for_another(bool cacheFirst)
    {
        var builder = TestHost.CreateBuilder(StoreApp.Json(key: "Header:X-Tenant"), out _);
        var store = new MemoryOriginStore();
        store.Set("a", AppA);
        builder.Services.AddStrictCors().AddOutputCache().AddSingleton<IStrictCorsOriginStore>(store);
        await using var app = builder.Build();
        if (cacheFirst)
        {
            app.UseOutputCache();
            app.UseStrictCors();
        }
        else
        {
            app.UseStrictCors();
            app.UseOutputCache();
        }

        var runs = 0;
        app.MapGet("/catalog", () => Interlocked.Increment(ref runs)).CacheOutput();
        await app.StartAsync();
        Task<HttpResponseMessage> Get(string tenant) =>
            app.GetTestClient().SendAsync(Request(HttpMethod.Get, "/catalog", [("Origin", AppA), ("X-Tenant", tenant)]));

        var poisoning = await Get("b");
        var own = await Get("a");
        var ownAgain = await Get("a");

        AccessControlHeaders(poisoning).Should().BeEmpty();
        AccessControlHeaders(own).Should().Contain("Access-Control-Allow-Origin", AppA, "tenant b's answer is not tenant a's");
        AccessControlHeaders(ownAgain).Should().Contain("Access-Control-Allow-Origin", AppA);
        runs.Should().Be(2, "each key's answer is cached, once");
    }

    /// <summary>
    /// The same poisoning as above in a shared HTTP cache or CDN, which keys on the URL and what
    /// <c>Vary</c> names: under a <c>Header:</c> key the answer depends on that header as much as on
    /// <c>Origin</c>, so every answer that varies names both, also when the endpoint assigned its own
    /// <c>Vary</c>. A <c>Host</c> key adds nothing (the host is in every cache's key).
    /// </summary>
    [Fact]
    public async Task Under_a_header_key_every_answer_that_depends_on_the_origin_names_the_key_header_in_Vary()
    {
        await using var app = await StoreApp.StartAsync(key: "Header:X-Tenant");
        app.Store.Set("a", AppA);

        var allowed = await app.SendAsync(HttpMethod.Get, TenantA, AppA, ("X-Tenant", "a"));
        var denied = await app.SendAsync(HttpMethod.Get, TenantA, AppA, ("X-Tenant", "b"));
        var preflight = await app.SendAsync(HttpMethod.Options, TenantA, AppA, ("X-Tenant", "a"), ("Access-Control-Request-Method", "PUT"));
        var blocked = await app.SendAsync(HttpMethod.Put, TenantA, AppA, ("X-Tenant", "b"));
        var assigning = await app.SendAsync(HttpMethod.Get, TenantA, AppA, "/assigns-vary", ("X-Tenant", "a"));

        AccessControlHeaders(allowed).Should().Contain("Access-Control-Allow-Origin", AppA);
        AccessControlHeaders(denied).Should().BeEmpty();
        ((int)blocked.StatusCode).Should().Be(403);
        foreach (var response in new[] { allowed, denied, blocked, assigning })
        {
            response.Headers.Vary.Should().Contain(["Origin", "X-Tenant"], $"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri}");
        }

        preflight.Headers.Vary.Should().Contain(["Origin", "Access-Control-Request-Method", "X-Tenant"]);
        assigning.Headers.Vary.Should().Contain("Accept-Language", "the endpoint's own token is kept");

        await using var hostKeyed = await StoreApp.StartAsync();
        hostKeyed.Store.Set(TenantA, AppA);
        (await hostKeyed.SendAsync(HttpMethod.Get, TenantA, AppA)).Headers.Vary.Should().Equal("Origin");
    }

    /// <summary>
    /// Requests, invalidations, changes and evictions at once, from several threads, on a store that
    /// answers late with what it read before: no request fails, a removal is in force for the first
    /// request after its invalidation, and once it is quiet an invalidation of every key puts each
    /// key's current list in force, and only it.
    /// </summary>
    [Fact]
    public async Task Concurrent_requests_invalidations_and_evictions_leave_every_key_with_its_current_list()
    {
        await using var app = await StoreApp.StartAsync(maxKeys: 12, maxQueriesInFlight: 64);
        var keys = Enumerable.Range(0, 16).Select(i => $"t{i}.saas.example").ToArray();
        string OriginOf(int key, int version) => $"https://v{version}.t{key}.example";
        var versions = new int[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            app.Store.Set(keys[i], OriginOf(i, 0));
        }

        app.Store.Delay = () => Random.Shared.Next(3);
        app.Store.ReadsBeforeHold = true;
        var cache = app.Services.GetRequiredService<IStrictCorsOriginCache>();
        var failures = new ConcurrentQueue<string>();
        var workers = Enumerable.Range(0, 6).Select(worker => Task.Run(async () =>
        {
            for (var n = 0; n < 120; n++)
            {
                var i = Random.Shared.Next(keys.Length);
                if (worker == 0 && n % 3 == 0)
                {
                    var version = Interlocked.Increment(ref versions[i]);
                    app.Store.Set(keys[i], OriginOf(i, version), OriginOf(i, version - 1));
                    cache.Invalidate("tenants", keys[i]);
                    var removed = await app.SendAsync(HttpMethod.Get, keys[i], OriginOf(i, version - 2));
                    if (removed.Headers.Contains("Access-Control-Allow-Origin"))
                    {
                        failures.Enqueue($"{keys[i]}: v{version - 2} allowed after its removal was invalidated");
                    }

                    continue;
                }

                var response = await app.SendAsync(HttpMethod.Get, keys[i], OriginOf(i, Volatile.Read(ref versions[i])));
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Enqueue($"{keys[i]}: {response.StatusCode}");
                }
            }
        })).ToList();
        await Task.WhenAll(workers);

        app.Store.Delay = null;
        app.Store.ReadsBeforeHold = false;
        for (var i = 0; i < keys.Length; i++)
        {
            app.Store.Set(keys[i], OriginOf(i, 1000));
            cache.Invalidate("tenants", keys[i]);
        }

        failures.Should().BeEmpty();
        for (var i = 0; i < keys.Length; i++)
        {
            var current = await app.SendAsync(HttpMethod.Get, keys[i], OriginOf(i, 1000));
            var previous = await app.SendAsync(HttpMethod.Get, keys[i], OriginOf(i, versions[i]));
            var other = await app.SendAsync(HttpMethod.Get, keys[i], OriginOf((i + 1) % keys.Length, 1000));
            AccessControlHeaders(current).Should().Contain("Access-Control-Allow-Origin", OriginOf(i, 1000), keys[i]);
            AccessControlHeaders(previous).Should().BeEmpty(keys[i]);
            AccessControlHeaders(other).Should().BeEmpty(keys[i]);
        }

        app.HeldKeys().Should().BeLessThanOrEqualTo(12);
    }

    /// <summary>An app whose default policy takes its origins from an in-memory store, on a clock the test moves.</summary>
    private sealed class StoreApp : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly MetricCollector<long> _queries;
        private readonly MetricCollector<int> _keys;
        private int _hits;

        private StoreApp(WebApplication app, MemoryOriginStore store)
        {
            _app = app;
            Store = store;
            _queries = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), CorsKitMeter.Name, CorsKitMeter.OriginStoreQueriesCounter);
            _keys = new MetricCollector<int>(app.Services.GetRequiredService<IMeterFactory>(), CorsKitMeter.Name, CorsKitMeter.OriginStoreKeysGauge);
        }

        public MemoryOriginStore Store { get; }

        /// <summary>The app's configuration, which a test may change (a reload).</summary>
        public MutableConfigurationSource Configuration { get; private init; } = null!;

        public int Hits => _hits;

        public FakeTimeProvider Clock => (FakeTimeProvider)_app.Services.GetRequiredService<TimeProvider>();

        public FakeLogCollector Logs => _app.Services.GetFakeLogCollector();

        public IServiceProvider Services => _app.Services;

        public IEnumerable<string?> QueryResults => _queries.GetMeasurementSnapshot().Select(m => m.Tags["result"]?.ToString());

        public static string Json(string key = "Host", int maxKeys = 100, int maxQueriesInFlight = 8) => $$"""
            { "Cors": { "DefaultPolicy": "tenants", "Policies": { "tenants": {
                "Origins": [ "{{Admin}}" ], "Methods": [ "PUT" ], "AllowCredentials": true,
                "OriginStore": { "Key": "{{key}}", "RefreshSeconds": 60, "StaleSeconds": 300, "TimeoutMilliseconds": 2000,
                                 "MaxKeys": {{maxKeys}}, "MaxQueriesInFlight": {{maxQueriesInFlight}} } } } } }
            """;

        public static async Task<StoreApp> StartAsync(string key = "Host", int maxKeys = 100, int maxQueriesInFlight = 8, string? environment = null, bool health = false, string? json = null)
        {
            var builder = TestHost.CreateBuilder(json ?? Json(key, maxKeys, maxQueriesInFlight), out var configuration, environment);
            var store = new MemoryOriginStore();
            builder.Services.AddStrictCors();
            if (health)
            {
                builder.Services.AddHealthChecks().AddStrictCors();
            }

            builder.Services.AddSingleton<IStrictCorsOriginStore>(store);
            var app = builder.Build();
            var storeApp = new StoreApp(app, store) { Configuration = configuration };
            app.UseStrictCors();
            app.MapMethods("/resource", ["GET", "PUT"], () => Interlocked.Increment(ref storeApp._hits));
            app.MapGet("/t/{tenant}/orders", () => Interlocked.Increment(ref storeApp._hits));
            app.MapGet("/assigns-vary", (Microsoft.AspNetCore.Http.HttpResponse response) => response.Headers.Vary = "Accept-Language");
            await app.StartAsync();
            return storeApp;
        }

        public Task<HttpResponseMessage> SendAsync(HttpMethod method, string host, string origin, params (string, string)[] headers) =>
            SendAsync(method, host, origin, "/resource", headers);

        public Task<HttpResponseMessage> SendAsync(HttpMethod method, string host, string origin, string path, params (string, string)[] headers)
        {
            var request = Request(method, path, [("Origin", origin), .. headers]);
            request.Headers.Host = host;

            // A request held by the store forever (a broken timeout or bound) fails the test instead of hanging it.
            return _app.GetTestClient().SendAsync(request).WaitAsync(TimeSpan.FromSeconds(30));
        }

        public async Task<HealthReportEntry> HealthAsync() =>
            (await Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["corskit"];

        /// <summary>Sends until <paramref name="done"/> holds (bounded): for what happens on its own once a query ends.</summary>
        public async Task<HttpResponseMessage> EventuallyAsync(Func<Task<HttpResponseMessage>> send, Func<HttpResponseMessage, bool> done)
        {
            var response = await send();
            for (var i = 0; i < 200 && !done(response); i++)
            {
                await Task.Delay(10);
                response = await send();
            }

            return response;
        }

        /// <summary>How many keys CorsKit holds for the policy, as its gauge <c>corskit.origin_store.keys</c> publishes it.</summary>
        public int HeldKeys()
        {
            _keys.RecordObservableInstruments();
            var measurement = _keys.LastMeasurement ?? throw new InvalidOperationException("the gauge published nothing");
            measurement.Tags["cors.policy"].Should().Be("tenants");
            return measurement.Value;
        }

        public async ValueTask DisposeAsync()
        {
            Store.Release();
            _queries.Dispose();
            _keys.Dispose();
            await _app.DisposeAsync();
        }
    }

    /// <summary>An origin store in memory that records what it was asked and can be held, made slow, or made to fail.</summary>
    private sealed class MemoryOriginStore : IStrictCorsOriginStore
    {
        private readonly ConcurrentDictionary<string, string[]> _origins = new(StringComparer.Ordinal);
        private readonly ConcurrentQueue<string> _asked = new();
        private TaskCompletionSource _gate = Completed();

        public ConcurrentQueue<string> Asked => _asked;

        public Exception? Failure { get; set; }

        public bool Cancelled { get; private set; }

        /// <summary>Whether a held query waits for the gate whatever its token says, as a store that ignores it does.</summary>
        public bool IgnoresCancellation { get; set; }

        public void Set(string key, params string[] origins) => _origins[key] = origins;

        /// <summary>Holds every query until the returned source completes.</summary>
        public TaskCompletionSource Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate.TrySetResult();

        /// <summary>Waits (bounded) until <paramref name="count"/> queries have started.</summary>
        public async Task QueriedAsync(int count)
        {
            for (var i = 0; i < 500 && _asked.Count < count; i++)
            {
                await Task.Delay(10);
            }

            _asked.Should().HaveCountGreaterThanOrEqualTo(count);
        }

        /// <summary>Whether a query reads its answer before it is held, as a database query whose rows are read before the answer reaches CorsKit.</summary>
        public bool ReadsBeforeHold { get; set; }

        /// <summary>When set, what the store returns for a key in place of its list (a collection of the test's making).</summary>
        public Func<string, IReadOnlyCollection<string>>? Answer { get; set; }

        /// <summary>Whether a held query blocks its thread before its first await, as a synchronous driver call does.</summary>
        public bool BlocksSynchronously { get; set; }

        /// <summary>When set, how many milliseconds each query takes (0: it still yields).</summary>
        public Func<int>? Delay { get; set; }

        /// <summary>When set, only the keys it selects are held by <see cref="Hold"/>; the others answer at once.</summary>
        public Func<string, bool>? HoldsOnly { get; set; }

        public async ValueTask<IReadOnlyCollection<string>> GetOriginsAsync(string policy, string key, CancellationToken cancellationToken)
        {
            _asked.Enqueue(key);
            var read = ReadsBeforeHold ? Read(key) : null;
            var gate = HoldsOnly is { } holds && !holds(key) ? Task.CompletedTask : _gate.Task;
            if (BlocksSynchronously)
            {
                gate.Wait(CancellationToken.None);
            }

            try
            {
                await gate.WaitAsync(IgnoresCancellation ? CancellationToken.None : cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Cancelled = true;
                throw;
            }

            if (Delay is { } delay)
            {
                await Task.Delay(delay(), CancellationToken.None);
            }

            if (Failure is { } failure)
            {
                throw failure;
            }

            return read ?? Read(key);
        }

        /// <summary>When set, how the store compares keys, as a database's collation does (case-insensitive, trailing spaces ignored).</summary>
        public Func<string, string>? Collation { get; set; }

        private IReadOnlyCollection<string> Read(string key) =>
            Answer is { } answer ? answer(key)
            : _origins.TryGetValue(Collation is { } collation ? _origins.Keys.FirstOrDefault(k => collation(k) == collation(key)) ?? key : key, out var origins) ? origins : [];

        private static TaskCompletionSource Completed()
        {
            var done = new TaskCompletionSource();
            done.SetResult();
            return done;
        }
    }

    private sealed class ThrowingCollection : IReadOnlyCollection<string>
    {
        public int Count => 1;

        public IEnumerator<string> GetEnumerator() => throw new InvalidOperationException("the reader was closed");

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
