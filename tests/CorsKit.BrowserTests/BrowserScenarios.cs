using CorsKit.BrowserTests.Engines;
using CorsKit.BrowserTests.Servers;

namespace CorsKit.BrowserTests;

/// <summary>
/// CorsKit judged by the browser: each scenario runs inside a real page of one origin against a
/// real API of another, and checks both what the page could read and what reached the server.
/// Written once, run in each engine (the classes Chromium, Firefox and WebKit); where engines
/// differ, the scenario states each one's behaviour. Every path is unique to its scenario, so
/// counts and preflight caches never mix.
/// </summary>
public abstract class BrowserScenarios(CorsWorld world)
{
    private BrowserEngine Engine => world.Engine;

    /// <summary>A value that differs by engine.</summary>
    private T ByEngine<T>(T chromium, T firefox, T webKit) =>
        Engine == BrowserEngine.Chromium ? chromium : Engine == BrowserEngine.Firefox ? firefox : webKit;

    private static Dictionary<string, object> Init(
        string method = "GET", Dictionary<string, string>? headers = null, string? body = null, bool credentials = false)
    {
        var init = new Dictionary<string, object> { ["method"] = method, ["credentials"] = credentials ? "include" : "same-origin" };
        if (headers is not null)
        {
            init["headers"] = headers;
        }

        if (body is not null)
        {
            init["body"] = body;
        }

        return init;
    }

    /// <summary>The three encodings an HTML form can send, by the names of their paths.</summary>
    private static readonly (string Name, string Enctype)[] FormEncodings =
    [
        ("urlencoded", "application/x-www-form-urlencoded"),
        ("multipart", "multipart/form-data"),
        ("text", "text/plain"),
    ];

    private static Dictionary<string, object> JsonPut() =>
        Init("PUT", new() { ["Content-Type"] = "application/json" }, """{"name":"x"}""");

    [BrowserFact]
    public async Task S01_allowed_origin_reads_a_GET_response()
    {
        await using var page = await world.OpenAsync(CorsWorld.AppHost);

        var result = await page.FetchAsync($"{world.Credentialed.Origin}/r/s01");

        result.Ok.Should().BeTrue();
        result.Status.Should().Be(200);
        result.Body.Should().Be("ran");
        world.Credentialed.Requests.Ran("GET", "/r/s01").Should().Be(1);
        world.Passed();
    }

    [BrowserFact]
    public async Task S02_disallowed_origin_cannot_read_a_GET_response_although_the_endpoint_ran()
    {
        await using var page = await world.OpenAsync(CorsWorld.EvilHost);

        var result = await page.FetchAsync($"{world.Credentialed.Origin}/r/s02");

        result.FailedWithTypeError.Should().BeTrue("CORS hides the response from a disallowed origin");
        world.Credentialed.Requests.Ran("GET", "/r/s02").Should().Be(1, "CORS hides, it does not prevent");
        world.Passed();
    }

    [BrowserFact]
    public async Task S03_disallowed_simple_POST_is_sent_without_preflight_and_blocked_before_the_endpoint()
    {
        await using var page = await world.OpenAsync(CorsWorld.EvilHost);

        var result = await page.FetchAsync($"{world.Credentialed.Origin}/r/s03", Init("POST", new() { ["Content-Type"] = "text/plain" }, "transfer=all"));

        result.FailedWithTypeError.Should().BeTrue();
        var requests = world.Credentialed.Requests;
        requests.Arrived("OPTIONS", "/r/s03").Should().Be(0, "a simple request is not preflighted");
        requests.Arrived("POST", "/r/s03").Should().Be(1, "the browser did send the POST");
        requests.Ran("POST", "/r/s03").Should().Be(0, "CorsKit's guard answered 403 before the endpoint");
        world.Passed();
    }

