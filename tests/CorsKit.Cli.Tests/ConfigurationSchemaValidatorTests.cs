using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace CorsKit.Cli.Tests;

/// <summary>
/// The JSON schema editors read for <c>appsettings*.json</c> (<c>src/CorsKit/ConfigurationSchema.json</c>),
/// run by a real JSON Schema validator (JsonSchema.Net, as draft-07, the editors' dialect, and as
/// 2020-12) and compared with <c>corskit check</c>, which validates exactly as the app does at
/// startup. The rule: every file the app accepts passes the schema — alone, or as an
/// <c>appsettings.{Environment}.json</c> overlay on the files before it — and every file the schema
/// flags is refused by <c>corskit check</c>. The corpus (<c>SchemaCorpus/</c>) lists accepted
/// configurations and refused ones, each refused one saying whether the schema flags it
/// (<c>"schema": "rejects"</c>) or is beyond what a schema can express (<c>"accepts"</c>).
/// </summary>
public sealed class ConfigurationSchemaValidatorTests : IDisposable
{
    private static readonly string SchemaFile = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../src/CorsKit/ConfigurationSchema.json"));

    private static readonly string CorpusDirectory = Path.Combine(AppContext.BaseDirectory, "SchemaCorpus");

    private static readonly string DiffCorpusDirectory = Path.Combine(AppContext.BaseDirectory, "DiffCorpus");

    private static readonly string[] Dialects = ["draft-07", "2020-12"];

    private static readonly string[] Variants = ["keys in lowercase", "keys in uppercase", "values as strings"];

    private static readonly Lazy<Dictionary<string, JsonSchema>> Schemas = new(() => Dialects.ToDictionary(d => d, d => JsonSchema.FromFile(
        SchemaFile,
        new BuildOptions { Dialect = d == "draft-07" ? Dialect.Draft07 : Dialect.Draft202012, SchemaRegistry = new SchemaRegistry() },
        new Uri($"https://corskit.test/{d}/ConfigurationSchema.json"))));

    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    public static TheoryData<string> Accepted() => [.. Cases("accepted.json").Select(c => c.Name)];

    public static TheoryData<string> Refused() => [.. Cases("refused.json").Select(c => c.Name)];

