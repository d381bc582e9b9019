using CorsKit.Policies;

namespace CorsKit.Tests.Policies;

public class AccessComparerTests
{
    private const string App = "https://app.example.com";

    private static CompiledPolicySet Compile(StrictCorsOptions options)
    {
        var result = TestPolicies.Validate(options);
        result.Issues.Errors.Should().BeEmpty("the test configuration must be valid");
        return result.Policies!;
    }

    private static CompiledPolicySet Web(Action<StrictCorsPolicyBuilder> configure) =>
        Compile(new StrictCorsOptions().AddPolicy("web", configure));

    private static AccessChanges Compare(CompiledPolicySet before, CompiledPolicySet after) => AccessComparer.Compare(before, after, "Cors");

    private static void ShouldBe(AccessChanges changes, AccessEffect verdict, params string[] lines)
    {
        changes.Changes.Select(c => c.ToString()).Should().Equal(lines);
        changes.Verdict.Should().Be(verdict);
    }

    [Fact]
    public void The_same_configuration_changes_nothing()
    {
        var changes = Compare(Compile(new StrictCorsOptions().AddDefaultPolicy("web", p => p.WithOrigins(App).AllowCredentials())),
            Compile(new StrictCorsOptions().AddDefaultPolicy("web", p => p.WithOrigins(App).AllowCredentials())));

        ShouldBe(changes, AccessEffect.Same);
        changes.Summary.Should().Be("Access unchanged: no change.");
    }

    [Fact]
    public void An_origin_added_widens_access_and_one_removed_narrows_it()
    {
        var changes = Compare(Web(p => p.WithOrigins(App, "https://old.example.com")), Web(p => p.WithOrigins(App, "https://*.partner.example")));

        ShouldBe(changes, AccessEffect.Widened,
            "widened: Cors:Policies:web:Origins: added 'https://*.partner.example'.",
            "narrowed: Cors:Policies:web:Origins: removed 'https://old.example.com'.");
        changes.Summary.Should().Be("Access widened: 1 change(s) widened it, 1 narrowed it.");
    }

    [Fact]
    public void Removing_entries_only_narrows_access()
    {
        var changes = Compare(Web(p => p.WithOrigins(App, "https://old.example.com").WithMethods("PUT")), Web(p => p.WithOrigins(App)));

        ShouldBe(changes, AccessEffect.Narrowed,
            "narrowed: Cors:Policies:web:Origins: removed 'https://old.example.com'.",
            "narrowed: Cors:Policies:web:Methods: removed 'PUT'.");
        changes.Summary.Should().Be("Access narrowed only: 2 change(s) narrowed it.");
    }

    [Fact]
    public void Entries_another_entry_already_allows_change_no_access()
    {
        var changes = Compare(
            Web(p => p.WithOrigins("https://*.example.com")),
            Web(p => p.WithOrigins("https://*.example.com", "https://api.example.com", "https://*.eu.example.com", "https://*.example.com:8443", "https://example.com")));

        ShouldBe(changes, AccessEffect.Widened,
            "widened: Cors:Policies:web:Origins: added 'https://example.com', 'https://*.example.com:8443'.",
            "same access: Cors:Policies:web:Origins: added 'https://api.example.com', 'https://*.eu.example.com' (already allowed).");
    }

    [Fact]
    public void Replacing_any_origin_by_a_list_narrows_access_only()
    {
        var changes = Compare(Web(p => p.AllowAnyOrigin()), Web(p => p.WithOrigins(App, "https://*.example.com")));

        ShouldBe(changes, AccessEffect.Narrowed,
            "same access: Cors:Policies:web:Origins: added 'https://app.example.com', 'https://*.example.com' (already allowed).",
            "narrowed: Cors:Policies:web:Origins: removed '*'.");
    }