    [BrowserFact]
    public async Task S04_JSON_PUT_from_allowed_origin_is_preflighted_once_then_succeeds()
    {
        await using var page = await world.OpenAsync(CorsWorld.AppHost);

        var result = await page.FetchAsync($"{world.Credentialed.Origin}/r/s04", JsonPut());

        result.Ok.Should().BeTrue();
        result.Status.Should().Be(200);
        var requests = world.Credentialed.Requests;
        requests.Arrived("OPTIONS", "/r/s04").Should().Be(1);
        requests.Ran("OPTIONS", "/r/s04").Should().Be(0, "CorsKit answers preflights itself");
        requests.Ran("PUT", "/r/s04").Should().Be(1);
        world.Passed();
    }

    [BrowserFact]
    public async Task S05_Max_Age_keeps_the_preflight_cached_and_zero_disables_the_cache_without_it_each_engine_keeps_it_briefly()
    {
        await using var page = await world.OpenAsync(CorsWorld.AppHost);
        var apis = new[] { world.Credentialed, world.NoMaxAge, world.ZeroMaxAge };

        async Task PutAllAsync()
        {
            foreach (var api in apis)
            {
                (await page.FetchAsync($"{api.Origin}/r/s05", JsonPut())).Ok.Should().BeTrue();
            }
        }

        int[] Preflights() => apis.Select(api => api.Requests.Arrived("OPTIONS", "/r/s05")).ToArray();

        await PutAllAsync();
        await PutAllAsync();
        var rightAway = Preflights();
        await Task.Delay(TimeSpan.FromSeconds(6));
        await PutAllAsync();
        var later = Preflights();

        // Max-Age 600 / no Max-Age / Max-Age 0. Recorded alike in every engine: an answer with
        // Max-Age 600 is still cached after 6 seconds, one with 0 never reused, and one without
        // Max-Age reused at once but not after 6 seconds (the Fetch standard's default is 5).
        rightAway.Should().Equal([1, 1, 2], "a second request right away");
        later.Should().Equal([1, 2, 3], "a third request 6 seconds later");
        apis.Select(api => api.Requests.Ran("PUT", "/r/s05")).Should().Equal([3, 3, 3]);
        world.Passed($"preflights (600 / none / 0): right away {string.Join("-", rightAway)}, after 6 s {string.Join("-", later)}");
    }

    [BrowserFact]
    public async Task S06_a_request_header_outside_the_policy_fails_the_preflight_and_the_request_is_never_sent()
    {
        await using var page = await world.OpenAsync(CorsWorld.AppHost);

        var refused = await page.FetchAsync($"{world.Credentialed.Origin}/r/s06", Init("PUT", new() { ["X-Custom"] = "1" }, "x"));
        var allowed = await page.FetchAsync($"{world.Credentialed.Origin}/r/s06-allowed", Init("PUT", new() { ["X-Allowed"] = "1" }, "x"));

        refused.FailedWithTypeError.Should().BeTrue();
        world.Credentialed.Requests.Arrived("OPTIONS", "/r/s06").Should().Be(1);
        world.Credentialed.Requests.Arrived("PUT", "/r/s06").Should().Be(0, "the browser never sends a request whose preflight failed");
        allowed.Ok.Should().BeTrue("a header the policy lists passes");
        world.Credentialed.Requests.Ran("PUT", "/r/s06-allowed").Should().Be(1);
        world.Passed();
    }

    [BrowserFact]
    public async Task S07_cookies_work_only_with_AllowCredentials_and_an_exact_origin()
    {
        await using var page = await world.OpenAsync(CorsWorld.AppHost);

        var login = await page.FetchAsync($"{world.Credentialed.Origin}/login", Init("POST", credentials: true));
        var me = await page.FetchAsync($"{world.Credentialed.Origin}/me", Init(credentials: true));
        var withoutAllowCredentials = await page.FetchAsync($"{world.NoMaxAge.Origin}/me", Init(credentials: true));
        var publicWithCredentials = await page.FetchAsync($"{world.Public.Origin}/r/s07", Init(credentials: true));
        var publicWithoutCredentials = await page.FetchAsync($"{world.Public.Origin}/r/s07-anonymous");

        login.Ok.Should().BeTrue();
        login.Status.Should().Be(204);
        me.Ok.Should().BeTrue();

        // WebKit's default cookie policy (no third-party cookies, as in Safari) counts
        // api.corskit.localhost as a third party of app.corskit.localhost and keeps the cookie
        // back: recorded here, not a CorsKit matter (with MiniBrowser --cookies-policy=always it
        // comes back as in the other engines).
        me.Body.Should().Be(ByEngine("user-42", "user-42", "anonymous"), "the cookie set by the API came back with the credentialed request (but in WebKit)");
        withoutAllowCredentials.FailedWithTypeError.Should().BeTrue("no Access-Control-Allow-Credentials");
        world.NoMaxAge.Requests.Ran("GET", "/me").Should().Be(1);
        publicWithCredentials.FailedWithTypeError.Should().BeTrue("a credentialed response cannot be read under '*'");
        publicWithoutCredentials.Ok.Should().BeTrue();
        world.Passed(me.Body == "user-42" ? "the API's cookie came back" : "the engine kept the API's cookie back (third-party cookie policy)");
    }

