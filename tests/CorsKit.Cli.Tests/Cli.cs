using CorsKit.Cli;

namespace CorsKit.Cli.Tests;

/// <summary>Runs the corskit command line in-process and captures what it prints.</summary>
internal static class Cli
{
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApp.RunAsync(args, output, error);
        return (exitCode, output.ToString() + error);
    }
}
