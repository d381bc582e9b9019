using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace CorsKit.Cli.Tests;

/// <summary>
/// The corpus of configuration pairs in DiffCorpus/ (its README says how a pair is written): each
/// pair is compared both ways through <c>corskit diff</c>, and the pairs together change every key
/// of the configuration schema.
/// </summary>
public sealed partial class DiffCorpusTests : IDisposable
{
    private const string Section = "Cors";

    private static readonly string CorpusDirectory = Path.Combine(AppContext.BaseDirectory, "DiffCorpus");

    private static readonly string SchemaFile = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../src/CorsKit/ConfigurationSchema.json"));

    private static readonly string[] Directions = ["forward", "reverse"];

    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>Every pair of every corpus file, in both directions.</summary>
    public static TheoryData<string, string, string> Cases()
    {
        var cases = new TheoryData<string, string, string>();
        foreach (var (file, pair) in Pairs())
        {
            foreach (var direction in Directions)
            {
                cases.Add(file, pair.GetProperty("name").GetString()!, direction);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Diff_exits_with_the_pairs_verdict_and_lists_each_change_by_key_path(string file, string name, string direction)
    {
        var pair = Pairs().Single(p => p.File == file && p.Pair.GetProperty("name").GetString() == name).Pair;
        var (before, after) = direction == "forward" ? (Layers(pair, "old"), Layers(pair, "new")) : (Layers(pair, "new"), Layers(pair, "old"));
        var expected = pair.GetProperty(direction);
        string[] args = before.Count == 1 && after.Count == 1
            ? ["diff", _files.Write(before[0]), _files.Write(after[0])]
            : ["diff", .. before.Select(_files.Write), "--to", .. after.Select(_files.Write)];

        var (exitCode, output) = await Cli.RunAsync(args);

        ChangeLines(output).Should().Equal(expected.GetProperty("lines").EnumerateArray().Select(l => l.GetString()), output);
        exitCode.Should().Be(expected.GetProperty("exit").GetInt32(), output);
    }

    [Fact]
    public void The_corpus_has_pairs_that_change_every_key_of_the_schema()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(SchemaFile));
        var sectionKeys = schema.RootElement.GetProperty("properties").GetProperty(Section).GetProperty("properties").EnumerateObject().Select(p => $"{Section}:{p.Name}");
        var policyKeys = schema.RootElement.GetProperty("definitions").GetProperty("CorsKitPolicy").GetProperty("properties").EnumerateObject().Select(p => $"{Section}:Policies:*:{p.Name}");

        var changed = Pairs().SelectMany(p => ChangedKeys(Flatten(Layers(p.Pair, "old")), Flatten(Layers(p.Pair, "new")))).ToHashSet();

        changed.Should().Contain(sectionKeys.Concat(policyKeys));
        Pairs().Should().HaveCountGreaterThanOrEqualTo(60);
    }

    [Fact]
    public void Each_pair_states_both_directions_with_a_verdict_and_the_exit_code_it_implies()
    {
        foreach (var (file, pair) in Pairs())
        {
            foreach (var direction in Directions)
            {
                var expected = pair.GetProperty(direction);
                var lines = expected.GetProperty("lines").EnumerateArray().Select(l => l.GetString()!).ToList();
                var implied = lines.Exists(l => l.StartsWith("widened: ", StringComparison.Ordinal)) ? 3
                    : lines.Exists(l => l.StartsWith("narrowed: ", StringComparison.Ordinal)) ? 4
                    : 0;
                expected.GetProperty("exit").GetInt32().Should().Be(implied, "{0}: '{1}' {2} must exit as its lines say", file, pair.GetProperty("name").GetString(), direction);
            }
        }
    }

    private static IEnumerable<(string File, JsonElement Pair)> Pairs() =>
        Directory.GetFiles(CorpusDirectory, "*.json").Order(StringComparer.Ordinal)
            .SelectMany(path => JsonDocument.Parse(File.ReadAllText(path)).RootElement.EnumerateArray().Select(pair => (Path.GetFileName(path), pair)));

    /// <summary>A side of a pair: one file's JSON, or the files layered in order.</summary>
    private static List<string> Layers(JsonElement pair, string side)
    {
        var value = pair.GetProperty(side);
        return value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Select(e => e.GetRawText()).ToList() : [value.GetRawText()];
    }

    /// <summary>The section's keys and values as the host layers the files.</summary>
    private static Dictionary<string, string?> Flatten(List<string> layers) =>
        layers.Aggregate((IConfigurationBuilder)new ConfigurationBuilder(), (builder, json) => builder.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))))
            .Build().GetSection(Section).AsEnumerable().ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);

    /// <summary>The keys of the schema whose values differ: <c>Cors:Mode</c>, <c>Cors:Policies:*:Origins</c>…; a policy on one side only changes <c>Cors:Policies</c>.</summary>
    private static IEnumerable<string> ChangedKeys(Dictionary<string, string?> before, Dictionary<string, string?> after)
    {
        var policies = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in before.Keys.Union(after.Keys, StringComparer.OrdinalIgnoreCase)
            .Where(k => !(before.TryGetValue(k, out var b) && after.TryGetValue(k, out var a) && b == a)))
        {
            var parts = key.Split(':');
            if (parts.Length >= 3 && parts[1].Equals("Policies", StringComparison.OrdinalIgnoreCase))
            {
                policies.Add(parts[2]);
                if (parts.Length >= 4)
                {
                    yield return $"{Section}:Policies:*:{parts[3]}";
                }
            }
            else if (parts.Length >= 2)
            {
                yield return $"{Section}:{parts[1]}";
            }
        }

        bool Defines(Dictionary<string, string?> side, string policy) => side.Keys.Any(k => k.StartsWith($"{Section}:Policies:{policy}:", StringComparison.OrdinalIgnoreCase));
        if (policies.Any(p => Defines(before, p) != Defines(after, p)))
        {
            yield return $"{Section}:Policies";
        }
    }

    /// <summary>The output's change lines, each as its effect and key path: <c>widened: Cors:Policies:web:Origins</c>.</summary>
    private static List<string> ChangeLines(string output) =>
        output.Split(Environment.NewLine).Select(line => ChangeLine().Match(line)).Where(m => m.Success).Select(m => $"{m.Groups[1].Value}: {m.Groups[2].Value}").ToList();

    [GeneratedRegex("^(widened|narrowed|same access): (\\S+?): ")]
    private static partial Regex ChangeLine();
}