    [BrowserFact]
    public async Task S08_only_exposed_response_headers_are_readable()
    {
        await using var page = await world.OpenAsync(CorsWorld.AppHost);

        var exposing = await page.FetchAsync($"{world.Credentialed.Origin}/r/s08", null, "X-Exposed", "X-Hidden", "Content-Type");
        var notExposing = await page.FetchAsync($"{world.Public.Origin}/r/s08", null, "X-Exposed", "X-Hidden");

        exposing.Ok.Should().BeTrue();
        exposing.Headers.Should().BeEquivalentTo(new Dictionary<string, string?>
        {
            ["X-Exposed"] = "exposed-value",
            ["X-Hidden"] = null,
            ["Content-Type"] = "text/plain; charset=utf-8",
        });
        notExposing.Ok.Should().BeTrue();
        notExposing.Headers.Should().BeEquivalentTo(new Dictionary<string, string?> { ["X-Exposed"] = null, ["X-Hidden"] = null });
        world.Passed();
    }

    [BrowserFact]
    public async Task S09_subdomain_pattern_allows_subdomains_but_not_the_apex_or_look_alikes()
    {
        var results = new Dictionary<string, FetchResult>();
        foreach (var host in new[] { CorsWorld.PatternHost, CorsWorld.ApexHost, CorsWorld.LookAlikeHost, CorsWorld.SuffixTrickHost })
        {
            await using var page = await world.OpenAsync(host);
            results[host] = await page.FetchAsync($"{world.Credentialed.Origin}/r/s09");
        }

        results[CorsWorld.PatternHost].Ok.Should().BeTrue();
        results[CorsWorld.PatternHost].Body.Should().Be("ran");
        results[CorsWorld.ApexHost].FailedWithTypeError.Should().BeTrue();
        results[CorsWorld.LookAlikeHost].FailedWithTypeError.Should().BeTrue();
        results[CorsWorld.SuffixTrickHost].FailedWithTypeError.Should().BeTrue();
        world.Passed();
    }

    [BrowserFact]
    public async Task S10_CorsKit_refuses_Authorization_under_a_wildcard_as_the_Fetch_standard_does_whatever_the_engine_allows()
    {
        await using var page = await world.OpenAsync(CorsWorld.AppHost);
        var raw = $"http://{CorsWorld.RawHost}:{world.Pages.Port}/star-headers";
        Dictionary<string, object> WithHeader(string name) => Init("PUT", new() { [name] = "Bearer token" }, "x");

        // What the engine itself does with "Access-Control-Allow-Headers: *" (reference server, no CorsKit).
        var rawAuthorization = await page.FetchAsync($"{raw}/s10-authorization", WithHeader("Authorization"));
        var rawOther = await page.FetchAsync($"{raw}/s10-other", WithHeader("X-Other"));

        // What CorsKit does under "Headers": [ "*" ].
        var corsKitAuthorization = await page.FetchAsync($"{world.Public.Origin}/r/s10-authorization", WithHeader("Authorization"));
        var corsKitOther = await page.FetchAsync($"{world.Public.Origin}/r/s10-other", WithHeader("X-Other"));

        // Recorded per engine: Chromium 156, Firefox 153 and WebKitGTK 2.50 all let '*' cover
        // Authorization, unlike the standard.
        // CorsKit's validation warning says so; if this starts failing, re-check that warning.
        rawAuthorization.Ok.Should().BeTrue("the engine lets '*' cover Authorization");
        world.Pages.Requests.Ran("PUT", "/star-headers/s10-authorization").Should().Be(1);
        rawOther.Ok.Should().BeTrue("'*' covers other headers");
        corsKitAuthorization.FailedWithTypeError.Should().BeTrue("CorsKit follows the standard, so every engine behaves alike");
        world.Public.Requests.Arrived("OPTIONS", "/r/s10-authorization").Should().Be(1);
        world.Public.Requests.Arrived("PUT", "/r/s10-authorization").Should().Be(0);
        corsKitOther.Ok.Should().BeTrue();
        world.Passed("the engine lets '*' cover Authorization; CorsKit never does");
    }

