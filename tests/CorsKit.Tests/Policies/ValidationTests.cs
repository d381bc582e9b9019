using CorsKit.Policies;

namespace CorsKit.Tests.Policies;

/// <summary>Each refused configuration, with the key path and the fix its message gives.</summary>
public class ValidationTests
{
    private static List<ConfigurationIssue> Errors(Action<StrictCorsPolicyBuilder> configure) =>
        TestPolicies.Validate(configure).Issues.Errors.ToList();

    private static List<ConfigurationIssue> Warnings(Action<StrictCorsPolicyBuilder> configure) =>
        TestPolicies.Validate(configure).Issues.Warnings.ToList();

    private static void ShouldRefuse(Action<StrictCorsPolicyBuilder> configure, string path, params string[] messageParts)
    {
        var result = TestPolicies.Validate(configure);
        result.Succeeded.Should().BeFalse();
        var error = result.Issues.Errors.Should().ContainSingle().Subject;
        error.Path.Should().Be(path);
        foreach (var part in messageParts)
        {
            error.Message.Should().Contain(part);
        }
    }

    [Fact]
    public void Empty_origins_are_refused() =>
        ShouldRefuse(p => p.WithMethods("PUT"), "Cors:Policies:test:Origins", "at least one origin", "https://app.example.com");

    [Fact]
    public void Empty_origin_entry_is_refused() =>
        ShouldRefuse(p => p.WithOrigins(""), "Cors:Policies:test:Origins:0", "is empty");

    [Fact]
    public void Any_origin_with_credentials_is_refused() =>
        ShouldRefuse(p => p.AllowAnyOrigin().AllowCredentials(), "Cors:Policies:test:Origins:0", "cannot be combined with AllowCredentials", "List the exact origins");

    [Fact]
    public void Any_origin_mixed_with_other_origins_is_refused() =>
        ShouldRefuse(p => p.WithOrigins("https://a.example.com", "*"), "Cors:Policies:test:Origins:1", "'*' must be the only origin");

    [Fact]
    public void Any_origin_with_private_network_is_refused() =>
        ShouldRefuse(p => p.AllowAnyOrigin().AllowPrivateNetwork(), "Cors:Policies:test:Origins:0", "cannot be combined with AllowPrivateNetwork");

    [Theory]
    [InlineData("null")]
    [InlineData("NULL")]
    [InlineData(" null ")]
    public void Null_origin_is_refused(string origin) =>
        ShouldRefuse(p => p.WithOrigins(origin), "Cors:Policies:test:Origins:0", "'null' can never be allowed", "sandboxed");

    [Theory]
    [InlineData("https://Example.com", "uppercase letters", "https://example.com")]
    [InlineData("HTTPS://example.com", "uppercase letters", "https://example.com")]
    [InlineData("https://example.com/", "a path, query or trailing slash", "https://example.com")]
    [InlineData("https://example.com/app", "a path, query or trailing slash", "https://example.com")]
    [InlineData("https://example.com:443", "the scheme's default port", "https://example.com")]
    [InlineData("http://localhost:80", "the scheme's default port", "http://localhost")]
    [InlineData("https://user@example.com", "userinfo", "https://example.com")]
    [InlineData(" https://example.com", "surrounding whitespace", "https://example.com")]
    [InlineData("https://bücher.example", "a non-ASCII host", "https://xn--bcher-kva.example")]
    [InlineData("https://example.com.", "a trailing dot", "https://example.com")]
    [InlineData("http://[0:0::1]:8080", "browsers serialize it differently", "http://[::1]:8080")]
    [InlineData("https://*.Example.com", "uppercase letters", "https://*.example.com")]
    [InlineData("https://XN--BCHER-KVA.example", "uppercase letters", "https://xn--bcher-kva.example")]
    public void Non_canonical_origins_are_refused_with_the_canonical_form(string origin, string problem, string canonical) =>
        ShouldRefuse(p => p.WithOrigins(origin), "Cors:Policies:test:Origins:0", "not a browser-canonical origin", problem, $"did you mean '{canonical}'?");

