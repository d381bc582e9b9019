using System.Reflection;
using System.Text.Json;
using CorsKit.Policies;

namespace CorsKit.Tests.Policies;

/// <summary>AccessSettings is the one list of what each setting grants: no setting of the options or of the schema may be missing from it.</summary>
public class AccessSettingsTests
{
    private static readonly string SchemaFile = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../src/CorsKit/ConfigurationSchema.json"));

    [Fact]
    public void Every_setting_of_the_options_is_compared_or_declared_as_granting_nothing()
    {
        var forgotten = Unlisted(typeof(StrictCorsOptions), AccessSettings.Section.Select(s => s.Key))
            .Concat(Unlisted(typeof(StrictCorsPolicyOptions), AccessSettings.Policy.Select(s => s.Key)));

        forgotten.Should().BeEmpty("every setting must say in AccessSettings what it grants, or why it grants nothing");
    }

    [Fact]
    public void Every_key_of_the_configuration_schema_is_compared_or_declared_as_granting_nothing()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(SchemaFile));
        var section = schema.RootElement.GetProperty("properties").GetProperty("Cors").GetProperty("properties").EnumerateObject().Select(p => p.Name);
        var policy = schema.RootElement.GetProperty("definitions").GetProperty("CorsKitPolicy").GetProperty("properties").EnumerateObject().Select(p => p.Name);

        section.Should().BeEquivalentTo(AccessSettings.Section.Select(s => s.Key));
        policy.Should().BeEquivalentTo(AccessSettings.Policy.Select(s => s.Key));
    }

    [Fact]
    public void A_setting_that_grants_nothing_says_why_and_one_compared_as_another_names_a_compared_setting()
    {
        foreach (var setting in AccessSettings.Section.Select(s => (s.Key, s.Grants, s.Why, s.ComparedAs, Keys: AccessSettings.Section.Where(t => t.ComparedAs is null && t.Grants != Grants.Nothing).Select(t => t.Key)))
            .Concat(AccessSettings.Policy.Select(s => (s.Key, s.Grants, s.Why, s.ComparedAs, Keys: AccessSettings.Policy.Where(t => t.ComparedAs is null && t.Grants != Grants.Nothing).Select(t => t.Key)))))
        {
            if (setting.Grants == Grants.Nothing || setting.ComparedAs is not null)
            {
                setting.Why.Should().NotBeNullOrWhiteSpace("{0} must say why it grants nothing, or how it is compared", setting.Key);
            }

            if (setting.ComparedAs is { } target)
            {
                setting.Keys.Should().Contain(target, "{0} is compared as {1}, which must be compared itself", setting.Key, target);
            }
        }

        AccessSettings.Policy.Single(s => s.Key == nameof(StrictCorsPolicyOptions.MaxAgeSeconds)).Grants.Should().Be(Grants.Nothing);
        AccessSettings.Section.Single(s => s.Key == nameof(StrictCorsOptions.BlockCrossOriginUnsafeRequests)).ComparedAs.Should().Be(nameof(StrictCorsOptions.CrossOriginGuard));
    }

    [Fact]
    public void Each_setting_decides_the_access_it_is_declared_to()
    {
        AccessSettings.Policy.Select(s => (s.Key, s.Grants)).Should().Equal(
            ("Origins", Grants.Reads | Grants.Writes),
            ("Methods", Grants.Reads),
            ("Headers", Grants.Reads),
            ("ExposedHeaders", Grants.Reads),
            ("AllowCredentials", Grants.Reads | Grants.Writes),
            ("AllowPrivateNetwork", Grants.Reads),
            ("AllowInsecureOrigins", Grants.Reads | Grants.Writes),
            ("MaxAgeSeconds", Grants.Nothing),
            ("OriginStore", Grants.Reads | Grants.Writes),
            ("Mode", Grants.Reads));
        AccessSettings.Section.Select(s => (s.Key, s.Grants)).Should().Equal(
            ("Policies", Grants.Reads | Grants.Writes),
            ("DefaultPolicy", Grants.Reads | Grants.Writes),
            ("Mode", Grants.Reads | Grants.Writes),
            ("CrossOriginGuard", Grants.Writes),
            ("BlockCrossOriginUnsafeRequests", Grants.Writes),
            ("MaxOriginLength", Grants.Reads | Grants.Writes));
    }

    private static IEnumerable<string> Unlisted(Type options, IEnumerable<string> keys) =>
        options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).Except(keys).Select(name => $"{options.Name}.{name}");
}