    [BrowserFact]
    public async Task S11_same_origin_POST_from_a_page_served_by_the_API_passes_the_guard()
    {
        await using var page = await world.OpenAsync(CorsWorld.AppHost, $"{world.Credentialed.Origin}/same-origin-page");

        var result = await page.FetchAsync("/r/s11", Init("POST", new() { ["Content-Type"] = "text/plain" }, "x"));

        result.Ok.Should().BeTrue();
        result.Body.Should().Be("ran");
        world.Credentialed.Requests.Ran("POST", "/r/s11").Should().Be(1);
        world.Passed();
    }

    [BrowserFact]
    public async Task S12_cross_site_HTML_form_posts_of_every_encoding_never_run_the_endpoint()
    {
        var fields = new Dictionary<string, string> { ["amount"] = "1000", ["to"] = "attacker" };
        var statuses = new List<int>();

        foreach (var (name, enctype) in FormEncodings)
        {
            // A page each: the submission navigates it away.
            var path = $"/r/s12-{name}";
            await using var page = await world.OpenAsync(CorsWorld.EvilHost);
            await page.SubmitFormAsync($"{world.Credentialed.Origin}{path}", enctype, fields);
            statuses.Add(await world.Credentialed.Requests.AnsweredAsync("POST", path));
            world.Credentialed.Requests.OriginOf("POST", path).Should().Be(world.Pages.Origin(CorsWorld.EvilHost), "the browser names the form's origin");
            world.Credentialed.Requests.Ran("POST", path).Should().Be(0, $"a {enctype} form post from a disallowed origin is blocked");
        }

        statuses.Should().Equal([403, 403, 403]);
        world.Passed();
    }

    [BrowserFact]
    public async Task S13_a_beacon_from_a_disallowed_origin_never_runs_the_endpoint()
    {
        await using var page = await world.OpenAsync(CorsWorld.EvilHost);

        var queued = await page.CallAsync<bool>("(url) => navigator.sendBeacon(url, 'transfer=all')", $"{world.Credentialed.Origin}/r/s13");
        var status = await world.Credentialed.Requests.AnsweredAsync("POST", "/r/s13");

        queued.Should().BeTrue();
        status.Should().Be(403);
        world.Credentialed.Requests.OriginOf("POST", "/r/s13").Should().Be(world.Pages.Origin(CorsWorld.EvilHost), "the beacon names its page's origin");
        world.Credentialed.Requests.Ran("POST", "/r/s13").Should().Be(0);
        world.Passed();
    }

    [BrowserFact]
    public async Task S14_a_no_cors_POST_from_a_disallowed_origin_never_runs_the_endpoint()
    {
        await using var page = await world.OpenAsync(CorsWorld.EvilHost);

        var result = await page.FetchAsync($"{world.Credentialed.Origin}/r/s14", new() { ["mode"] = "no-cors", ["method"] = "POST", ["body"] = "transfer=all" });

        result.Type.Should().Be("opaque", "the page sees nothing of a no-cors answer");
        (await world.Credentialed.Requests.AnsweredAsync("POST", "/r/s14")).Should().Be(403);
        world.Credentialed.Requests.OriginOf("POST", "/r/s14").Should().Be(world.Pages.Origin(CorsWorld.EvilHost), "a no-cors POST names its page's origin");
        world.Credentialed.Requests.Ran("POST", "/r/s14").Should().Be(0);
        world.Passed();
    }