    [Theory]
    [InlineData("example.com")]
    [InlineData("app")]
    public void Text_that_is_not_an_origin_is_refused_with_an_example(string origin) =>
        ShouldRefuse(p => p.WithOrigins(origin), "Cors:Policies:test:Origins:0", "not a browser-canonical origin", "e.g. https://app.example.com");

    /// <summary>
    /// Hosts with a character IDNA disallows (a zero-width space, U+FFFD) have no Punycode form:
    /// the URI parser throws when asked for one. Such an entry is refused like any other non-canonical
    /// one, without a suggestion, instead of the exception stopping startup (or, from an origin
    /// store, failing every request of the key).
    /// </summary>
    [Theory]
    [InlineData("https://\u200b.example", "e.g. https://app.example.com")]
    [InlineData("https://app\ufffd.example", "e.g. https://app.example.com")]
    [InlineData("https://*.portal\ufffd.example", "e.g. https://*.example.com")]
    public void A_host_without_a_punycode_form_is_refused_without_a_suggestion(string origin, string example) =>
        ShouldRefuse(p => p.WithOrigins(origin), "Cors:Policies:test:Origins:0", "not a browser-canonical origin", "a non-ASCII host", example);

    [Theory]
    [InlineData("http://app.example.com")]
    [InlineData("http://*.example.com")]
    public void Plain_http_origins_are_refused_with_credentials(string origin) =>
        ShouldRefuse(p => p.WithOrigins(origin).AllowCredentials(), "Cors:Policies:test:Origins:0", "plain-text origin", "AllowCredentials", "Use the https:// origin", "AllowInsecureOrigins");

    [Fact]
    public void Plain_http_origins_are_refused_with_private_network() =>
        ShouldRefuse(p => p.WithOrigins("http://app.example.com").AllowPrivateNetwork(), "Cors:Policies:test:Origins:0", "plain-text origin", "AllowPrivateNetwork");

    [Theory]
    [InlineData("http://localhost:3000")]
    [InlineData("http://app.localhost:3000")]
    [InlineData("http://*.localhost:3000")]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://127.10.0.1")]
    [InlineData("http://[::1]:8080")]
    public void Plain_http_loopback_origins_are_allowed_with_credentials(string origin) =>
        Errors(p => p.WithOrigins(origin).AllowCredentials()).Should().BeEmpty();

    [Fact]
    public void Plain_http_origins_are_allowed_with_credentials_when_explicitly_accepted() =>
        Errors(p => p.WithOrigins("http://app.example.com").AllowCredentials().AllowInsecureOrigins()).Should().BeEmpty();

    [Fact]
    public void Plain_http_origins_are_allowed_without_credentials() =>
        Errors(p => p.WithOrigins("http://app.example.com")).Should().BeEmpty();

    [Theory]
    [InlineData("file://example.com", "Origin: null")]
    [InlineData("ftp://example.com", "no browser loads ftp: pages")]
    [InlineData("ws://app.example.com", "a WebSocket URL is never the origin of a page")]
    [InlineData("wss://app.example.com", "a WebSocket URL is never the origin of a page")]
    [InlineData("wss://*.example.com", "a WebSocket URL is never the origin of a page")]
    public void Origins_with_a_scheme_no_browser_sends_are_refused(string origin, string why)
    {
        ShouldRefuse(p => p.WithOrigins(origin), "Cors:Policies:test:Origins:0", "no browser sends", why);
        ShouldRefuse(p => p.WithOrigins(origin).AllowCredentials(), "Cors:Policies:test:Origins:0", "no browser sends", why);
    }

