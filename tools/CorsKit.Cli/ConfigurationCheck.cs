using System.Globalization;
using CorsKit.Hosting.Configuration;
using CorsKit.Origins;
using CorsKit.Policies;
using Microsoft.Extensions.Configuration;

namespace CorsKit.Cli;

/// <summary>
/// <c>corskit check</c>: validates a configuration file exactly as the app does at startup (the
/// same binding, key checks and rules), and prints every error and warning with its key path.
/// Endpoint policy names need the app itself and are checked when it starts. Also names the
/// embedded Public Suffix List snapshot (startup validation warns when it is old).
/// </summary>
internal static class ConfigurationCheck
{
    /// <summary>
    /// Returns 0 when the configuration is valid (warnings allowed), 1 otherwise.
    /// <paramref name="time"/> dates the Public Suffix List's age, which is warned about as at startup.
    /// </summary>
    public static int Run(string file, string section, TextWriter output, TimeProvider time)
    {
        if (!File.Exists(file))
        {
            output.WriteLine($"error: {file}: no such file.");
            return 1;
        }

        IConfigurationRoot configuration;
        try
        {
            configuration = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false).Build();
        }
        catch (Exception exception) when (exception is FormatException or InvalidDataException or IOException)
        {
            output.WriteLine($"error: {file}: {exception.Message} {exception.InnerException?.Message}".TrimEnd());
            return 1;
        }

        var corsSection = configuration.GetSection(section);
        if (!corsSection.Exists())
        {
            output.WriteLine($"error: {file}: there is no '{section}' section (use --section to name another one).");
            return 1;
        }

        var snapshot = PublicSuffixListSnapshot.Current;
        output.WriteLine($"Public Suffix List: embedded snapshot of {snapshot.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} (Debian publicsuffix {snapshot.DebianVersion}).");

        var issues = ConfigurationLoader.Load(
            [new CorsConfigurationSection(corsSection)],
            () => ConfigurationLoader.Bind(corsSection),
            PoliciesInUse.None,
            inForce: null,
            DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)).Issues;

        foreach (var issue in issues.All)
        {
            output.WriteLine($"{(issue.Severity == IssueSeverity.Error ? "error" : "warning")}: {issue}");
        }

        var errors = issues.ErrorCount;
        var warnings = issues.All.Count - errors;
        output.WriteLine(errors == 0
            ? $"{file}: valid ({warnings} warning(s)). Policy names used by endpoints are checked when the app starts."
            : $"{file}: {errors} error(s), {warnings} warning(s). The app would refuse to start with this configuration.");
        return errors == 0 ? 0 : 1;
    }
}
