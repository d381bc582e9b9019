using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.Tests.Hosting;

public class StartupAndReloadTests
{
    private const string OriginA = "https://a.example.com";
    private const string OriginB = "https://b.example.com";

    private static string Config(string origin, string extra = "") => $$"""
        { "Cors": { "DefaultPolicy": "web", "Policies": { "web": { "Origins": [ "{{origin}}" ]{{extra}} } } } }
        """;

    private static async Task<string?> AllowOriginFor(CorsTestApp app, string origin)
    {
        var response = await app.Client.SendAsync(Request(HttpMethod.Get, CorsTestApp.Resource, ("Origin", origin)));
        return AccessControlHeaders(response).GetValueOrDefault("Access-Control-Allow-Origin");
    }

    [Fact]
    public async Task An_invalid_configuration_stops_the_app_from_starting_and_lists_every_error_with_its_path()
    {
        const string json = """
            { "Cors": { "DefaultPolicy": "missing", "Policies": {
                "web": { "Origins": [ "*" ], "AllowCredentials": true, "Methods": [ "TRACE" ] },
                "api": { "Origins": [ "https://API.example.com/" ], "MaxAgeSeconds": -1 } } } }
            """;

        var start = () => CorsTestApp.StartAsync(json);

        var error = (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message;
        error.Should().Contain("CorsKit configuration is invalid (5 error(s))")
            .And.Contain("Cors:Policies:web:Origins:0: '*' cannot be combined with AllowCredentials")
            .And.Contain("Cors:Policies:web:Methods:0: 'TRACE'")
            .And.Contain("Cors:Policies:api:Origins:0: 'https://API.example.com/' is not a browser-canonical origin")
            .And.Contain("did you mean 'https://api.example.com'?")
            .And.Contain("Cors:Policies:api:MaxAgeSeconds: is -1")
            .And.Contain("Cors:DefaultPolicy: names the policy 'missing'");
    }

    [Fact]
    public async Task Two_policies_written_in_code_under_one_name_stop_the_app_with_the_other_errors()
    {
        var start = () => CorsTestApp.StartAsync(o => o
            .AddDefaultPolicy("web", p => p.WithOrigins(OriginA))
            .AddPolicy("Web", p => p.WithOrigins(OriginB))
            .AddPolicy("api", p => p.WithOrigins("null")));

        var error = (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message;
        error.Should().Contain("CorsKit configuration is invalid (2 error(s))")
            .And.Contain("Cors:Policies:Web: AddPolicy(\"web\") and AddPolicy(\"Web\") name the same policy (names are case-insensitive), so the later replaces the earlier. Give each policy its own name.")
            .And.Contain("Cors:Policies:api:Origins:0: 'null' can never be allowed");
    }

    [Fact]
    public async Task Policies_written_in_code_while_the_configuration_has_a_Cors_section_warn_once_that_the_section_is_ignored()
    {
        await using var app = await CorsTestApp.StartAsync(
            builder => builder.Services.AddStrictCors(o => o.AddDefaultPolicy("web", p => p.WithOrigins(OriginA))), Config(OriginB));

        (await AllowOriginFor(app, OriginA)).Should().Be(OriginA, "the policies written in code are in force");
        (await AllowOriginFor(app, OriginB)).Should().BeNull("the section is ignored");
        var warning = app.Logs.GetSnapshot().Should().ContainSingle(r => r.Id.Id == CorsKitEventIds.ConfigurationSectionIgnored).Subject;
        warning.Id.Name.Should().Be("ConfigurationSectionIgnored");
        warning.Level.Should().Be(LogLevel.Warning);
        warning.Message.Should().Be("CorsKit uses the policies written in code (AddStrictCors(o => …)) and ignores the configuration section 'Cors'. "
            + "To use the section instead, call AddStrictCors() (or AddStrictCors(configuration) for another section) without the code; otherwise remove the section.");
    }

    [Theory]
    [InlineData(false, "{}")]
    [InlineData(true, """{ "Cors": { "Policies": { "api": { "Origins": [ "https://b.example.com" ] } } } }""")]
    public async Task Policies_written_in_code_warn_of_no_ignored_section_when_there_is_none_or_it_is_bound_too(bool bindSection, string json)
    {
        await using var app = await CorsTestApp.StartAsync(builder =>
        {
            if (bindSection)
            {
                builder.Services.AddStrictCors();
            }

            builder.Services.AddStrictCors(o => o.AddDefaultPolicy("web", p => p.WithOrigins(OriginA)));
        }, json);

        app.Logs.GetSnapshot().Should().NotContain(r => r.Id.Id == CorsKitEventIds.ConfigurationSectionIgnored);
    }

    [Fact]
    public async Task Warnings_are_logged_at_startup_without_stopping_the_app()
    {
        await using var app = await CorsTestApp.StartAsync(Config(OriginA, """, "Methods": [ "GET" ], "MaxAgeSeconds": 7200"""));

        var warnings = app.Logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning).Select(r => r.Message).ToList();
        warnings.Should().HaveCount(2);
        warnings.Should().Contain(m => m.Contains("Cors:Policies:web:Methods:0: 'GET' is CORS-safelisted", StringComparison.Ordinal));
        warnings.Should().Contain(m => m.Contains("Cors:Policies:web:MaxAgeSeconds: is 7200 seconds, but Safari caps it at 600", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_valid_reload_takes_effect_without_restart()
    {
        await using var app = await CorsTestApp.StartAsync(Config(OriginA));
        (await AllowOriginFor(app, OriginA)).Should().Be(OriginA);

        app.Configuration.Set(Config(OriginB));

        (await AllowOriginFor(app, OriginA)).Should().BeNull();
        (await AllowOriginFor(app, OriginB)).Should().Be(OriginB);
    }

    [Theory]
    [InlineData("""{ "Cors": { "DefaultPolicy": "web", "Policies": { "web": { "Origins": [ "*" ], "AllowCredentials": true } } } }""", "'*' cannot be combined with AllowCredentials")]
    [InlineData("""{ "Cors": { "DefaultPolicy": "web", "Policies": { "web": { "Origins": [ "https://b.example.com" ], "MaxAgeSeconds": "ten" } } } }""", "Cors:Policies:web:MaxAgeSeconds")]
    [InlineData("""{ "Cors": { "DefaultPolicy": "web", "Policies": { "web": { "Origins": [ "https://b.example.com" ], "AllowCredential": true } } } }""", "did you mean 'AllowCredentials'?")]
    [InlineData("""{ "Cors": { "DefaultPolicy": "gone", "Policies": { } } }""", "names the policy 'gone'")]
    public async Task An_invalid_reload_is_refused_logged_as_an_error_and_the_last_good_policies_stay(string invalidJson, string expectedError)
    {
        await using var app = await CorsTestApp.StartAsync(Config(OriginA));

        app.Configuration.Set(invalidJson);

        (await AllowOriginFor(app, OriginA)).Should().Be(OriginA);
        (await AllowOriginFor(app, OriginB)).Should().BeNull();
        var error = app.Logs.GetSnapshot().Should().ContainSingle(r => r.Level == LogLevel.Error).Subject;
        error.Id.Id.Should().Be(CorsKitEventIds.ReloadRefused);
        error.Message.Should().Contain("refused the reloaded configuration; the previous policies stay in force").And.Contain(expectedError);

        app.Configuration.Set(Config(OriginB));
        (await AllowOriginFor(app, OriginB)).Should().Be(OriginB, "a valid configuration after a refused one is taken");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{ "Logging": { "LogLevel": { "Default": "Warning" } } }""")]
    [InlineData("""{ "Cors": { "BlockCrossOriginUnsafeRequests": true } }""")] // what an environment variable leaves behind
    public async Task A_reload_that_loses_the_policies_is_refused_and_the_last_good_policies_stay(string json)
    {
        await using var app = await CorsTestApp.StartAsync(Config(OriginA));

        app.Configuration.Set(json);

        (await AllowOriginFor(app, OriginA)).Should().Be(OriginA, "a missing section is a deployment slip, not a decision");
        var error = app.Logs.GetSnapshot().Should().ContainSingle(r => r.Level == LogLevel.Error).Subject;
        error.Id.Id.Should().Be(CorsKitEventIds.ReloadRefused);
        error.Message.Should().Contain("Cors:Policies: is gone").And.Contain("\"Policies\": {}");
    }

    [Fact]
    public async Task Deleting_the_configuration_file_is_refused_and_the_last_good_policies_stay()
    {
        var directory = Directory.CreateTempSubdirectory("corskit-reload-");
        try
        {
            var file = Path.Combine(directory.FullName, "appsettings.json");
            await File.WriteAllTextAsync(file, Config(OriginA));
            var builder = Testing.TestHost.CreateBuilder("{}", out _);
            builder.Configuration.AddJsonFile(file, optional: true, reloadOnChange: true);
            builder.Services.AddStrictCors();
            await using var app = builder.Build();
            app.UseStrictCors();
            app.MapGet("/", () => "ok");
            await app.StartAsync();
            var client = app.GetTestClient();
            var logs = app.Services.GetFakeLogCollector();

            File.Delete(file);
            var refused = await WaitUntil(() => logs.GetSnapshot().Any(r => r.Id.Id == CorsKitEventIds.ReloadRefused), TimeSpan.FromSeconds(20));

            refused.Should().BeTrue("deleting the file must be noticed and refused");
            var response = await client.SendAsync(Request(HttpMethod.Get, "/", ("Origin", OriginA)));
            AccessControlHeaders(response).GetValueOrDefault("Access-Control-Allow-Origin").Should().Be(OriginA);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_reload_that_keeps_the_section_without_policies_switches_cross_origin_access_off_deliberately()
    {
        await using var app = await CorsTestApp.StartAsync(Config(OriginA));

        app.Configuration.Set("""{ "Cors": { "Policies": {} } }""");

        (await AllowOriginFor(app, OriginA)).Should().BeNull();
        app.Logs.GetSnapshot().Should().NotContain(r => r.Level == LogLevel.Error);
    }

    private static async Task<bool> WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }

    [Fact]
    public void UseStrictCors_without_AddStrictCors_explains_what_is_missing()
    {
        var builder = WebApplication.CreateSlimBuilder();
        using var app = builder.Build();

        var use = () => app.UseStrictCors();

        use.Should().Throw<InvalidOperationException>().WithMessage("*requires builder.Services.AddStrictCors()*");
    }
}