    [Theory]
    [InlineData("https://xn--.example.com", "xn--")]
    [InlineData("http://xn--f", "xn--f")]
    [InlineData("https://xn--abc-.example.com", "xn--abc-")]
    [InlineData("https://*.xn--.example.com", "xn--")]
    [InlineData("https://api.xn--a.example.com", "xn--a")]
    public void Hosts_with_invalid_punycode_are_refused(string origin, string label) =>
        ShouldRefuse(p => p.WithOrigins(origin).AllowCredentials(), "Cors:Policies:test:Origins:0", $"'{label}'", "not valid Punycode", "no browser sends");

    [Theory]
    [InlineData("https://xn--bcher-kva.example")]
    [InlineData("https://*.xn--p1ai.example.com")]
    [InlineData("capacitor://localhost")] // app web views (Capacitor, Ionic) send their own scheme
    [InlineData("chrome-extension://abcdefghijklmnopabcdefghijklmnop")]
    public void Valid_punycode_and_app_schemes_are_accepted(string origin) =>
        Errors(p => p.WithOrigins(origin).AllowCredentials()).Should().BeEmpty();

    [Theory]
    [InlineData(180, false)]
    [InlineData(181, true)]
    public void An_embedded_Public_Suffix_List_more_than_180_days_old_is_warned_about_at_startup(int age, bool warned)
    {
        var listDate = CorsKit.Origins.PublicSuffixListSnapshot.Current.Date;
        var options = new StrictCorsOptions().AddDefaultPolicy("test", p => p.WithOrigins("https://*.example.com"));

        var warnings = PolicySetCompiler.Compile(options, "Cors", today: listDate.AddDays(age)).Issues.Warnings.ToList();

        if (warned)
        {
            var warning = warnings.Should().ContainSingle().Subject;
            warning.Path.Should().Be("Cors");
            warning.Message.Should().Be($"the embedded Public Suffix List is {age} days old ({listDate:yyyy-MM-dd}), so wildcards directly under suffixes added since then are not refused. "
                + "Update the CorsKit package (a CorsKit built from its source: run its refresh-public-suffix-list.sh and rebuild).");
        }
        else
        {
            warnings.Should().BeEmpty();
        }
    }

    [Theory]
    [InlineData("https://api.*.example.com")]
    [InlineData("https://*api.example.com")]
    [InlineData("https://api*.example.com")]
    [InlineData("https://*.*.example.com")]
    [InlineData("https://example.*")]
    [InlineData("https://*example.com")]
    [InlineData("*.example.com")]
    [InlineData("https://**.example.com")]
    public void Wildcards_anywhere_but_the_whole_first_label_are_refused(string pattern) =>
        ShouldRefuse(p => p.WithOrigins(pattern), "Cors:Policies:test:Origins:0", "the wildcard must be the whole first label", "https://*.example.com");

    [Theory]
    [InlineData("https://*.com", "com")]
    [InlineData("https://*.co.uk", "co.uk")]
    [InlineData("https://*.github.io", "github.io")]
    [InlineData("https://*.uk", "uk")]
    [InlineData("https://*.internal", "internal")]
    public void Wildcards_directly_under_a_public_suffix_are_refused(string pattern, string suffix) =>
        ShouldRefuse(p => p.WithOrigins(pattern), "Cors:Policies:test:Origins:0", $"directly under the public suffix '{suffix}'", "Use a domain you control");

    // Suffixes registered in the Public Suffix List after the 2023-02-09 snapshot CorsKit first shipped:
    // anyone can get a subdomain there, so these patterns hand credentialed responses to strangers.
    [Theory]
    [InlineData("https://*.ngrok-free.app", "ngrok-free.app")]
    [InlineData("https://*.azure-api.net", "azure-api.net")]
    [InlineData("https://*.replit.app", "replit.app")]
    [InlineData("https://*.lovable.app", "lovable.app")]
    public void Patterns_under_suffixes_added_since_2023_are_refused(string pattern, string suffix)
    {
        var result = TestPolicies.Validate(p => p.WithOrigins(pattern).AllowCredentials());

        result.Succeeded.Should().BeFalse();
        var error = result.Issues.Errors.Should().ContainSingle().Subject;
        error.Path.Should().Be("Cors:Policies:test:Origins:0");
        error.Message.Should().Be(
            $"'{pattern}' puts the wildcard directly under the public suffix '{suffix}', so it would match sites owned by anyone. "
            + $"Use a domain you control, e.g. https://*.your-domain.{suffix}.");
    }

