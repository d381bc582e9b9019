using System.Reflection;
using System.Text.Json.Nodes;

namespace CorsKit.Tests.Policies;

/// <summary>
/// The JSON schema the package contributes to editors (ConfigurationSchema.json) describes exactly
/// the options types: every setting, with its JSON type and default, and nothing else. (What it
/// accepts and flags, against <c>corskit check</c>, is tested in CorsKit.Cli.Tests.)
/// </summary>
public class ConfigurationSchemaTests
{
    private static readonly JsonNode Schema = JsonNode.Parse(File.ReadAllText(
        Path.Combine(AppContext.BaseDirectory, "../../../../../src/CorsKit/ConfigurationSchema.json")))!;

    [Fact]
    public void The_Cors_section_lists_every_setting_of_StrictCorsOptions_with_its_type_and_default()
    {
        var section = Schema["properties"]!["Cors"]!;

        AssertDescribes(section, typeof(StrictCorsOptions), new StrictCorsOptions());
        section["properties"]!["Policies"]!["additionalProperties"]!["$ref"]!.GetValue<string>().Should().Be("#/definitions/CorsKitPolicy");
    }

    [Fact]
    public void A_policy_lists_every_setting_of_StrictCorsPolicyOptions_with_its_type_and_default()
    {
        var policy = Schema["definitions"]!["CorsKitPolicy"]!;

        AssertDescribes(policy, typeof(StrictCorsPolicyOptions), new StrictCorsPolicyOptions());
    }

    /// <summary>
    /// The schema applies to every appsettings*.json, overlays included: an
    /// appsettings.Production.json that only sets MaxAgeSeconds is valid, so nothing is required.
    /// </summary>
    [Fact]
    public void No_setting_is_required_since_an_environment_file_may_set_only_one()
    {
        var objects = new[] { Schema, Schema["properties"]!["Cors"]!, Schema["definitions"]!["CorsKitPolicy"]!, Schema["definitions"]!["CorsKitOriginStore"]! };

        objects.Select(o => o["required"]).Should().AllSatisfy(r => r.Should().BeNull());
    }

    private static void AssertDescribes(JsonNode schema, Type options, object defaults)
    {
        schema["additionalProperties"]!.GetValue<bool>().Should().BeFalse("unknown keys are errors at startup");
        var described = schema["properties"]!.AsObject();
        var settings = options.GetProperties(BindingFlags.Public | BindingFlags.Instance);

        described.Select(p => p.Key).Should().BeEquivalentTo(settings.Select(p => p.Name));
        foreach (var setting in settings)
        {
            var entry = described[setting.Name]!;
            if (entry["$ref"] is { } reference)
            {
                // An object of settings of its own: described by its definition.
                var definition = Schema["definitions"]![reference.GetValue<string>()["#/definitions/".Length..]]!;
                AssertDescribes(definition, setting.PropertyType, Activator.CreateInstance(setting.PropertyType)!);
                continue;
            }

            entry["description"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace(setting.Name);
            // The first type is the setting's own; the others are how configuration also reads it
            // (true as "true", 600 as "600"; null leaves a lower layer's value).
            entry["type"]!.AsArray()[0]!.GetValue<string>().Should().Be(JsonType(setting.PropertyType), setting.Name);
            if ((Nullable.GetUnderlyingType(setting.PropertyType) ?? setting.PropertyType) is { IsEnum: true } choices)
            {
                // The names as documented, which editors complete; another case is accepted as binding accepts it.
                entry["anyOf"]![0]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal(Enum.GetNames(choices), setting.Name);
            }
            if (entry["default"] is { } documented)
            {
                var actual = setting.GetValue(defaults);
                var expected = actual is Enum choice ? JsonValue.Create(choice.ToString()) : JsonValue.Create(actual)!;
                documented.ToJsonString().Should().Be(expected.ToJsonString(), "the default of {0}", setting.Name);
            }
        }
    }

    private static string JsonType(Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) switch
        {
            var t when t == typeof(bool) => "boolean",
            var t when t == typeof(int) => "integer",
            var t when t == typeof(string) || t.IsEnum => "string",
            var t when t == typeof(IList<string>) => "array",
            var t when t == typeof(IDictionary<string, StrictCorsPolicyOptions>) => "object",
            var t => throw new InvalidOperationException($"No JSON type for {t}: describe it in ConfigurationSchema.json and here."),
        };
}
