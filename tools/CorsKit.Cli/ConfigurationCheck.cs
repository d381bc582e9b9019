using System.Globalization;
using CorsKit.Hosting;
using CorsKit.Origins;
using CorsKit.Policies;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CorsKit.Cli;

/// <summary>
/// <c>corskit check</c>: validates a configuration file exactly as the app does at startup (the
/// same binding, key checks and rules), and prints every error and warning with its key path.
/// Endpoint policy names need the app itself and are checked when it starts. Also names the
/// embedded Public Suffix List snapshot, with a warning when it is old.
/// </summary>
internal static class ConfigurationCheck
{
    /// <summary>An embedded Public Suffix List older than this many days is warned about.</summary>
    public const int PublicSuffixListMaxAgeDays = 180;

    /// <summary>
    /// Returns 0 when the configuration is valid (warnings allowed), 1 otherwise.
    /// <paramref name="today"/> dates the Public Suffix List's age.
    /// </summary>
    public static int Run(string file, string section, TextWriter output, DateOnly today)
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

        DescribePublicSuffixList(output, today);

        using var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(configuration)
            .AddStrictCors(corsSection)
            .BuildServiceProvider();
        var issues = services.GetRequiredService<CorsPolicyStore>().StartupIssues;

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

    /// <summary>
    /// One line naming the embedded snapshot, and a warning (which leaves the exit code alone) when
    /// it is more than <see cref="PublicSuffixListMaxAgeDays"/> days older than <paramref name="today"/>:
    /// wildcards under suffixes registered since then are not refused.
    /// </summary>
    private static void DescribePublicSuffixList(TextWriter output, DateOnly today)
    {
        var snapshot = PublicSuffixListSnapshot.Current;
        var date = snapshot.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        output.WriteLine($"Public Suffix List: embedded snapshot of {date} (Debian publicsuffix {snapshot.DebianVersion}).");

        var age = today.DayNumber - snapshot.Date.DayNumber;
        if (age > PublicSuffixListMaxAgeDays)
        {
            output.WriteLine($"warning: the embedded Public Suffix List is {age} days old ({date}), so wildcards directly under suffixes added since then are not refused. "
                + "Run tools/refresh-public-suffix-list.sh and rebuild, or update the CorsKit package.");
        }
    }
}
