using System.Collections.Concurrent;
using System.Text;
using CorsKit.BrowserTests.Engines;

namespace CorsKit.BrowserTests;

/// <summary>
/// The scenario × engine table of a suite run: each scenario records that it passed (with what
/// the engine did where engines may differ) after its last assertion, so a cell is filled only
/// by a passing run. When an engine's world stops, the table so far is written to
/// <c>browsers.md</c> next to the test assembly and, when <see cref="TableVariable"/> names a
/// file (docs/browsers.md), between its table markers.
/// </summary>
internal static class BrowserReport
{
    public const string TableVariable = "CORSKIT_BROWSER_TABLE";
    private const string Start = "<!-- browser-table:start -->";
    private const string End = "<!-- browser-table:end -->";

    private static readonly ConcurrentDictionary<(string Scenario, string Engine), string> Cells = new();
    private static readonly ConcurrentDictionary<string, string> EngineLines = new();
    private static readonly Lock Writing = new();

    public static void Passed(BrowserEngine engine, string scenario, string? observed) =>
        Cells[(scenario, engine.Name)] = observed is null ? "pass" : $"pass: {observed}";

    public static void Finished(CorsWorld world, TimeSpan elapsed)
    {
        EngineLines[world.Engine.Name] = world.Version is { } version
            ? $"{world.Engine.Name} {version} ({elapsed.TotalSeconds:0} s)"
            : $"{world.Engine.Name}: not run ({world.Engine.SkipReason ?? "did not start"})";
        lock (Writing)
        {
            var table = Table();
            File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "browsers.md"), table);
            if (Environment.GetEnvironmentVariable(TableVariable) is { Length: > 0 } document && File.Exists(document))
            {
                var text = File.ReadAllText(document);
                var from = text.IndexOf(Start, StringComparison.Ordinal);
                var to = text.IndexOf(End, StringComparison.Ordinal);
                if (from >= 0 && to > from)
                {
                    File.WriteAllText(document, string.Concat(text.AsSpan(0, from + Start.Length), "\n", table, text.AsSpan(to)));
                }
            }
        }
    }

    private static string Table()
    {
        var engines = BrowserEngine.All.Select(e => e.Name).Where(EngineLines.ContainsKey).ToList();
        var text = new StringBuilder();
        text.AppendLine($"Engines: {string.Join("; ", engines.Select(e => EngineLines[e]))}.").AppendLine();
        text.AppendLine($"| Scenario | {string.Join(" | ", engines)} |");
        text.AppendLine($"|---|{string.Concat(engines.Select(_ => "---|"))}");
        foreach (var scenario in Cells.Keys.Select(k => k.Scenario).Distinct().Order(StringComparer.Ordinal))
        {
            text.AppendLine($"| {scenario} | {string.Join(" | ", engines.Select(e => Cells.GetValueOrDefault((scenario, e), "**not passed**")))} |");
        }

        return text.ToString();
    }
}
