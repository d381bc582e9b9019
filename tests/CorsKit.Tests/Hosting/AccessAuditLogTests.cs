using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace CorsKit.Tests.Hosting;

/// <summary>The audit trail: each load names the effective origins (1000), and what changed in access is logged at startup and on every reload that changes it (1011).</summary>
public class AccessAuditLogTests
{
    private const string OriginA = "https://a.example.com";
    private const string OriginB = "https://b.example.com";

    private static string Config(params string[] origins) =>
        $$"""{ "Cors": { "DefaultPolicy": "web", "Policies": { "web": { "Origins": [ {{string.Join(", ", origins.Select(o => $"\"{o}\""))}} ] } } } }""";

    private static string Lines(string first, params string[] changes) => first + string.Concat(changes.Select(c => $"{Environment.NewLine}  - {c}"));

    private static List<FakeLogRecord> AccessChanges(CorsTestApp app) => app.Logs.GetSnapshot().Where(r => r.Id.Id == CorsKitEventIds.AccessChanged).ToList();

    [Fact]
    public async Task Startup_logs_each_policys_effective_origins_and_all_the_access_granted_as_widened()
    {
        await using var app = await CorsTestApp.StartAsync(Config(OriginA, "https://*.b.example.com"));

        var loaded = app.Logs.GetSnapshot().Should().ContainSingle(r => r.Id.Id == CorsKitEventIds.PoliciesLoaded).Subject;
        loaded.Message.Should().Be("CorsKit policies loaded: web; default policy: web. Effective origins: web: https://a.example.com, https://*.b.example.com.");
        var audit = AccessChanges(app).Should().ContainSingle().Subject;
        audit.Id.Name.Should().Be("AccessChanged");
        audit.Level.Should().Be(LogLevel.Information);
        audit.GetStructuredStateValue("Verdict").Should().Be("widened");
        audit.Message.Should().Be(Lines("CorsKit access widened at startup, compared with no cross-origin access (4 change(s) widened it).",
            "widened: Cors:Policies:web: added.",
            "widened: Cors:Policies:web:Origins: added 'https://a.example.com', 'https://*.b.example.com'.",
            "widened: Cors:DefaultPolicy: none (no cross-origin access) -> 'web'.",
            "widened: Cors:DefaultPolicy: for endpoints that name no policy, Origins added 'https://a.example.com', 'https://*.b.example.com'."));
    }

    [Fact]
    public async Task A_reload_that_widens_access_logs_what_widened()
    {
        await using var app = await CorsTestApp.StartAsync(Config(OriginA));

        app.Configuration.Set(Config(OriginA, OriginB));

        var audit = AccessChanges(app).Should().HaveCount(2).And.Subject.Last();
        audit.GetStructuredStateValue("Verdict").Should().Be("widened");
        audit.Message.Should().Be(Lines("CorsKit access widened by the reloaded configuration (1 change(s) widened it).",
            "widened: Cors:Policies:web:Origins: added 'https://b.example.com'."));
    }

    [Fact]
    public async Task A_reload_that_only_narrows_access_says_so()
    {
        await using var app = await CorsTestApp.StartAsync(Config(OriginA, OriginB));

        app.Configuration.Set("""{ "Cors": { "DefaultPolicy": "web", "Policies": { "web": { "Origins": [ "https://a.example.com" ], "MaxAgeSeconds": 60 } } } }""");

        var audit = AccessChanges(app).Should().HaveCount(2).And.Subject.Last();
        audit.GetStructuredStateValue("Verdict").Should().Be("narrowed only");
        audit.Message.Should().Be(Lines("CorsKit access narrowed only by the reloaded configuration (1 change(s) narrowed it, 1 left it the same).",
            "narrowed: Cors:Policies:web:Origins: removed 'https://b.example.com'.",
            "same access: Cors:Policies:web:MaxAgeSeconds: unset -> 60 (how long browsers may cache a preflight answer, not what it allows)."));
    }

    [Fact]
    public async Task A_reload_that_enforces_a_report_only_policy_logs_a_widening()
    {
        await using var app = await CorsTestApp.StartAsync("""{ "Cors": { "DefaultPolicy": "web", "Policies": { "web": { "Origins": [ "https://a.example.com" ], "Mode": "ReportOnly" } } } }""");

        app.Configuration.Set(Config(OriginA));

        var audit = AccessChanges(app).Should().HaveCount(2).And.Subject.Last();
        audit.GetStructuredStateValue("Verdict").Should().Be("widened");
        audit.Message.Should().Be(Lines("CorsKit access widened by the reloaded configuration (1 change(s) widened it, 1 narrowed it).",
            "widened: Cors:Policies:web:Mode: ReportOnly -> Enforce (CorsKit starts granting: the origins the policy allows get its Access-Control-* headers and answered preflights).",
            "narrowed: Cors:Policies:web:Mode: ReportOnly -> Enforce (CORS headers anything else writes for these endpoints are removed, and the policy's denials apply)."));
    }

    [Fact]
    public async Task A_reload_that_changes_nothing_or_is_refused_logs_no_access_change()
    {
        await using var app = await CorsTestApp.StartAsync(Config(OriginA));

        app.Configuration.Set(Config(OriginA));
        app.Configuration.Set(Config("null"));

        app.Logs.GetSnapshot().Count(r => r.Id.Id == CorsKitEventIds.PoliciesLoaded).Should().Be(2, "the unchanged reload is loaded");
        app.Logs.GetSnapshot().Should().ContainSingle(r => r.Id.Id == CorsKitEventIds.ReloadRefused, "the invalid one is refused");
        AccessChanges(app).Should().ContainSingle("only startup changed access");
    }

    [Fact]
    public async Task The_log_names_the_origins_an_environment_file_with_a_shorter_list_leaves_in_force()
    {
        // appsettings.json lists two origins; appsettings.Production.json overrides the list with one.
        // The configuration system merges lists by index, so the second entry survives.
        const string production = """{ "Cors": { "Policies": { "web": { "Origins": [ "https://app.example.com" ] } } } }""";
        await using var app = await CorsTestApp.StartAsync(builder =>
        {
            builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(production)));
            builder.Services.AddStrictCors();
        }, Config("http://localhost:5173", "https://staging.example.com"));

        app.Logs.GetSnapshot().Should().ContainSingle(r => r.Id.Id == CorsKitEventIds.PoliciesLoaded).Which.Message
            .Should().Be("CorsKit policies loaded: web; default policy: web. Effective origins: web: https://app.example.com, https://staging.example.com.");
    }
}