    [Theory]
    [InlineData("https://*.example.com")]
    [InlineData("https://*.example.co.uk")]
    [InlineData("https://*.me.github.io")]
    [InlineData("http://*.localhost:3000")]
    [InlineData("https://*.example.com:8443")]
    public void Wildcards_under_registrable_domains_are_accepted(string pattern) =>
        Errors(p => p.WithOrigins(pattern)).Should().BeEmpty();

    [Theory]
    [InlineData("Methods")]
    [InlineData("Headers")]
    [InlineData("ExposedHeaders")]
    public void Wildcard_lists_with_credentials_are_refused(string list)
    {
        Action<StrictCorsPolicyBuilder> configure = list switch
        {
            "Methods" => p => p.WithOrigins("https://a.example.com").AllowCredentials().WithMethods("*"),
            "Headers" => p => p.WithOrigins("https://a.example.com").AllowCredentials().WithHeaders("*"),
            _ => p => p.WithOrigins("https://a.example.com").AllowCredentials().WithExposedHeaders("*"),
        };
        ShouldRefuse(configure, $"Cors:Policies:test:{list}:0", "read as a literal name", "list the names explicitly");
    }

    [Fact]
    public void Lowercase_patch_is_a_method_of_its_own_because_fetch_sends_it_as_written() =>
        Errors(p => p.WithOrigins("https://a.example.com").WithMethods("patch", "PATCH")).Should().BeEmpty();

    [Theory]
    [InlineData("CONNECT")]
    [InlineData("TRACE")]
    [InlineData("TRACK")]
    [InlineData("trace")]
    public void Forbidden_methods_are_refused(string method) =>
        ShouldRefuse(p => p.WithOrigins("https://a.example.com").WithMethods(method), "Cors:Policies:test:Methods:0", "can never be sent by fetch()");

    [Theory]
    [InlineData("put", "PUT")]
    [InlineData("Delete", "DELETE")]
    public void Lowercase_spellings_of_methods_that_fetch_uppercases_are_refused(string method, string upper) =>
        ShouldRefuse(p => p.WithOrigins("https://a.example.com").WithMethods(method), "Cors:Policies:test:Methods:0", "case-sensitive", $"Did you mean '{upper}'?");

    [Theory]
    [InlineData("Methods", "P UT")]
    [InlineData("Headers", "X-Foo Bar")]
    [InlineData("Headers", "X-Foo,X-Bar")]
    [InlineData("Headers", "")]
    [InlineData("ExposedHeaders", "X:Id")]
    [InlineData("ExposedHeaders", "X-Ïd")]
    public void Invalid_name_tokens_are_refused(string list, string name)
    {
        Action<StrictCorsPolicyBuilder> configure = list switch
        {
            "Methods" => p => p.WithOrigins("https://a.example.com").WithMethods(name),
            "Headers" => p => p.WithOrigins("https://a.example.com").WithHeaders(name),
            _ => p => p.WithOrigins("https://a.example.com").WithExposedHeaders(name),
        };
        ShouldRefuse(configure, $"Cors:Policies:test:{list}:0", "is not a valid name", "HTTP token");
    }

    [Theory]
    [InlineData("Cookie")]
    [InlineData("host")]
    [InlineData("Origin")]
    [InlineData("Content-Length")]
    [InlineData("Sec-Fetch-Site")]
    [InlineData("Proxy-Authorization")]
    [InlineData("Access-Control-Request-Headers")]
    public void Forbidden_request_headers_are_refused(string header) =>
        ShouldRefuse(p => p.WithOrigins("https://a.example.com").WithHeaders(header), "Cors:Policies:test:Headers:0", "forbidden request header", "Remove it");