    [Fact]
    public void Methods_and_headers_compare_by_what_they_allow_with_the_wildcard_included()
    {
        var changes = Compare(
            Web(p => p.WithOrigins(App).WithMethods("*").WithHeaders("*")),
            Web(p => p.WithOrigins(App).WithMethods("PATCH", "GET").WithHeaders("X-Trace-Id", "Authorization")));

        ShouldBe(changes, AccessEffect.Widened,
            "same access: Cors:Policies:web:Methods: added 'PATCH', 'GET' (already allowed).",
            "narrowed: Cors:Policies:web:Methods: removed '*'.",
            "widened: Cors:Policies:web:Headers: added 'Authorization'.",
            "same access: Cors:Policies:web:Headers: added 'X-Trace-Id' (already allowed).",
            "narrowed: Cors:Policies:web:Headers: removed '*'.");
    }

    [Fact]
    public void Header_names_compare_case_insensitively_and_method_names_case_sensitively()
    {
        var changes = Compare(
            Web(p => p.WithOrigins(App).WithMethods("PATCH").WithHeaders("Content-Type")),
            Web(p => p.WithOrigins(App).WithMethods("patch").WithHeaders("content-type")));

        ShouldBe(changes, AccessEffect.Widened,
            "widened: Cors:Policies:web:Methods: added 'patch'.",
            "narrowed: Cors:Policies:web:Methods: removed 'PATCH'.");
    }

    [Fact]
    public void Exposed_headers_widen_access_unless_pages_could_already_read_them()
    {
        var changes = Compare(Web(p => p.WithOrigins(App).WithExposedHeaders("X-Request-Id")), Web(p => p.WithOrigins(App).WithExposedHeaders("X-Total", "Content-Type")));

        ShouldBe(changes, AccessEffect.Widened,
            "widened: Cors:Policies:web:ExposedHeaders: added 'X-Total'.",
            "same access: Cors:Policies:web:ExposedHeaders: added 'Content-Type' (already allowed).",
            "narrowed: Cors:Policies:web:ExposedHeaders: removed 'X-Request-Id'.");
    }

    [Fact]
    public void Credentials_private_network_and_insecure_origins_turned_on_widen_access()
    {
        var changes = Compare(
            Web(p => p.WithOrigins("http://localhost:3000")),
            Web(p => p.WithOrigins("http://localhost:3000").AllowCredentials().AllowPrivateNetwork().AllowInsecureOrigins()));

        ShouldBe(changes, AccessEffect.Widened,
            "widened: Cors:Policies:web:AllowCredentials: false -> true.",
            "widened: Cors:Policies:web:AllowPrivateNetwork: false -> true.",
            "widened: Cors:Policies:web:AllowInsecureOrigins: false -> true.");
    }

    [Fact]
    public void Credentials_turned_off_narrow_access()
    {
        ShouldBe(Compare(Web(p => p.WithOrigins(App).AllowCredentials()), Web(p => p.WithOrigins(App))), AccessEffect.Narrowed,
            "narrowed: Cors:Policies:web:AllowCredentials: true -> false.");
    }

    [Fact]
    public void A_new_max_age_is_listed_without_changing_access()
    {
        var changes = Compare(Web(p => p.WithOrigins(App).WithMaxAge(TimeSpan.FromMinutes(10))), Web(p => p.WithOrigins(App)));

        ShouldBe(changes, AccessEffect.Same,
            "same access: Cors:Policies:web:MaxAgeSeconds: 600 -> unset (how long browsers may cache a preflight answer, not what it allows).");
        changes.Summary.Should().Be("Access unchanged: 1 change(s) left it the same.");
    }

    [Fact]
    public void A_policy_added_widens_access_with_all_it_grants_and_one_removed_narrows_it()
    {
        var before = Compile(new StrictCorsOptions().AddPolicy("old", p => p.WithOrigins(App)));
        var after = Compile(new StrictCorsOptions().AddPolicy("new", p => p.WithOrigins(App).WithMethods("PUT").AllowCredentials()));

        ShouldBe(Compare(before, after), AccessEffect.Widened,
            "widened: Cors:Policies:new: added.",
            "widened: Cors:Policies:new:Origins: added 'https://app.example.com'.",
            "widened: Cors:Policies:new:Methods: added 'PUT'.",
            "widened: Cors:Policies:new:AllowCredentials: false -> true.",
            "narrowed: Cors:Policies:old: removed.",
            "narrowed: Cors:Policies:old:Origins: removed 'https://app.example.com'.");
    }

