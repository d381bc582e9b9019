using CorsKit.Hosting.Configuration;
using CorsKit.Policies;
using CorsKit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CorsKit.Tests.Hosting;

/// <summary>The appsettings.json schema is a public contract: every documented key binds, and nothing else is accepted silently.</summary>
public class ConfigurationBindingTests
{
    /// <summary>Binds as the app does; the options are null when binding itself fails (the issues say why).</summary>
    private static (StrictCorsOptions? Options, ConfigurationIssues Issues) Bind(string json, string section = "Cors")
    {
        var source = new MutableConfigurationSource();
        source.Set(json);
        var configuration = new ConfigurationBuilder().Add(source).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        if (section == "Cors")
        {
            services.AddStrictCors();
        }
        else
        {
            services.AddStrictCors(configuration.GetSection(section));
        }

        using var provider = services.BuildServiceProvider();
        var issues = provider.GetRequiredService<CorsPolicyStore>().StartupIssues;
        try
        {
            return (provider.GetRequiredService<IOptionsFactory<StrictCorsOptions>>().Create(Options.DefaultName), issues);
        }
        catch (InvalidOperationException)
        {
            return (null, issues);
        }
    }

    [Fact]
    public void Every_documented_key_binds()
    {
        var (bound, issues) = Bind("""
            { "Cors": {
                "DefaultPolicy": "web",
                "BlockCrossOriginUnsafeRequests": false,
                "MaxOriginLength": 300,
                "Policies": {
                  "web": {
                    "Origins": [ "https://app.example.com", "https://*.example.com" ],
                    "Methods": [ "PUT", "DELETE" ],
                    "Headers": [ "Content-Type", "Authorization" ],
                    "ExposedHeaders": [ "X-Request-Id" ],
                    "AllowCredentials": true,
                    "MaxAgeSeconds": 600,
                    "AllowPrivateNetwork": true,
                    "AllowInsecureOrigins": true
                  },
                  "public": { "Origins": [ "*" ], "Methods": [ "GET" ] } } } }
            """);
        var options = bound!;

        options.DefaultPolicy.Should().Be("web");
        options.BlockCrossOriginUnsafeRequests.Should().BeFalse();
        options.MaxOriginLength.Should().Be(300);
        options.Policies.Keys.Should().BeEquivalentTo(["web", "public"]);
        var web = options.Policies["web"];
        web.Origins.Should().Equal("https://app.example.com", "https://*.example.com");
        web.Methods.Should().Equal("PUT", "DELETE");
        web.Headers.Should().Equal("Content-Type", "Authorization");
        web.ExposedHeaders.Should().Equal("X-Request-Id");
        web.AllowCredentials.Should().BeTrue();
        web.MaxAgeSeconds.Should().Be(600);
        web.AllowPrivateNetwork.Should().BeTrue();
        web.AllowInsecureOrigins.Should().BeTrue();
        options.Policies["PUBLIC"].Origins.Should().ContainSingle("policy names are case-insensitive like configuration keys").Which.Should().Be("*");
        issues.Errors.Should().BeEmpty();
    }

    [Fact]
    public void Defaults_are_strict()
    {
        var options = Bind("""{ "Cors": { "Policies": { "web": { "Origins": [ "https://app.example.com" ] } } } }""").Options!;

        options.DefaultPolicy.Should().BeNull();
        options.BlockCrossOriginUnsafeRequests.Should().BeTrue();
        options.MaxOriginLength.Should().Be(512);
        var web = options.Policies["web"];
        web.Methods.Should().BeEmpty();
        web.Headers.Should().BeEmpty();
        web.AllowCredentials.Should().BeFalse();
        web.MaxAgeSeconds.Should().BeNull();
        web.AllowPrivateNetwork.Should().BeFalse();
        web.AllowInsecureOrigins.Should().BeFalse();
    }

    [Fact]
    public void Another_section_can_be_bound_and_paths_name_it()
    {
        var (bound, issues) = Bind("""{ "Security": { "Cors": { "Policies": { "web": { "Origins": [ "https://App.example.com" ] } } } } }""", "Security:Cors");
        var options = bound!;

        options.Policies.Should().ContainKey("web");
        issues.Errors.Should().ContainSingle().Which.Path.Should().Be("Security:Cors:Policies:web:Origins:0");
    }

    [Theory]
    [InlineData("""{ "Cors": { "Default": "web" } }""", "Cors:Default", "'Default' is not a CorsKit setting; did you mean 'DefaultPolicy'?")]
    [InlineData("""{ "Cors": { "Policies": { "web": { "AllowedOrigins": [ "https://a.example.com" ] } } } }""", "Cors:Policies:web:AllowedOrigins", "did you mean 'Origins'?")]
    [InlineData("""{ "Cors": { "Policies": { "web": { "Origins": [ "https://a.example.com" ], "SupportsCredentials": true } } } }""", "Cors:Policies:web:SupportsCredentials", "did you mean 'AllowCredentials'?")]
    [InlineData("""{ "Cors": { "Policies": { "web": { "Origins": [ "https://a.example.com" ], "Credentials": true } } } }""", "Cors:Policies:web:Credentials", "Known settings here:")]
    [InlineData("""{ "Cors": { "Policies": { "web": { "Origins": "https://a.example.com" } } } }""", "Cors:Policies:web:Origins", "must be a list: write \"Origins\": [ \"https://a.example.com\" ]")]
    public void Unknown_keys_and_misshapen_values_are_refused_with_a_suggestion(string json, string path, string message)
    {
        var (_, issues) = Bind(json);

        issues.Errors.Should().Contain(e => e.Path == path && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_refused_naming_its_key()
    {
        var (_, issues) = Bind("""{ "Cors": { "Policies": { "web": { "Origins": [ "https://a.example.com" ], "AllowCredentials": "yes" } } } }""");

        var error = issues.Errors.Should().ContainSingle().Subject;
        error.Path.Should().Be("Cors:Policies:web:AllowCredentials");
        error.Message.Should().Be("'yes' is not a boolean: write true or false.");
    }

    [Fact]
    public void A_max_age_that_is_not_a_number_is_refused_naming_its_key()
    {
        var (_, issues) = Bind("""{ "Cors": { "Policies": { "web": { "Origins": [ "https://a.example.com" ], "MaxAgeSeconds": "10m" } } } }""");

        var error = issues.Errors.Should().ContainSingle().Subject;
        error.Path.Should().Be("Cors:Policies:web:MaxAgeSeconds");
        error.Message.Should().Be("'10m' is not a whole number, e.g. 600.");
    }
}