    [BrowserFact]
    public async Task S15_a_sandboxed_frame_of_an_allowed_page_has_an_opaque_origin_reads_nothing_and_cannot_write()
    {
        await using var page = await world.OpenAsync(CorsWorld.AppHost);
        const string FromSandboxedFrame = """
            (getUrl, postUrl) => new Promise(resolve => {
              addEventListener('message', e => resolve(e.data), { once: true });
              const frame = document.createElement('iframe');
              frame.sandbox = 'allow-scripts allow-forms';
              frame.srcdoc = `<script>
                (async () => {
                  const results = { origin: self.origin };
                  try { await (await fetch(${JSON.stringify(getUrl)})).text(); results.get = 'read'; } catch (e) { results.get = e.name; }
                  try {
                    await fetch(${JSON.stringify(postUrl)}, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' });
                    results.post = 'read';
                  } catch (e) { results.post = e.name; }
                  parent.postMessage(results, '*');
                })();
              <\/script>`;
              document.body.appendChild(frame);
            })
            """;

        var results = await page.CallAsync<Dictionary<string, string>>(FromSandboxedFrame, $"{world.Credentialed.Origin}/r/s15-get", $"{world.Credentialed.Origin}/r/s15-post");

        results.Should().BeEquivalentTo(new Dictionary<string, string> { ["origin"] = "null", ["get"] = "TypeError", ["post"] = "TypeError" });
        var requests = world.Credentialed.Requests;
        requests.OriginOf("GET", "/r/s15-get").Should().Be("null", "a sandboxed frame's origin is opaque, though its page's is allowed");
        requests.Ran("POST", "/r/s15-post").Should().Be(0, "an opaque origin is never allowed, so its POST is blocked");
        requests.Arrived("POST", "/r/s15-post").Should().Be(1);
        world.Passed();
    }

    [BrowserFact]
    public async Task S16_an_endpoint_accepting_cross_site_form_posts_runs_for_a_form_but_not_for_a_JSON_fetch()
    {
        // One page at a time (WebKitWebDriver drives one session at a time); the form's page navigates away.
        int formStatus;
        await using (var formPage = await world.OpenAsync(CorsWorld.EvilHost))
        {
            await formPage.SubmitFormAsync($"{world.Credentialed.Origin}/callback/s16-form", "application/x-www-form-urlencoded", new() { ["code"] = "abc", ["state"] = "xyz" });
            formStatus = await world.Credentialed.Requests.AnsweredAsync("POST", "/callback/s16-form");
        }

        await using var fetchPage = await world.OpenAsync(CorsWorld.EvilHost);
        var json = await fetchPage.FetchAsync($"{world.Credentialed.Origin}/callback/s16-json", Init("POST", new() { ["Content-Type"] = "application/json" }, """{"code":"abc"}"""));

        formStatus.Should().Be(200);
        world.Credentialed.Requests.Ran("POST", "/callback/s16-form").Should().Be(1, "the form_post case the opt-out is for");
        json.FailedWithTypeError.Should().BeTrue();
        world.Credentialed.Requests.Arrived("OPTIONS", "/callback/s16-json").Should().Be(1, "a JSON body is preflighted");
        world.Credentialed.Requests.Arrived("POST", "/callback/s16-json").Should().Be(0, "CorsKit refused the preflight, so the browser never sent the POST");
        world.Passed();
    }

    [BrowserFact]
    public async Task S17_a_CORS_request_redirected_to_another_API_origin_arrives_with_Origin_null_and_stays_unreadable()
    {
        await using var page = await world.OpenAsync(CorsWorld.AppHost);
        var target = $"{world.NoMaxAge.Origin}/r/s17";

        var result = await page.FetchAsync($"{world.Credentialed.Origin}/redirect/s17?to={Uri.EscapeDataString(target)}");

        world.Credentialed.Requests.Ran("GET", "/redirect/s17").Should().Be(1);
        var origin = world.NoMaxAge.Requests.OriginOf("GET", "/r/s17");
        origin.Should().Be("null", "a redirect to a third origin taints the request's origin (Fetch standard, 4.4 HTTP-redirect fetch)");
        result.FailedWithTypeError.Should().BeTrue("CorsKit never allows the opaque origin null");
        world.Passed("the second API received Origin: null; the page could not read its answer");
    }