    [Fact]
    public void A_new_default_policy_is_compared_by_what_endpoints_without_a_policy_may_now_do()
    {
        var before = Compile(new StrictCorsOptions()
            .AddDefaultPolicy("web", p => p.WithOrigins(App).WithMethods("PUT").AllowCredentials())
            .AddPolicy("public", p => p.AllowAnyOrigin()));
        var after = Compile(new StrictCorsOptions()
            .AddPolicy("web", p => p.WithOrigins(App).WithMethods("PUT").AllowCredentials())
            .AddDefaultPolicy("public", p => p.AllowAnyOrigin()));

        ShouldBe(Compare(before, after), AccessEffect.Widened,
            "widened: Cors:DefaultPolicy: 'web' -> 'public'.",
            "widened: Cors:DefaultPolicy: for endpoints that name no policy, Origins added '*'.",
            "same access: Cors:DefaultPolicy: for endpoints that name no policy, Origins removed 'https://app.example.com' (still allowed).",
            "narrowed: Cors:DefaultPolicy: for endpoints that name no policy, Methods removed 'PUT'.",
            "narrowed: Cors:DefaultPolicy: for endpoints that name no policy, AllowCredentials true -> false.");
    }

    [Fact]
    public void Removing_the_default_policy_narrows_access_and_a_renamed_one_with_the_same_settings_changes_none()
    {
        var web = Compile(new StrictCorsOptions().AddDefaultPolicy("web", p => p.WithOrigins(App)).AddPolicy("api", p => p.WithOrigins(App)));
        var none = Compile(new StrictCorsOptions().AddPolicy("web", p => p.WithOrigins(App)).AddPolicy("api", p => p.WithOrigins(App)));
        var api = Compile(new StrictCorsOptions().AddPolicy("web", p => p.WithOrigins(App)).AddDefaultPolicy("api", p => p.WithOrigins(App)));

        ShouldBe(Compare(web, none), AccessEffect.Narrowed,
            "narrowed: Cors:DefaultPolicy: 'web' -> none (no cross-origin access).",
            "narrowed: Cors:DefaultPolicy: for endpoints that name no policy, Origins removed 'https://app.example.com'.");
        ShouldBe(Compare(web, api), AccessEffect.Same, "same access: Cors:DefaultPolicy: 'web' -> 'api'.");
    }

    [Fact]
    public void The_CSRF_guard_turned_off_widens_access_and_turned_on_narrows_it()
    {
        var on = Compile(new StrictCorsOptions().AddPolicy("web", p => p.WithOrigins(App)));
        var off = Compile(new StrictCorsOptions { BlockCrossOriginUnsafeRequests = false }.AddPolicy("web", p => p.WithOrigins(App)));

        ShouldBe(Compare(on, off), AccessEffect.Widened, "widened: Cors:CrossOriginGuard: Enforce -> Off (the CSRF guard).");
        ShouldBe(Compare(off, on), AccessEffect.Narrowed, "narrowed: Cors:CrossOriginGuard: Off -> Enforce (the CSRF guard).");
    }

    [Fact]
    public void Compared_with_nothing_everything_a_configuration_grants_is_widened()
    {
        var changes = Compare(AccessComparer.Nothing, Compile(new StrictCorsOptions().AddDefaultPolicy("web", p => p.WithOrigins(App).WithMaxAge(TimeSpan.FromSeconds(60)))));

        ShouldBe(changes, AccessEffect.Widened,
            "widened: Cors:Policies:web: added.",
            "widened: Cors:Policies:web:Origins: added 'https://app.example.com'.",
            "same access: Cors:Policies:web:MaxAgeSeconds: unset -> 60 (how long browsers may cache a preflight answer, not what it allows).",
            "widened: Cors:DefaultPolicy: none (no cross-origin access) -> 'web'.",
            "widened: Cors:DefaultPolicy: for endpoints that name no policy, Origins added 'https://app.example.com'.",
            "same access: Cors:DefaultPolicy: for endpoints that name no policy, MaxAgeSeconds unset -> 60 (how long browsers may cache a preflight answer, not what it allows).");
        changes.Summary.Should().Be("Access widened: 4 change(s) widened it, 2 left it the same.");
    }

