using CorsKit.Policies;

namespace CorsKit.Tests;

/// <summary>Builds compiled policies and validation results from the public fluent API.</summary>
internal static class TestPolicies
{
    public static CompiledPolicy Compile(Action<StrictCorsPolicyBuilder> configure)
    {
        var result = Validate(configure);
        result.Issues.Errors.Should().BeEmpty("the test policy must be valid");
        return result.Policies!.Default;
    }

    public static CompilationResult Validate(Action<StrictCorsPolicyBuilder> configure) =>
        Validate(new StrictCorsOptions().AddDefaultPolicy("test", configure));

    /// <summary>Validated on the embedded Public Suffix List's own date, so that its age never adds a warning.</summary>
    public static CompilationResult Validate(StrictCorsOptions options) =>
        PolicySetCompiler.Compile(options, "Cors", today: CorsKit.Origins.PublicSuffixListSnapshot.Current.Date);

    /// <summary>A credentialed policy like the README's "web" example.</summary>
    public static CompiledPolicy Web() => Compile(p => p
        .WithOrigins("https://app.example.com", "https://*.example.com", "http://localhost:3000")
        .WithMethods("PUT", "DELETE")
        .WithHeaders("Content-Type", "Authorization")
        .WithExposedHeaders("X-Request-Id")
        .AllowCredentials()
        .WithMaxAge(TimeSpan.FromSeconds(600)));

    /// <summary>A public policy: any origin, no credentials.</summary>
    public static CompiledPolicy Public() => Compile(p => p.AllowAnyOrigin().WithMethods("*").WithHeaders("*").WithExposedHeaders("*"));
}