    [Theory]
    [InlineData("Set-Cookie")]
    [InlineData("set-cookie2")]
    public void Set_Cookie_in_exposed_headers_is_refused(string header) =>
        ShouldRefuse(p => p.WithOrigins("https://a.example.com").WithExposedHeaders(header), "Cors:Policies:test:ExposedHeaders:0", "never exposed to pages");

    [Fact]
    public void Negative_max_age_is_refused() =>
        ShouldRefuse(p => p.WithOrigins("https://a.example.com").WithMaxAge(TimeSpan.FromSeconds(-5)), "Cors:Policies:test:MaxAgeSeconds", "is -5", "0 or more");

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_max_origin_length_that_is_not_positive_is_refused(int length)
    {
        var options = new StrictCorsOptions { MaxOriginLength = length }.AddDefaultPolicy("web", p => p.WithOrigins("https://app.example.com"));
        var error = TestPolicies.Validate(options).Issues.Errors.Should().ContainSingle().Subject;
        error.Path.Should().Be("Cors:MaxOriginLength");
        error.Message.Should().Contain("must be a positive number of characters");
    }

    [Theory]
    [InlineData("https://app.example.com")]
    [InlineData("https://*.example.com")]
    public void An_origin_or_pattern_longer_than_the_max_origin_length_is_refused_because_it_could_never_match(string entry)
    {
        var options = new StrictCorsOptions { MaxOriginLength = 20 }.AddDefaultPolicy("web", p => p.WithOrigins("https://a.io", entry));
        var error = TestPolicies.Validate(options).Issues.Errors.Should().ContainSingle().Subject;
        error.Path.Should().Be("Cors:Policies:web:Origins:1");
        error.Message.Should().Be($"'{entry}' is longer than MaxOriginLength (20) and could never match: raise MaxOriginLength.");
    }

    [Fact]
    public void An_origin_exactly_as_long_as_the_max_origin_length_is_accepted()
    {
        var options = new StrictCorsOptions { MaxOriginLength = 23 }.AddDefaultPolicy("web", p => p.WithOrigins("https://app.example.com"));
        TestPolicies.Validate(options).Issues.Errors.Should().BeEmpty();
    }

    [Fact]
    public void A_default_policy_that_does_not_exist_is_refused()
    {
        var options = new StrictCorsOptions { DefaultPolicy = "missing" };
        options.AddPolicy("web", p => p.WithOrigins("https://a.example.com"));
        var error = TestPolicies.Validate(options).Issues.Errors.Should().ContainSingle().Subject;
        error.Path.Should().Be("Cors:DefaultPolicy");
        error.Message.Should().Contain("'missing', which does not exist").And.Contain("defined policies: web");
    }

    [Theory]
    [InlineData("Web", "AddPolicy(\"web\") and AddPolicy(\"Web\") name the same policy (names are case-insensitive)")]
    [InlineData("web", "AddPolicy(\"web\") is called twice")]
    public void Two_policies_written_in_code_under_one_name_are_refused_naming_both(string second, string why)
    {
        var options = new StrictCorsOptions()
            .AddDefaultPolicy("web", p => p.WithOrigins("https://app.example.com"))
            .AddPolicy(second, p => p.WithOrigins("https://admin.example.com"));

        var result = TestPolicies.Validate(options);

        result.Succeeded.Should().BeFalse("the later policy silently replaced the earlier");
        var error = result.Issues.Errors.Should().ContainSingle().Subject;
        error.Path.Should().Be($"Cors:Policies:{second}");
        error.Message.Should().Be($"{why}, so the later replaces the earlier. Give each policy its own name.");
    }

