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
    private static (StrictCorsOptions? Options, ConfigurationIssues Issues) Bind(
        string json, string section = "Cors", IEnumerable<KeyValuePair<string, string?>>? environment = null)
    {
        var source = new MutableConfigurationSource();
        source.Set(json);
        var configuration = new ConfigurationBuilder().Add(source).AddInMemoryCollection(environment ?? []).Build();
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

    [Theory]
    [InlineData("""{ "Cors": { "BlockCrossOriginUnsafeRequests": true, "CrossOriginGuard": "Off", "Policies": { "web": { "Origins": [ "https://a.example.com" ] } } } }""", null)]
    [InlineData("""{ "Cors": { "CrossOriginGuard": "Off", "Policies": { "web": { "Origins": [ "https://a.example.com" ] } } } }""", "true")]
    public void BlockCrossOriginUnsafeRequests_true_bound_next_to_CrossOriginGuard_Off_is_refused_naming_both_keys(string json, string? environment)
    {
        // The second case: appsettings.json turns the guard off, an environment variable (Cors__BlockCrossOriginUnsafeRequests) says true.
        var (_, issues) = Bind(json, environment: environment is null ? null : [new("Cors:BlockCrossOriginUnsafeRequests", environment)]);

        var error = issues.Errors.Should().ContainSingle().Subject;
        error.Path.Should().Be("Cors:CrossOriginGuard");
        error.Message.Should().Be("is Off, but Cors:BlockCrossOriginUnsafeRequests is true, which turns the guard on: the two keys contradict each other. "
            + "Keep only CrossOriginGuard and remove BlockCrossOriginUnsafeRequests.");
    }

    [Theory]
    [InlineData(true, CrossOriginGuardMode.Off, "true, which turns the guard on")]
    [InlineData(false, CrossOriginGuardMode.Enforce, "false, the older way of writing Off")]
    public void Guard_keys_that_disagree_in_AddStrictCors_code_are_refused_naming_both_keys(bool block, CrossOriginGuardMode guard, string blockSays)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddStrictCors(o =>
        {
            o.BlockCrossOriginUnsafeRequests = block;
            o.CrossOriginGuard = guard;
            o.AddPolicy("web", p => p.WithOrigins("https://a.example.com"));
        });
        using var provider = services.BuildServiceProvider();

        var error = provider.GetRequiredService<CorsPolicyStore>().StartupIssues.Errors.Should().ContainSingle().Subject;
        error.Path.Should().Be("Cors:CrossOriginGuard");
        error.Message.Should().Be($"is {guard}, but Cors:BlockCrossOriginUnsafeRequests is {blockSays}: the two keys contradict each other. "
            + "Keep only CrossOriginGuard and remove BlockCrossOriginUnsafeRequests.");
    }

    [Theory]
    [InlineData("""{ "Cors": { "CrossOriginGuard": "Off", "Policies": { "web": { "Origins": [ "https://a.example.com" ] } } } }""")]
    [InlineData("""{ "Cors": { "BlockCrossOriginUnsafeRequests": false, "CrossOriginGuard": "Off", "Policies": { "web": { "Origins": [ "https://a.example.com" ] } } } }""")]
    [InlineData("""{ "Cors": { "BlockCrossOriginUnsafeRequests": true, "CrossOriginGuard": "ReportOnly", "Policies": { "web": { "Origins": [ "https://a.example.com" ] } } } }""")]
    public void Guard_keys_bound_alone_or_agreeing_are_accepted(string json) =>
        Bind(json).Issues.Errors.Should().BeEmpty();

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

    [Fact]
    public void One_policy_written_by_two_configuration_sources_is_one_policy_not_a_repeated_name()
    {
        var (bound, issues) = Bind(
            """{ "Cors": { "Policies": { "web": { "Origins": [ "https://a.example.com" ] } } } }""",
            environment: [new("Cors:Policies:WEB:AllowCredentials", "true")]); // as Cors__Policies__WEB__AllowCredentials would

        issues.Errors.Should().BeEmpty();
        bound!.Policies.Should().ContainSingle().Which.Value.AllowCredentials.Should().BeTrue();
    }

    [Theory]
    [InlineData("""{ "Cors": "web" }""", "Cors",
        "must be an object, not a single value: write \"Cors\": { \"Policies\": { \"web\": { \"Origins\": [ \"https://app.example.com\" ] } } }.")]
    [InlineData("""{ "Cors": { "DefaultPolicy": [ "web" ], "Policies": { "web": { "Origins": [ "https://a.example.com" ] } } } }""", "Cors:DefaultPolicy",
        "must be one policy name, not a list: write \"DefaultPolicy\": \"web\".")]
    [InlineData("""{ "Cors": { "DefaultPolicy": { "name": "web" }, "Policies": { "web": { "Origins": [ "https://a.example.com" ] } } } }""", "Cors:DefaultPolicy",
        "must be one policy name, not an object: write \"DefaultPolicy\": \"web\".")]
    [InlineData("""{ "Cors": { "Policies": "web" } }""", "Cors:Policies",
        "must be an object, not a single value: write \"Policies\": { \"web\": { \"Origins\": [ \"https://app.example.com\" ] } }.")]
    [InlineData("""{ "Cors": { "Policies": [ { "Origins": [ "https://a.example.com" ] } ] } }""", "Cors:Policies:0",
        "'0' looks like a list index, not a policy name: \"Policies\" must be an object keyed by policy name, as in \"Policies\": { \"web\": { \"Origins\": [ \"https://app.example.com\" ] } }. "
        + "Give the policy a name that is not only digits.")]
    [InlineData("""{ "Cors": { "Policies": { "2024": { "Origins": [ "https://a.example.com" ] } } } }""", "Cors:Policies:2024",
        "'2024' looks like a list index, not a policy name: \"Policies\" must be an object keyed by policy name, as in \"Policies\": { \"web\": { \"Origins\": [ \"https://app.example.com\" ] } }. "
        + "Give the policy a name that is not only digits.")]
    [InlineData("""{ "Cors": { "Policies": { "web": "https://a.example.com" } } }""", "Cors:Policies:web",
        "must be an object, not a single value: write \"web\": { \"Origins\": [ \"https://app.example.com\" ] }.")]
    [InlineData("""{ "Cors": { "Policies": { "web": { "Origins": { "app": "https://a.example.com" } } } } }""", "Cors:Policies:web:Origins",
        "must be a list, not an object: write \"Origins\": [ \"https://app.example.com\" ].")]
    [InlineData("""{ "Cors": { "Policies": { "web": { "Origins": [ { "origin": "https://a.example.com" } ] } } } }""", "Cors:Policies:web:Origins:0",
        "must be text, not an object: write \"Origins\": [ \"https://app.example.com\" ].")]
    [InlineData("""{ "Cors": { "Policies": { "web": { "Origins": [ "https://a.example.com" ], "Methods": [ [ "PUT" ] ] } } } }""", "Cors:Policies:web:Methods:0",
        "must be text, not a list: write \"Methods\": [ \"PUT\", \"DELETE\" ].")]
    [InlineData("""{ "Cors": { "Policies": { "web": { "Origins": [ "https://a.example.com" ], "AllowCredentials": [ true ] } } } }""", "Cors:Policies:web:AllowCredentials",
        "must be true or false, not a list: write \"AllowCredentials\": true.")]
    [InlineData("""{ "Cors": { "Policies": { "web": { "Origins": [ "https://a.example.com" ], "MaxAgeSeconds": { "seconds": 600 } } } } }""", "Cors:Policies:web:MaxAgeSeconds",
        "must be a whole number, not an object: write \"MaxAgeSeconds\": 600.")]
    [InlineData("""{ "Cors": { "MaxOriginLength": [ 512 ], "Policies": {} } }""", "Cors:MaxOriginLength",
        "must be a whole number, not a list: write \"MaxOriginLength\": 512.")]
    public void Values_of_the_wrong_shape_are_refused_with_what_to_write(string json, string path, string message)
    {
        var (_, issues) = Bind(json);

        issues.Errors.Should().ContainSingle(e => e.Path == path).Which.Message.Should().Be(message);
    }

    [Fact]
    public void Values_of_the_wrong_type_hide_no_other_error_of_the_section()
    {
        var (_, issues) = Bind("""
            { "Cors": { "DefaultPolicy": "missing", "Policies": {
                "web": { "Origins": [ "https://a.example.com" ], "AllowCredentials": "yes", "MaxAgeSeconds": "10m" },
                "api": { "Origins": [ "https://API.example.com/" ], "MaxAgeSeconds": -1 },
                "admin": { "Origins": [ "*" ], "AllowCredentials": true, "Methods": [ "TRACE" ] },
                "old": { "Origins": [ "https://old.example.com" ], "SupportsCredentials": true } } } }
            """);

        issues.Errors.Select(e => e.Path).Should().BeEquivalentTo(
        [
            "Cors:Policies:web:AllowCredentials",
            "Cors:Policies:web:MaxAgeSeconds",
            "Cors:Policies:old:SupportsCredentials",
            "Cors:Policies:api:Origins:0",
            "Cors:Policies:api:MaxAgeSeconds",
            "Cors:Policies:admin:Origins:0",
            "Cors:Policies:admin:Methods:0",
            "Cors:DefaultPolicy",
        ]);
        issues.Errors.Should().Contain(e => e.Message == "'yes' is not a boolean: write true or false.")
            .And.Contain(e => e.Message.StartsWith("'*' cannot be combined with AllowCredentials", StringComparison.Ordinal))
            .And.Contain(e => e.Message.StartsWith("names the policy 'missing', which does not exist (defined policies: admin, api, old, web)", StringComparison.Ordinal));
    }
}