    private const string StopsDeciding = "CorsKit stops deciding what pages may read: whatever else writes CORS headers for these endpoints decides, and CorsKit cannot vouch for it";
    private const string GrantsStop = "CorsKit's own grants stop: no Access-Control-* header, no preflight answered";
    private const string StartsGranting = "CorsKit starts granting: the origins the policy allows get its Access-Control-* headers and answered preflights";
    private const string OthersRemoved = "CORS headers anything else writes for these endpoints are removed, and the policy's denials apply";

    [Fact]
    public void A_policy_switched_from_report_only_to_enforce_widens_access_while_it_narrows_it()
    {
        var changes = Compare(Web(p => p.WithOrigins(App).ReportOnly()), Web(p => p.WithOrigins(App)));

        ShouldBe(changes, AccessEffect.Widened,
            $"widened: Cors:Policies:web:Mode: ReportOnly -> Enforce ({StartsGranting}).",
            $"narrowed: Cors:Policies:web:Mode: ReportOnly -> Enforce ({OthersRemoved}).");
    }

    [Fact]
    public void A_policy_switched_from_enforce_to_report_only_widens_access_while_it_narrows_it()
    {
        var changes = Compare(Web(p => p.WithOrigins(App)), Web(p => p.WithOrigins(App).ReportOnly()));

        ShouldBe(changes, AccessEffect.Widened,
            $"widened: Cors:Policies:web:Mode: Enforce -> ReportOnly ({StopsDeciding}).",
            $"narrowed: Cors:Policies:web:Mode: Enforce -> ReportOnly ({GrantsStop}).");
    }

    [Fact]
    public void The_default_policy_switched_to_an_enforced_copy_widens_access()
    {
        var before = Compile(new StrictCorsOptions()
            .AddPolicy("web", p => p.WithOrigins(App))
            .AddDefaultPolicy("trial", p => p.WithOrigins(App).ReportOnly()));
        var after = Compile(new StrictCorsOptions()
            .AddDefaultPolicy("web", p => p.WithOrigins(App))
            .AddPolicy("trial", p => p.WithOrigins(App).ReportOnly()));

        ShouldBe(Compare(before, after), AccessEffect.Widened,
            "widened: Cors:DefaultPolicy: 'trial' -> 'web'.",
            $"widened: Cors:DefaultPolicy: for endpoints that name no policy, Mode ReportOnly -> Enforce ({StartsGranting}).",
            $"narrowed: Cors:DefaultPolicy: for endpoints that name no policy, Mode ReportOnly -> Enforce ({OthersRemoved}).");
    }

    [Fact]
    public void The_section_mode_switched_to_enforce_widens_access_through_the_policies_and_the_guard_that_follow_it()
    {
        var before = Compile(new StrictCorsOptions { Mode = StrictCorsMode.ReportOnly }.AddPolicy("web", p => p.WithOrigins(App)));
        var after = Compile(new StrictCorsOptions().AddPolicy("web", p => p.WithOrigins(App)));

        ShouldBe(Compare(before, after), AccessEffect.Widened,
            $"widened: Cors:Policies:web:Mode: ReportOnly -> Enforce ({StartsGranting}).",
            $"narrowed: Cors:Policies:web:Mode: ReportOnly -> Enforce ({OthersRemoved}).",
            "widened: Cors:Mode: ReportOnly -> Enforce (followed by policy 'web' and the CSRF guard; each is listed on its own line).",
            "narrowed: Cors:CrossOriginGuard: ReportOnly -> Enforce (the CSRF guard).");
    }

    [Fact]
    public void A_section_mode_that_nothing_follows_is_listed_without_changing_access()
    {
        var before = Compile(new StrictCorsOptions { CrossOriginGuard = CrossOriginGuardMode.Enforce }.AddPolicy("web", p => p.WithOrigins(App).ReportOnly()));
        var after = Compile(new StrictCorsOptions { Mode = StrictCorsMode.ReportOnly, CrossOriginGuard = CrossOriginGuardMode.Enforce }
            .AddPolicy("web", p => p.WithOrigins(App).ReportOnly()));

        ShouldBe(Compare(before, after), AccessEffect.Same,
            "same access: Cors:Mode: Enforce -> ReportOnly (no request is answered differently: every policy sets its own Mode, "
                + "the CSRF guard its own state, and endpoints without a policy are always enforced).");
    }

