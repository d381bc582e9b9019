using Microsoft.Extensions.Time.Testing;

namespace CorsKit.Cli.Tests;

/// <summary>Runs the corskit command line in-process and captures what it prints.</summary>
internal static class Cli
{
    /// <summary>Runs the command line on the embedded Public Suffix List's own date, so that its age never adds a warning.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(params string[] args) =>
        RunAsync(NoonUtcOn(Origins.PublicSuffixListSnapshot.Current.Date), args);

    /// <summary>A clock that always reads the same instant: noon UTC on <paramref name="day"/>.</summary>
    public static FakeTimeProvider NoonUtcOn(DateOnly day) => new(new DateTimeOffset(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero));

    /// <summary>Runs the command line with <paramref name="time"/> as its clock.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(TimeProvider time, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApp.RunAsync(args, output, error, time: time);
        return (exitCode, output.ToString() + error);
    }
}