    [BrowserFact]
    public async Task S18_cross_site_HTML_form_overriding_its_method_to_GET_never_runs_a_POST_only_endpoint()
    {
        await using var page = await world.OpenAsync(CorsWorld.EvilHost);

        await page.SubmitFormAsync($"{world.Credentialed.Origin}/transfer/s18", "application/x-www-form-urlencoded", new() { ["_method"] = "GET", ["amount"] = "1000" });
        var status = await world.Credentialed.Requests.AnsweredAsync("POST", "/transfer/s18");

        status.Should().Be(403, "the guard judges the POST that routing selected the endpoint for, not the GET the override left");
        var requests = world.Credentialed.Requests;
        requests.Arrived("POST", "/transfer/s18").Should().Be(1, "the browser submitted the form as a POST");
        requests.Ran("POST", "/transfer/s18").Should().Be(0, "the POST-only endpoint never ran");
        world.Passed();
    }

    [BrowserFact]
    public async Task S19_a_cross_site_form_to_a_remote_authentication_callback_reaches_the_handler_never_an_endpoint()
    {
        // One page at a time; each submission navigates its page away.
        int multipartStatus;
        await using (var attacker = await world.OpenAsync(CorsWorld.EvilHost))
        {
            await attacker.SubmitFormAsync($"{world.Credentialed.Origin}/signout-oidc", "multipart/form-data", new() { ["sid"] = "abc", ["amount"] = "1000" });
            multipartStatus = await world.Credentialed.Requests.AnsweredAsync("POST", "/signout-oidc");
        }

        int genuineStatus;
        await using (var identityProvider = await world.OpenAsync(CorsWorld.EvilHost))
        {
            await identityProvider.SubmitFormAsync($"{world.Credentialed.Origin}/signin-oidc", "application/x-www-form-urlencoded", new() { ["code"] = "abc", ["state"] = "genuine" });
            genuineStatus = await world.Credentialed.Requests.AnsweredAsync("POST", "/signin-oidc");
        }

        var requests = world.Credentialed.Requests;
        requests.Arrived("POST", "/signout-oidc").Should().Be(1, "the browser submitted the multipart form");
        multipartStatus.Should().Be(403, "the handler does not read a multipart sign-out, and the /{slug} endpoint did not opt in");
        requests.Ran("POST", "/signout-oidc").Should().Be(0);
        genuineStatus.Should().Be(200);
        world.Credentialed.HandlerConsumed.Should().Equal("/signin-oidc state=genuine");
        requests.Ran("POST", "/signin-oidc").Should().Be(0, "the handler consumed the genuine callback before any endpoint");
        world.Passed();
    }

