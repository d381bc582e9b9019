using CorsKit.Cli;

namespace CorsKit.Cli.Tests;

/// <summary>Runs the corskit command line in-process and captures what it prints.</summary>
internal static class Cli
{
    /// <summary>Runs the command line on the embedded Public Suffix List's own date, so that its age never adds a warning.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(params string[] args) =>
        RunAsync(new FixedClock(Origins.PublicSuffixListSnapshot.Current.Date), args);

    /// <summary>Runs the command line with <paramref name="time"/> as its clock.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(TimeProvider time, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApp.RunAsync(args, output, error, time: time);
        return (exitCode, output.ToString() + error);
    }
}
