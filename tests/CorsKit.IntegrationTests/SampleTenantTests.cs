using System.Net;
using System.Text.RegularExpressions;
using CorsKit.Samples.Api.Tenants;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.IntegrationTests;

/// <summary>
/// The sample's multi-tenant route, /tenants/{tenant}/orders, whose origins CorsKit reads per
/// tenant from the sample's SQLite file (a real file, one per factory), and the admin path that
/// changes them: what each origin may read and write on which tenant's route; that a change made
/// through the admin path applies at once (the policy's RefreshSeconds is 60, so only the
/// invalidation can explain it); who may make one; what becomes of bad entries in the file.
/// </summary>
public sealed partial class SampleTenantTests(SampleApiFactory factory) : IClassFixture<SampleApiFactory>
{
    private const string Acme = "https://acme.my-frontend.com";
    private const string Globex = "https://globex.my-frontend.com";
    private const string Operators = "https://admin.my-frontend.com";

    private readonly HttpClient _client = factory.CreateHttpsClient();

    [Fact]
    public async Task The_database_is_created_and_seeded_on_first_run_and_a_tenants_origin_reads_its_own_tenant_only()
    {
        var own = await GetAsync("/tenants/acme/orders", Acme);
        var other = await GetAsync("/tenants/globex/orders", Acme);
        var otherOwn = await GetAsync("/tenants/globex/orders", Globex);
        var operators = await GetAsync("/tenants/globex/orders", Operators);
        var ownPreflight = await _client.SendAsync(Preflight("/tenants/acme/orders/1", Acme, "PUT", "content-type"));
        var otherPreflight = await _client.SendAsync(Preflight("/tenants/globex/orders/2", Acme, "PUT", "content-type"));

        File.Exists(factory.DatabasePath).Should().BeTrue("the sample created its SQLite file where Tenants:Database points");
        own.StatusCode.Should().Be(HttpStatusCode.OK);
        (await own.Content.ReadAsStringAsync()).Should().Contain("\"item\":\"anvil\"", "acme's seeded order");
        AccessControlHeaders(own).Should().BeEquivalentTo(Allowed(Acme));
        VaryTokens(own).Should().Equal("Origin");
        other.StatusCode.Should().Be(HttpStatusCode.OK, "a safe request runs; the browser hides the answer");
        (await other.Content.ReadAsStringAsync()).Should().Contain("\"item\":\"hammock\"");
        AccessControlHeaders(other).Should().BeEmpty("acme's origin is not on globex's list");
        VaryTokens(other).Should().Equal("Origin");
        AccessControlHeaders(otherOwn).Should().BeEquivalentTo(Allowed(Globex));
        AccessControlHeaders(operators).Should().BeEquivalentTo(Allowed(Operators), "the configured origins join every tenant's list");
        ownPreflight.StatusCode.Should().Be(HttpStatusCode.NoContent);
        AccessControlHeaders(ownPreflight).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Access-Control-Allow-Origin"] = Acme,
            ["Access-Control-Allow-Credentials"] = "true",
            ["Access-Control-Allow-Methods"] = "PUT",
            ["Access-Control-Allow-Headers"] = "Content-Type, Authorization",
            ["Access-Control-Max-Age"] = "600",
        });
        otherPreflight.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        AccessControlHeaders(otherPreflight).Should().BeEmpty();
    }

    [Fact]
    public async Task A_forged_write_on_a_tenants_route_from_another_tenants_origin_is_blocked_before_the_endpoint()
    {
        var before = await ItemsOfAsync("acme");

        var forgedForm = await _client.SendAsync(Request(HttpMethod.Post, "/tenants/acme/orders", ("Origin", Globex), ("Sec-Fetch-Site", "cross-site"))
            .WithBody("""{"item":"forged"}""", "text/plain"));
        var forgedJson = await _client.SendAsync(Request(HttpMethod.Post, "/tenants/acme/orders", ("Origin", Globex))
            .WithBody("""{"item":"forged"}""", "application/json"));
        var own = await _client.SendAsync(Request(HttpMethod.Post, "/tenants/acme/orders", ("Origin", Acme), ("Sec-Fetch-Site", "cross-site"))
            .WithBody("""{"item":"own"}""", "application/json"));

        foreach (var forged in new[] { forgedForm, forgedJson })
        {
            forged.StatusCode.Should().Be(HttpStatusCode.Forbidden);
            (await forged.Content.ReadAsStringAsync()).Should().BeEmpty();
            AccessControlHeaders(forged).Should().BeEmpty();
            VaryTokens(forged).Should().Equal("Origin");
        }

        own.StatusCode.Should().Be(HttpStatusCode.Created, "the tenant's own origin writes");
        AccessControlHeaders(own).Should().BeEquivalentTo(Allowed(Acme));
        (await ItemsOfAsync("acme")).Should().Equal([.. before, "own"], "only the tenant's own write reached the database");
    }

    [Fact]
    public async Task An_origin_added_through_the_admin_path_is_allowed_at_once_and_removed_is_refused_at_once()
    {
        const string Shop = "https://shop.acme.example";
        var order = await factory.Tenants.AddOrderAsync("acme", "widget", CancellationToken.None);

        var before = await GetAsync("/tenants/acme/orders", Shop);   // CorsKit now holds acme's list for 60 s
        var added = await _client.SendAsync(Admin(HttpMethod.Post, "/admin/tenants/acme/origins").WithBody($$"""{"origin":"{{Shop}}"}""", "application/json"));
        var afterAdding = await GetAsync("/tenants/acme/orders", Shop);
        var preflight = await _client.SendAsync(Preflight($"/tenants/acme/orders/{order.Id}", Shop, "PUT", "content-type"));
        var write = await _client.SendAsync(Request(HttpMethod.Put, $"/tenants/acme/orders/{order.Id}", ("Origin", Shop), ("Sec-Fetch-Site", "cross-site"))
            .WithBody("""{"item":"renamed by the shop"}""", "application/json"));
        var removed = await _client.SendAsync(Admin(HttpMethod.Delete, $"/admin/tenants/acme/origins?origin={Uri.EscapeDataString(Shop)}"));
        var afterRemoving = await GetAsync("/tenants/acme/orders", Shop);
        var writeAfterRemoving = await _client.SendAsync(Request(HttpMethod.Put, $"/tenants/acme/orders/{order.Id}", ("Origin", Shop), ("Sec-Fetch-Site", "cross-site"))
            .WithBody("""{"item":"renamed after the removal"}""", "application/json"));
        var tenantsOwn = await GetAsync("/tenants/acme/orders", Acme);

        AccessControlHeaders(before).Should().BeEmpty();
        added.StatusCode.Should().Be(HttpStatusCode.Created);
        AccessControlHeaders(afterAdding).Should().BeEquivalentTo(Allowed(Shop), "the admin path invalidated acme's list; RefreshSeconds (60) had not passed");
        preflight.StatusCode.Should().Be(HttpStatusCode.NoContent);
        write.StatusCode.Should().Be(HttpStatusCode.OK);
        removed.StatusCode.Should().Be(HttpStatusCode.NoContent);
        AccessControlHeaders(afterRemoving).Should().BeEmpty("the removal applies at once too");
        writeAfterRemoving.StatusCode.Should().Be(HttpStatusCode.Forbidden, "the guard reads the same list: a browser that cached the preflight still cannot write");
        AccessControlHeaders(tenantsOwn).Should().BeEquivalentTo(Allowed(Acme));
        (await factory.Tenants.OrdersAsync("acme", CancellationToken.None)).Should().ContainSingle(o => o.Id == order.Id)
            .Which.Item.Should().Be("renamed by the shop");
        var audit = Logged(CorsKitEventIds.AccessChanged);
        audit.Should().Contain(m => m.Contains($"OriginStore[acme]: added '{Shop}'", StringComparison.Ordinal));
        audit.Should().Contain(m => m.Contains($"OriginStore[acme]: removed '{Shop}'", StringComparison.Ordinal));
    }

    /// <summary>
    /// What an attacker could try against the admin path: no key, a wrong one, the key twice, and
    /// (had a page the key) a cross-origin preflight or write, from elsewhere or from a tenant's
    /// own origin. Nothing reaches the database.
    /// </summary>
    [Fact]
    public async Task The_admin_path_refuses_a_write_without_the_key_with_a_wrong_key_and_from_any_other_origin()
    {
        const string Intruder = "https://intruder.example";
        var body = $$"""{"origin":"{{Intruder}}"}""";

        var withoutKey = await _client.SendAsync(Admin(HttpMethod.Post, "/admin/tenants/acme/origins", key: null).WithBody(body, "application/json"));
        var wrongKey = await _client.SendAsync(Admin(HttpMethod.Post, "/admin/tenants/acme/origins", key: SampleApiFactory.AdminKey[..^1] + "0").WithBody(body, "application/json"));
        var twoKeys = Admin(HttpMethod.Post, "/admin/tenants/acme/origins").WithBody(body, "application/json");
        twoKeys.Headers.Add(TenantAdminKey.Header, "another");
        var keyTwice = await _client.SendAsync(twoKeys);
        var preflight = await _client.SendAsync(Preflight("/admin/tenants/acme/origins", Intruder, "POST", "content-type,x-admin-key"));
        var crossSite = await _client.SendAsync(Admin(HttpMethod.Post, "/admin/tenants/acme/origins", headers: [("Origin", Intruder), ("Sec-Fetch-Site", "cross-site")])
            .WithBody(body, "text/plain"));
        var fromTenant = await _client.SendAsync(Admin(HttpMethod.Post, "/admin/tenants/acme/origins", headers: [("Origin", Acme)]).WithBody(body, "application/json"));
        var read = await GetAsync("/tenants/acme/orders", Intruder);

        withoutKey.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        wrongKey.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        keyTwice.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        preflight.StatusCode.Should().Be(HttpStatusCode.Forbidden, "/admin allows no cross-origin access: a page cannot even send the header");
        AccessControlHeaders(preflight).Should().BeEmpty();
        crossSite.StatusCode.Should().Be(HttpStatusCode.Forbidden, "the CSRF guard, before the key is looked at");
        fromTenant.StatusCode.Should().Be(HttpStatusCode.Forbidden, "a tenant's origin is no administrator");
        (await factory.Tenants.OriginsAsync("acme", CancellationToken.None)).Should().NotContain(Intruder);
        AccessControlHeaders(read).Should().BeEmpty();
    }

    /// <summary>
    /// Entries written straight into the file, past the admin path (a migration, a console): those
    /// configuration would refuse are refused, each logged with the tenant and the reason (EventId
    /// 1017); the tenant's valid origin still works.
    /// </summary>
    [Fact]
    public async Task Bad_entries_in_the_database_are_refused_and_logged_and_the_tenants_valid_origin_still_works()
    {
        const string Valid = "https://initech.my-frontend.com";
        string[] bad = ["https://initech.my-frontend.com/", "*", "null", "https://*.com", "http://initech.example", "HTTPS://INITECH.EXAMPLE"];
        foreach (var origin in bad.Append(Valid))
        {
            await factory.Tenants.AddOriginAsync("initech", origin, CancellationToken.None);
        }

        var valid = await GetAsync("/tenants/initech/orders", Valid);
        var refused = new List<HttpResponseMessage>();
        foreach (var origin in new[] { "https://initech.my-frontend.com/", "null", "https://evil.com", "http://initech.example", "https://initech.example" })
        {
            refused.Add(await GetAsync("/tenants/initech/orders", origin));
        }

        AccessControlHeaders(valid).Should().BeEquivalentTo(Allowed(Valid));
        refused.Should().AllSatisfy(r => AccessControlHeaders(r).Should().BeEmpty());
        var logged = Logged(CorsKitEventIds.StoreOriginRefused).Where(m => m.Contains("key 'initech'", StringComparison.Ordinal)).ToList();
        logged.Should().HaveCount(bad.Length, "one warning per refused entry, the one time the tenant's list was read")
            .And.AllSatisfy(m => m.Should().Contain("policy 'tenants'"));
        logged.Should().Contain(m => m.Contains("'*' is refused from an origin store", StringComparison.Ordinal));
        logged.Should().Contain(m => m.Contains("https://*.com", StringComparison.Ordinal));
    }

    [Fact]
    public async Task In_Production_without_a_configured_key_the_admin_path_is_off()
    {
        await using var withoutKey = new KeyedSampleApiFactory(key: null);
        var client = withoutKey.CreateHttpsClient();

        var add = await client.SendAsync(Admin(HttpMethod.Post, "/admin/tenants/acme/origins", key: "any-key-at-all-any-key-at-all-any-key")
            .WithBody("""{"origin":"https://shop.acme.example"}""", "application/json"));

        add.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await withoutKey.Tenants.OriginsAsync("acme", CancellationToken.None)).Should().Equal(Acme);
        withoutKey.Logs.GetSnapshot().Select(r => r.Message).Should().Contain(m => m.Contains("add an origin:    off; set Tenants:AdminKey", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_configured_key_shorter_than_32_characters_stops_startup()
    {
        await using var weak = new KeyedSampleApiFactory(key: "letmein");

        var start = () => weak.CreateHttpsClient();

        start.Should().Throw<InvalidOperationException>().WithMessage("Tenants:AdminKey is 7 characters long: use at least 32 random ones*");
    }

    [Fact]
    public async Task In_Development_without_a_configured_key_a_key_is_made_per_run_shown_in_the_banner_and_only_it_opens_the_admin_path()
    {
        await using var development = new DevelopmentSampleApiFactory();
        var client = development.CreateHttpsClient();
        var banner = development.Logs.GetSnapshot().Single(r => r.Category == "CorsKit.Samples.Api" && r.Id.Id == 1).Message;
        var key = BannerKey().Match(banner).Groups[1].Value;

        var withAnother = await client.SendAsync(Admin(HttpMethod.Post, "/admin/tenants/globex/origins", key: SampleApiFactory.AdminKey).WithBody("""{"origin":"https://shop.globex.example"}""", "application/json"));
        var withTheBanners = await client.SendAsync(Admin(HttpMethod.Post, "/admin/tenants/globex/origins", key: key).WithBody("""{"origin":"https://shop.globex.example"}""", "application/json"));

        key.Should().MatchRegex("^[0-9a-f]{64}$");
        withAnother.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        withTheBanners.StatusCode.Should().Be(HttpStatusCode.Created);
        (await development.Tenants.OriginsAsync("globex", CancellationToken.None)).Should().Equal(Globex, "https://shop.globex.example");
    }

    private static Dictionary<string, string> Allowed(string origin) => new()
    {
        ["Access-Control-Allow-Origin"] = origin,
        ["Access-Control-Allow-Credentials"] = "true",
    };

    private static HttpRequestMessage Admin(HttpMethod method, string path, string? key = SampleApiFactory.AdminKey, params (string Name, string Value)[] headers) =>
        Request(method, path, [.. headers, .. key is null ? Array.Empty<(string, string)>() : [(TenantAdminKey.Header, key)]]);

    private Task<HttpResponseMessage> GetAsync(string path, string origin) => _client.SendAsync(Request(HttpMethod.Get, path, ("Origin", origin)));

    private async Task<List<string>> ItemsOfAsync(string tenant) =>
        (await factory.Tenants.OrdersAsync(tenant, CancellationToken.None)).Select(o => o.Item).ToList();

    private List<string> Logged(int eventId) => factory.Logs.GetSnapshot().Where(r => r.Id.Id == eventId).Select(r => r.Message).ToList();

    [GeneratedRegex("X-Admin-Key: ([^']*)'")]
    private static partial Regex BannerKey();

    /// <summary>The sample in Production with Tenants:AdminKey set to <paramref name="key"/>, or unset.</summary>
    private sealed class KeyedSampleApiFactory(string? key) : SampleApiFactory
    {
        protected override string? ConfiguredAdminKey => key;
    }
}