    [Theory]
    [InlineData(CrossOriginGuardMode.ReportOnly, CrossOriginGuardMode.Off)]
    [InlineData(CrossOriginGuardMode.Off, CrossOriginGuardMode.ReportOnly)]
    public void The_guard_between_report_only_and_off_changes_no_access(CrossOriginGuardMode before, CrossOriginGuardMode after)
    {
        var changes = Compare(
            Compile(new StrictCorsOptions { CrossOriginGuard = before }.AddPolicy("web", p => p.WithOrigins(App))),
            Compile(new StrictCorsOptions { CrossOriginGuard = after }.AddPolicy("web", p => p.WithOrigins(App))));

        ShouldBe(changes, AccessEffect.Same, $"same access: Cors:CrossOriginGuard: {before} -> {after} (the CSRF guard: neither state blocks a write).");
    }

    [Fact]
    public void Raising_the_max_origin_length_widens_access_and_lowering_it_narrows_it()
    {
        var standard = Compile(new StrictCorsOptions().AddPolicy("web", p => p.WithOrigins("https://*.example.com")));
        var longer = Compile(new StrictCorsOptions { MaxOriginLength = 2048 }.AddPolicy("web", p => p.WithOrigins("https://*.example.com")));

        ShouldBe(Compare(standard, longer), AccessEffect.Widened, "widened: Cors:MaxOriginLength: 512 -> 2048 (the longest Origin a pattern or '*' may allow).");
        ShouldBe(Compare(longer, standard), AccessEffect.Narrowed, "narrowed: Cors:MaxOriginLength: 2048 -> 512 (the longest Origin a pattern or '*' may allow).");
    }

    [Fact]
    public void Entries_of_a_report_only_policy_grant_nothing_but_its_origins_still_decide_writes_while_the_guard_enforces()
    {
        static StrictCorsOptions Options(CrossOriginGuardMode guard, params string[] origins) =>
            new StrictCorsOptions { Mode = StrictCorsMode.ReportOnly, CrossOriginGuard = guard }
                .AddPolicy("web", p => p.WithOrigins(origins).WithMethods(origins.Length > 1 ? ["PUT"] : []));

        ShouldBe(Compare(Compile(Options(CrossOriginGuardMode.ReportOnly, App)), Compile(Options(CrossOriginGuardMode.ReportOnly, App, "https://b.example.com"))),
            AccessEffect.Same,
            "same access: Cors:Policies:web:Origins: added 'https://b.example.com' (no request is answered differently: the policy only reports and the CSRF guard does not enforce).",
            "same access: Cors:Policies:web:Methods: added 'PUT' (no request is answered differently: the policy only reports, so CorsKit grants nothing under it).");
        ShouldBe(Compare(Compile(Options(CrossOriginGuardMode.Enforce, App)), Compile(Options(CrossOriginGuardMode.Enforce, App, "https://b.example.com"))),
            AccessEffect.Widened,
            "widened: Cors:Policies:web:Origins: added 'https://b.example.com'.",
            "same access: Cors:Policies:web:Methods: added 'PUT' (no request is answered differently: the policy only reports, so CorsKit grants nothing under it).");
    }

    public enum GuardState
    {
        Enforce,
        ReportOnly,
        Off,
    }

    [Theory]
    [InlineData(GuardState.Enforce, GuardState.ReportOnly, true)]
    [InlineData(GuardState.ReportOnly, GuardState.Off, true)]
    [InlineData(GuardState.Off, GuardState.Enforce, false)]
    public void A_mode_is_compared_by_ranking_its_values_in_one_line(GuardState before, GuardState after, bool widens)
    {
        var setting = Setting.Ranked<GuardState, GuardState>("CrossOriginGuard", Grants.Writes, s => s, s => (int)s);

        setting.Compare(before, after).Should().Equal(new SettingChange(widens ? AccessEffect.Widened : AccessEffect.Narrowed, $"{before} -> {after}."));
        setting.Compare(after, after).Should().BeEmpty();
    }
}
