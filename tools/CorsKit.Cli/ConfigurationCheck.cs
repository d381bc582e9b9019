using System.Globalization;
using CorsKit.Origins;
using CorsKit.Policies;

namespace CorsKit.Cli;

/// <summary>
/// <c>corskit check</c>: validates a configuration — one file, or several layered as the host
/// layers them — exactly as the app does at startup (the same binding, key checks and rules), and
/// prints every error and warning with its key path, then each policy's effective origins.
/// Endpoint policy names need the app itself and are checked when it starts. Also names the
/// embedded Public Suffix List snapshot (startup validation warns when it is old).
/// </summary>
internal static class ConfigurationCheck
{
    /// <summary>The exit code of a configuration the app would refuse, or of files that cannot be read.</summary>
    public const int Invalid = 1;

    /// <summary>
    /// Returns 0 when the configuration is valid (warnings allowed), <see cref="Invalid"/> otherwise.
    /// <paramref name="time"/> dates the Public Suffix List's age, which is warned about as at startup.
    /// </summary>
    public static int Run(IReadOnlyList<string> files, string section, TextWriter output, TimeProvider time)
    {
        if (LayeredConfiguration.Read(files, section, output) is not { } configuration)
        {
            return Invalid;
        }

        configuration.WriteFiles("Configuration", output);
        var snapshot = PublicSuffixListSnapshot.Current;
        output.WriteLine($"Public Suffix List: embedded snapshot of {snapshot.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} (Debian publicsuffix {snapshot.DebianVersion}).");

        var (policies, issues) = configuration.Load(time);
        WriteIssues(issues.All, output);
        if (policies is not null)
        {
            configuration.WriteEffectiveOrigins(policies, output);
        }

        var errors = issues.ErrorCount;
        var warnings = issues.All.Count - errors;
        output.WriteLine(errors == 0
            ? $"{configuration.Name}: valid ({warnings} warning(s)). Policy names used by endpoints are checked when the app starts."
            : $"{configuration.Name}: {errors} error(s), {warnings} warning(s). The app would refuse to start with this configuration.");
        return errors == 0 ? 0 : Invalid;
    }

    /// <summary>Writes each issue on a line of its own: <c>error: path: …</c> or <c>warning: path: …</c>.</summary>
    public static void WriteIssues(IEnumerable<ConfigurationIssue> issues, TextWriter output)
    {
        foreach (var issue in issues)
        {
            output.WriteLine($"{(issue.Severity == IssueSeverity.Error ? "error" : "warning")}: {issue}");
        }
    }
}