    /// <summary>
    /// The sample's tenants in the browser: the page's origin joins tenant acme's list in the
    /// SQLite file at run time and leaves it. Written into the file behind CorsKit's back (as
    /// another instance would), it is readable once the list's RefreshSeconds (2) have passed;
    /// removed and added back through the sample's admin path, which invalidates, it is refused
    /// and readable again at once. A JSON PUT is preflighted while the origin is listed, and the
    /// answer (Max-Age 600) stays in the browser's preflight cache after the removal: what each
    /// engine then sends, and that CorsKit's guard refuses the write before the endpoint whatever
    /// the cache says.
    /// </summary>
    [BrowserFact]
    public async Task S20_an_origin_added_to_a_tenants_store_at_run_time_is_readable_within_the_bound_and_refused_once_removed_despite_a_cached_preflight()
    {
        var api = world.Tenants;
        var shop = world.Pages.Origin(CorsWorld.TenantShopHost);
        const string Orders = "/tenants/acme/orders";
        const string Order = "/tenants/acme/orders/1";
        await using var page = await world.OpenAsync(CorsWorld.TenantShopHost);
        Task<FetchResult> ReadAsync() => page.FetchAsync($"{api.Origin}{Orders}", new() { ["cache"] = "no-store" });
        Task<FetchResult> RenameAsync(string item) => page.FetchAsync($"{api.Origin}{Order}", Init("PUT", new() { ["Content-Type"] = "application/json" }, $$"""{"item":"{{item}}"}"""));
        (int Preflights, int Puts) Arrived() => (api.Requests.Arrived("OPTIONS", Order), api.Requests.Arrived("PUT", Order));

        // Not on acme's list: unreadable, and CorsKit now holds acme's list for RefreshSeconds.
        var unlisted = await ReadAsync();
        await api.Database.AddOriginAsync("acme", shop, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(TenantApiServer.RefreshSeconds) + TimeSpan.FromMilliseconds(250));
        var afterRefresh = await ReadAsync();
        var listedWrite = await RenameAsync("renamed by the shop");
        var whileListed = Arrived();

        await api.Admin.RemoveAsync("acme", shop, CancellationToken.None);
        var afterRemoval = await ReadAsync();
        var writeAfterRemoval = await RenameAsync("renamed after the removal");
        var firstAfterRemoval = Arrived();
        var firstStatus = firstAfterRemoval.Puts > whileListed.Puts ? await api.Requests.AnsweredAsync("PUT", Order) : 0;
        var secondWriteAfterRemoval = await RenameAsync("renamed again after the removal");
        var secondAfterRemoval = Arrived();
        var secondStatus = await api.Requests.AnsweredAsync(secondAfterRemoval.Preflights > firstAfterRemoval.Preflights ? "OPTIONS" : "PUT", Order);

        await api.Admin.AddAsync("acme", shop, CancellationToken.None);
        var readded = await ReadAsync();
        var readdedWrite = await RenameAsync("renamed once back");
        var atTheEnd = Arrived();

        unlisted.FailedWithTypeError.Should().BeTrue("the page's origin is on no list yet");
        afterRefresh.Ok.Should().BeTrue("written into the file, the origin is read from it once acme's list expired");
        afterRefresh.Body.Should().Contain("anvil");
        listedWrite.Ok.Should().BeTrue();
        whileListed.Should().Be((1, 1), "the PUT was preflighted once, then sent");
        afterRemoval.FailedWithTypeError.Should().BeTrue("the admin path invalidated acme's list: refused at once, not after RefreshSeconds");
        writeAfterRemoval.FailedWithTypeError.Should().BeTrue();
        secondWriteAfterRemoval.FailedWithTypeError.Should().BeTrue();
        readded.Ok.Should().BeTrue("added back through the admin path: readable at once");
        readdedWrite.Ok.Should().BeTrue();
        api.Requests.Ran("GET", Orders).Should().Be(4, "CORS hides reads, it does not prevent them");
        api.Requests.Ran("PUT", Order).Should().Be(2, "only the writes made while the origin was listed ran");
        (await api.Database.OrdersAsync("acme", CancellationToken.None)).Single(o => o.Id == 1).Item.Should().Be("renamed once back");

        // The preflight cache, recorded per engine. All three send the first PUT after the removal
        // on the cached answer, without a preflight: CorsKit's guard, which reads the same list as
        // the reads, answers 403 before the endpoint. Chromium and WebKit keep the cached answer
        // after that failure (the next PUT goes out without a preflight too, and is refused the
        // same way); Firefox drops it (the next PUT is preflighted, refused, and never sent).
        firstAfterRemoval.Should().Be((1, 2), "the cached preflight (Max-Age 600) let the browser send the PUT without asking");
        firstStatus.Should().Be(403);
        secondAfterRemoval.Should().Be(ByEngine((1, 3), (2, 2), (1, 3)));
        secondStatus.Should().Be(403, "refused either way: the PUT by the guard, or its new preflight");
        atTheEnd.Should().Be(ByEngine((1, 4), (3, 3), (1, 4)));
        var kept = secondAfterRemoval.Preflights == whileListed.Preflights;
        world.Passed($"after the removal a PUT went out on the cached preflight and got 403 from the guard; the engine then {(kept
            ? "kept the cached preflight (the next PUT went out without one too, 403)"
            : "dropped the cached preflight (the next PUT was preflighted, refused, never sent)")}");
    }
}