    [Fact]
    public void Every_error_is_reported_at_once_with_its_own_path()
    {
        var options = new StrictCorsOptions { DefaultPolicy = "nope" };
        options.AddPolicy("a", p => p.AllowAnyOrigin().AllowCredentials().WithMethods("TRACE"));
        options.AddPolicy("b", p => p.WithOrigins("https://*.com", "null").WithHeaders("Cookie").WithMaxAge(TimeSpan.FromSeconds(-1)));
        var paths = TestPolicies.Validate(options).Issues.Errors.Select(e => e.Path);
        paths.Should().BeEquivalentTo(
        [
            "Cors:Policies:a:Origins:0",
            "Cors:Policies:a:Methods:0",
            "Cors:Policies:b:Origins:0",
            "Cors:Policies:b:Origins:1",
            "Cors:Policies:b:Headers:0",
            "Cors:Policies:b:MaxAgeSeconds",
            "Cors:DefaultPolicy",
        ]);
    }

    [Fact]
    public void A_valid_configuration_compiles_without_issues()
    {
        var result = TestPolicies.Validate(p => p
            .WithOrigins("https://app.example.com", "https://*.example.com")
            .WithMethods("PUT", "DELETE", "PATCH")
            .WithHeaders("Content-Type", "Authorization", "X-Requested-With")
            .WithExposedHeaders("X-Request-Id")
            .AllowCredentials()
            .WithMaxAge(TimeSpan.FromMinutes(10)));
        result.Succeeded.Should().BeTrue();
        result.Issues.All.Should().BeEmpty();
    }