    public static TheoryData<string, string> AcceptedVariants()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, _, _) in Cases("accepted.json"))
        {
            foreach (var variant in Variants)
            {
                data.Add(name, variant);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Accepted))]
    public async Task A_configuration_the_app_accepts_passes_the_schema_in_every_file(string name)
    {
        var files = Case("accepted.json", name).Files;

        await AssertAcceptedByTheAppAndTheSchema(files);
    }

    /// <summary>
    /// Configuration keys are case-insensitive, and configuration reads every value as text: the
    /// same files with their keys in another case, or their booleans and numbers written as strings
    /// (as environment variables and some generators write them), are accepted by the app and so
    /// must pass the schema.
    /// </summary>
    [Theory]
    [MemberData(nameof(AcceptedVariants))]
    public async Task The_same_configuration_passes_with_keys_in_any_case_and_values_written_as_strings(string name, string variant)
    {
        var files = Case("accepted.json", name).Files.Select(f => Transform(f, variant)).ToList();

        await AssertAcceptedByTheAppAndTheSchema(files);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_configuration_the_app_refuses_is_flagged_by_the_schema_where_a_schema_can_say_so(string name)
    {
        var (_, files, schemaVerdict) = Case("refused.json", name);
        var last = files[^1];

        var (layered, layeredOutput) = await Check(files);
        var (alone, aloneOutput) = await Check([last]);

        layered.Should().Be(1, "corskit check refuses '{0}':\n{1}", name, layeredOutput);
        foreach (var before in files.SkipLast(1))
        {
            Problems(before).Should().BeEmpty("the files under '{0}' are valid", name);
        }

        var problems = Problems(last);
        if (schemaVerdict == "rejects")
        {
            problems.Should().NotBeEmpty("the schema flags '{0}'", name);
            alone.Should().Be(1, "a file the schema flags is refused by corskit check alone too:\n{0}", aloneOutput);
        }
        else
        {
            problems.Should().BeEmpty("'{0}' is beyond what the schema can express (the corpus says so)", name);
        }
    }

    /// <summary>The configurations of the <c>corskit diff</c> corpus, each side as the app accepts it, pass the schema too.</summary>
    [Fact]
    public async Task Every_configuration_of_the_diff_corpus_that_the_app_accepts_passes_the_schema()
    {
        var sides = Directory.GetFiles(DiffCorpusDirectory, "*.json").Order(StringComparer.Ordinal)
            .SelectMany(path => JsonNode.Parse(File.ReadAllText(path))!.AsArray())
            .SelectMany(pair => new[] { pair!["old"]!, pair["new"]! })
            .Select(side => side is JsonArray layers ? layers.Select(l => l!.ToJsonString()).ToList() : [side.ToJsonString()])
            .ToList();
        var checkedSides = 0;

        foreach (var files in sides)
        {
            if ((await Check(files)).ExitCode != 0)
            {
                continue; // a side the app refuses (the corpus compares some): nothing to say about the schema
            }

            checkedSides++;
            foreach (var file in files)
            {
                Problems(file).Should().BeEmpty("the app accepts {0}", string.Join(" then ", files));
            }
        }

        checkedSides.Should().BeGreaterThan(100);
    }

    /// <summary>
    /// Each setting is described once, in its documented spelling under <c>properties</c> (what
    /// editors complete), and reached in every other casing through a <c>patternProperties</c> entry
    /// that refers to it: a pattern that leaves out the documented spelling (or every error would be
    /// reported twice) and accepts it in any other case.
    /// </summary>
    [Fact]
    public void Every_setting_is_completed_in_its_documented_spelling_and_accepted_in_any_case()
    {
        var schema = JsonNode.Parse(File.ReadAllText(SchemaFile))!;
        var objects = new Dictionary<string, JsonNode>
        {
            ["#"] = schema,
            ["#/properties/Cors"] = schema["properties"]!["Cors"]!,
            ["#/definitions/CorsKitPolicy"] = schema["definitions"]!["CorsKitPolicy"]!,
            ["#/definitions/CorsKitOriginStore"] = schema["definitions"]!["CorsKitOriginStore"]!,
        };

        foreach (var (path, node) in objects)
        {
            var properties = node["properties"]!.AsObject().Select(p => p.Key).ToList();
            var patterns = node["patternProperties"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!["$ref"]!.GetValue<string>());
            patterns.Should().HaveCount(properties.Count, path);
            foreach (var key in properties)
            {
                var spellings = new[] { key.ToLowerInvariant(), key.ToUpperInvariant(), char.ToLowerInvariant(key[0]) + key[1..] }.Where(s => s != key);
                var matching = patterns.Where(p => spellings.All(s => Regex.IsMatch(s, p.Key, RegexOptions.ECMAScript))).ToList();
                matching.Should().ContainSingle("{0}: one pattern accepts '{1}' in any case", path, key)
                    .Which.Value.Should().Be($"{path}/properties/{key}");
                patterns.Keys.Should().NotContain(p => Regex.IsMatch(key, p, RegexOptions.ECMAScript), "{0}: the documented spelling '{1}' matches properties only", path, key);
            }
        }
    }

    private async Task AssertAcceptedByTheAppAndTheSchema(List<string> files)
    {
        var (exitCode, output) = await Check(files);

        exitCode.Should().Be(0, "corskit check accepts {0}:\n{1}", string.Join(" then ", files), output);
        foreach (var file in files)
        {
            Problems(file).Should().BeEmpty("the app accepts {0}", file);
        }
    }

    /// <summary>What the schema says about <paramref name="json"/>, in each dialect: none when it passes.</summary>
    private static List<string> Problems(string json)
    {
        using var document = JsonDocument.Parse(json);
        var problems = new List<string>();
        foreach (var (dialect, schema) in Schemas.Value)
        {
            var results = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (!results.IsValid)
            {
                problems.AddRange((results.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{dialect}: {d.InstanceLocation}: {e.Value}")));
                problems.Add($"{dialect}: invalid");
            }
        }

        return problems;
    }

    private async Task<(int ExitCode, string Output)> Check(IReadOnlyList<string> files) =>
        await Cli.RunAsync(["check", .. files.Select(_files.Write)]);

    private static List<(string Name, List<string> Files, string Schema)> Cases(string file) =>
        [.. JsonNode.Parse(File.ReadAllText(Path.Combine(CorpusDirectory, file)))!.AsArray().Select(c => (
            c!["name"]!.GetValue<string>(),
            c["files"]!.AsArray().Select(f => f!.ToJsonString()).ToList(),
            c["schema"]?.GetValue<string>() ?? "accepts"))];

    private static (string Name, List<string> Files, string Schema) Case(string file, string name) => Cases(file).Single(c => c.Name == name);

    /// <summary>A file with its keys in another case, or its booleans and numbers as strings.</summary>
    private static string Transform(string json, string variant) => Transform(JsonNode.Parse(json), variant)?.ToJsonString() ?? "null";

    private static JsonNode? Transform(JsonNode? node, string variant) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(
            variant switch
            {
                "keys in lowercase" => p.Key.ToLowerInvariant(),
                "keys in uppercase" => p.Key.ToUpperInvariant(),
                _ => p.Key,
            },
            Transform(p.Value, variant)))),
        JsonArray a => new JsonArray([.. a.Select(i => Transform(i, variant))]),
        JsonValue v when variant == "values as strings" && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False or JsonValueKind.Number =>
            JsonValue.Create(v.ToJsonString().Trim('"')),
        null => null,
        _ => node.DeepClone(),
    };
}
