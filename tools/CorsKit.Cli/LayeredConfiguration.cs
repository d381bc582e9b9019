using CorsKit.Hosting.Configuration;
using CorsKit.Policies;
using Microsoft.Extensions.Configuration;

namespace CorsKit.Cli;

/// <summary>
/// One or more configuration files layered the way the host layers <c>appsettings.json</c> and
/// <c>appsettings.{Environment}.json</c>: each file's keys override the files' before it, list
/// entries by index (so a shorter list keeps the longer one's remaining entries), with the same
/// configuration providers. Loaded with <see cref="ConfigurationLoader"/>, as the app loads it.
/// </summary>
internal sealed class LayeredConfiguration
{
    private readonly IReadOnlyList<string> _files;
    private readonly IConfigurationRoot _configuration;
    private readonly IConfigurationSection _section;

    private LayeredConfiguration(IReadOnlyList<string> files, IConfigurationRoot configuration, IConfigurationSection section)
    {
        _files = files;
        _configuration = configuration;
        _section = section;
    }

    /// <summary>The files in their order: <c>a.json</c>, or <c>a.json, then b.json</c>.</summary>
    public string Name => Describe(_files);

    /// <summary>
    /// Reads <paramref name="files"/> in order and finds <paramref name="section"/>; null, with
    /// every problem written to <paramref name="output"/>, when a file is missing or not JSON or
    /// the section is in none of them.
    /// </summary>
    public static LayeredConfiguration? Read(IReadOnlyList<string> files, string section, TextWriter output)
    {
        // Every file is read alone first, so that each problem names its file, and all are reported at once.
        var problems = files.Select(file => (File: file, Problem: Problem(file))).Where(f => f.Problem is not null).ToList();
        foreach (var (file, problem) in problems)
        {
            output.WriteLine($"error: {file}: {problem}");
        }

        if (problems.Count > 0)
        {
            return null;
        }

        var configuration = files.Aggregate((IConfigurationBuilder)new ConfigurationBuilder(), AddFile).Build();
        var corsSection = configuration.GetSection(section);
        if (!corsSection.Exists())
        {
            output.WriteLine($"error: {Describe(files)}: there is no '{section}' section (use --section to name another one).");
            return null;
        }

        return new LayeredConfiguration(files, configuration, corsSection);
    }

    /// <summary>Validates and compiles the section exactly as the app does at startup (endpoints aside).</summary>
    public CompilationResult Load(TimeProvider time) => ConfigurationLoader.Load(
        [new CorsConfigurationSection(_section, _configuration)],
        () => ConfigurationLoader.Bind(_section),
        PoliciesInUse.None,
        inForce: null,
        DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));

    /// <summary>Writes which files are read, in which order, and how they combine.</summary>
    public void WriteFiles(string heading, TextWriter output) =>
        output.WriteLine(_files.Count == 1
            ? $"{heading}: {Name}."
            : $"{heading}: {Name} (each file overrides the ones before it key by key, and lists entry by entry by index, as the app layers appsettings.json and appsettings.{{Environment}}.json).");

    /// <summary>
    /// Writes each policy's origins as the layered files leave them, one entry a line with its
    /// key path and, when there are several files, the file it comes from: an entry a later file
    /// did not override is plain to see.
    /// </summary>
    public void WriteEffectiveOrigins(CompiledPolicySet policies, TextWriter output)
    {
        output.WriteLine("Effective origins:");
        var policySections = policies.Names.Order(StringComparer.OrdinalIgnoreCase)
            .Select(name => _section.GetSection(nameof(StrictCorsOptions.Policies)).GetSection(name))
            .ToList();
        if (policySections.Count == 0)
        {
            output.WriteLine("  none (no policy is defined).");
        }

        foreach (var entry in policySections.SelectMany(p => p.GetSection(nameof(StrictCorsPolicyOptions.Origins)).GetChildren()))
        {
            var source = _files.Count == 1 ? "" : $" (from {FileOf(entry.Path)})";
            output.WriteLine($"  {entry.Path}: {entry.Value}{source}");
        }
    }

    /// <summary>The last file that sets <paramref name="key"/>: the one whose value is in force.</summary>
    private string FileOf(string key)
    {
        var providers = _configuration.Providers.ToList();
        var index = providers.FindLastIndex(provider => provider.TryGet(key, out _));
        return index < 0 ? "?" : _files[index];
    }

    /// <summary>Why <paramref name="file"/> cannot be read, or null when it can.</summary>
    private static string? Problem(string file)
    {
        if (!File.Exists(file))
        {
            return "no such file.";
        }

        try
        {
            AddFile(new ConfigurationBuilder(), file).Build();
            return null;
        }
        catch (Exception exception) when (exception is FormatException or InvalidDataException or IOException)
        {
            return $"{exception.Message} {exception.InnerException?.Message}".TrimEnd();
        }
    }

    private static IConfigurationBuilder AddFile(IConfigurationBuilder builder, string file) =>
        builder.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false);

    private static string Describe(IReadOnlyList<string> files) => string.Join(", then ", files);
}