    [Theory]
    [InlineData(601, "Safari caps it at 600")]
    [InlineData(7201, "Chromium caps it at 7200")]
    [InlineData(86401, "Firefox caps it at 86400")]
    public void Max_age_above_a_browser_cap_is_warned(int seconds, string expected)
    {
        var warning = Warnings(p => p.WithOrigins("https://a.example.com").WithMaxAge(TimeSpan.FromSeconds(seconds))).Should().ContainSingle().Subject;
        warning.Path.Should().Be("Cors:Policies:test:MaxAgeSeconds");
        warning.Message.Should().Contain(expected);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    [InlineData("POST")]
    public void Safelisted_methods_listed_needlessly_are_warned(string method) =>
        Warnings(p => p.WithOrigins("https://a.example.com").WithMethods(method)).Should().ContainSingle()
            .Which.Message.Should().Contain("CORS-safelisted").And.Contain("unnecessary");

    [Theory]
    [InlineData("Accept")]
    [InlineData("Accept-Language")]
    [InlineData("Content-Language")]
    [InlineData("Content-Type")]
    [InlineData("Range")]
    public void Request_headers_safelisted_only_for_some_values_are_not_warned_as_needless(string header) =>
        Warnings(p => p.WithOrigins("https://a.example.com").WithHeaders(header)).Should()
            .BeEmpty("browsers preflight {0} when its value has CORS-unsafe bytes or is over 128 bytes, and then only a listed name passes", header);

    [Theory]
    [InlineData(true, CrossOriginGuardMode.Off)]
    [InlineData(false, CrossOriginGuardMode.Enforce)]
    [InlineData(false, CrossOriginGuardMode.ReportOnly)]
    public void Both_guard_keys_set_in_code_and_disagreeing_are_refused_naming_both(bool block, CrossOriginGuardMode guard)
    {
        var result = TestPolicies.Validate(new StrictCorsOptions { BlockCrossOriginUnsafeRequests = block, CrossOriginGuard = guard }
            .AddPolicy("web", p => p.WithOrigins("https://a.example.com")));

        result.Succeeded.Should().BeFalse();
        var error = result.Issues.Errors.Should().ContainSingle().Subject;
        error.Path.Should().Be("Cors:CrossOriginGuard");
        error.Message.Should().Be($"is {guard}, but Cors:BlockCrossOriginUnsafeRequests is {(block ? "true" : "false")}, "
            + $"{(block ? "which turns the guard on" : "the older way of writing Off")}: the two keys contradict each other. "
            + "Keep only CrossOriginGuard and remove BlockCrossOriginUnsafeRequests.");
    }

    [Theory]
    [InlineData(null, CrossOriginGuardMode.Off, CrossOriginGuardMode.Off)]
    [InlineData(true, CrossOriginGuardMode.Enforce, CrossOriginGuardMode.Enforce)]
    [InlineData(true, CrossOriginGuardMode.ReportOnly, CrossOriginGuardMode.ReportOnly)]
    [InlineData(false, CrossOriginGuardMode.Off, CrossOriginGuardMode.Off)]
    [InlineData(false, null, CrossOriginGuardMode.Off)]
    [InlineData(true, null, CrossOriginGuardMode.Enforce)]
    public void Guard_keys_that_agree_or_stand_alone_decide_the_guard(bool? block, CrossOriginGuardMode? guard, CrossOriginGuardMode expected)
    {
        var options = new StrictCorsOptions { CrossOriginGuard = guard }.AddPolicy("web", p => p.WithOrigins("https://a.example.com"));
        if (block is { } value)
        {
            options.BlockCrossOriginUnsafeRequests = value;
        }

        var result = TestPolicies.Validate(options);

        result.Issues.Errors.Should().BeEmpty();
        result.Policies!.Guard.Should().Be(expected);
    }

    [Theory]
    [InlineData("Content-Type")]
    [InlineData("Cache-Control")]
    public void Safelisted_response_headers_exposed_needlessly_are_warned(string header)
    {
        var warning = Warnings(p => p.WithOrigins("https://a.example.com").WithExposedHeaders(header)).Should().ContainSingle().Subject;
        warning.Path.Should().Be("Cors:Policies:test:ExposedHeaders:0");
        warning.Message.Should().Be($"'{header}' is CORS-safelisted: pages can always read it; listing it is unnecessary.");
    }

    [Fact]
    public void Wildcard_headers_without_Authorization_are_warned()
    {
        var warning = Warnings(p => p.WithOrigins("https://a.example.com").WithHeaders("*")).Should().ContainSingle().Subject;
        warning.Path.Should().Be("Cors:Policies:test:Headers");
        warning.Message.Should().Contain("'*' does not cover Authorization").And.Contain("Chromium, Firefox and WebKit were all seen letting '*' cover it");
        Warnings(p => p.WithOrigins("https://a.example.com").WithHeaders("*", "Authorization")).Should().BeEmpty();
    }

    [Fact]
    public void Duplicates_are_warned_and_kept_once()
    {
        var result = TestPolicies.Validate(p => p.WithOrigins("https://a.example.com", "https://a.example.com").WithHeaders("X-A", "x-a"));
        result.Issues.Warnings.Select(w => w.Path).Should().BeEquivalentTo(["Cors:Policies:test:Origins:1", "Cors:Policies:test:Headers:1"]);
        result.Policies!.Default.AllowHeadersValue.ToString().Should().Be("X-A");
    }

    [Fact]
    public void AllowPrivateNetwork_is_warned_as_the_legacy_preflight_that_Local_Network_Access_replaced()
    {
        var warning = Warnings(p => p.WithOrigins("https://app.example.com").AllowPrivateNetwork()).Should().ContainSingle().Subject;

        warning.Path.Should().Be("Cors:Policies:test:AllowPrivateNetwork");
        warning.Message.Should().Contain("Chrome 142").And.Contain("Local Network Access permission prompt").And.Contain("no response header grants");
    }

    [Fact]
    public void No_policy_at_all_is_valid_denies_everything_and_is_warned()
    {
        var result = TestPolicies.Validate(new StrictCorsOptions());
        result.Succeeded.Should().BeTrue();
        result.Policies!.Default.Should().BeSameAs(result.Policies.None);
        result.Policies.None.Origins.AllowsNoOrigin.Should().BeTrue();
        result.Issues.Warnings.Should().ContainSingle().Which.Message.Should().Contain("every cross-origin request will be denied");
    }
}
