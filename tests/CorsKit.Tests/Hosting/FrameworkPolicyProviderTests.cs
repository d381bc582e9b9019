using CorsKit.Testing;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CorsKit.Tests.Hosting;

/// <summary>
/// Whatever asks the framework's ICorsPolicyProvider (YARP's route validation, .NET 11's CSRF
/// protection) gets CorsKit's compiled policies, read-only and current across reloads.
/// </summary>
public sealed class FrameworkPolicyProviderTests
{
    private const string Json = """
        { "Cors": { "DefaultPolicy": "web", "Policies": {
            "web": { "Origins": [ "https://app.example.com", "https://*.partners.example" ], "Methods": [ "PUT" ], "Headers": [ "Content-Type" ],
                     "ExposedHeaders": [ "X-Request-Id" ], "AllowCredentials": true, "MaxAgeSeconds": 600 },
            "public": { "Origins": [ "*" ], "Methods": [ "*" ] },
            "trial": { "Mode": "ReportOnly", "Origins": [ "https://trial.example" ] } } } }
        """;

    [Fact]
    public async Task A_named_policy_is_CorsKits_policy_as_the_framework_reads_it()
    {
        var (provider, _) = Provider(Json);

        var web = await provider.GetPolicyAsync(new DefaultHttpContext(), "web");

        web.Should().NotBeNull();
        web!.Origins.Should().Equal("https://app.example.com", "https://*.partners.example");
        web.IsOriginAllowed("https://a.partners.example").Should().BeTrue("CorsKit's matcher decides patterns");
        web.IsOriginAllowed("https://evil-partners.example").Should().BeFalse();
        web.IsOriginAllowed("https://APP.example.com").Should().BeFalse("only the browser-canonical form matches");
        web.SupportsCredentials.Should().BeTrue();
        web.Methods.Should().Equal("GET", "HEAD", "POST", "PUT");
        web.Headers.Should().Equal("Content-Type");
        web.ExposedHeaders.Should().Equal("X-Request-Id");
        web.PreflightMaxAge.Should().Be(TimeSpan.FromSeconds(600));
        (await provider.GetPolicyAsync(new DefaultHttpContext(), null)).Should().BeSameAs(web, "no name is the default policy");
        (await provider.GetPolicyAsync(new DefaultHttpContext(), "public"))!.AllowAnyOrigin.Should().BeTrue();
    }

    [Fact]
    public async Task A_report_only_policy_grants_nothing_and_an_unknown_name_is_no_policy()
    {
        var (provider, _) = Provider(Json);

        var trial = await provider.GetPolicyAsync(new DefaultHttpContext(), "trial");
        var unknown = await provider.GetPolicyAsync(new DefaultHttpContext(), "partners");

        trial.Should().NotBeNull("the name exists");
        trial!.Origins.Should().BeEmpty();
        trial.IsOriginAllowed("https://trial.example").Should().BeFalse("CorsKit only reports under it");
        unknown.Should().BeNull();
    }

    [Fact]
    public async Task A_reload_is_seen_at_once()
    {
        var (provider, configuration) = Provider(Json);

        configuration.Set(Json.Replace("\"https://app.example.com\", ", "", StringComparison.Ordinal));
        var web = await provider.GetPolicyAsync(new DefaultHttpContext(), "web");

        web!.Origins.Should().Equal("https://*.partners.example");
    }

    private static (ICorsPolicyProvider Provider, MutableConfigurationSource Configuration) Provider(string json)
    {
        var builder = TestHost.CreateBuilder(json, out var configuration);
        builder.Services.AddStrictCors();
        builder.Services.AddCors();
        var app = builder.Build();
        return (app.Services.GetRequiredService<ICorsPolicyProvider>(), configuration);
    }
}
