namespace CorsKit.Cli.Tests;

/// <summary>
/// A command line that does not parse exits with the usage code 2, never with a verdict's code:
/// a CI step that expects probe's "blocked" (1) or check's "invalid" (1) must not pass on a typo.
/// Nothing is sent: the URL is a closed port, which would give exit code 6 if it were tried.
/// </summary>
public sealed class UsageErrorTests
{
    private const string Url = "http://127.0.0.1:1/x";

    [Theory]
    [InlineData(new[] { "probe", Url, "--orign", "https://app.example.com" }, "--orign")]
    [InlineData(new[] { "probe", Url, "--origin", "https://app.example.com", "--credential" }, "--credential")]
    [InlineData(new[] { "probe", Url, "--origin", "https://app.example.com", "--timeout", "soon" }, "soon")]
    [InlineData(new[] { "check", "appsettings.json", "--sectoin", "Cors" }, "--sectoin")]
    [InlineData(new[] { "chek", "appsettings.json" }, "chek")]
    public async Task A_mistyped_option_or_command_is_a_usage_error(string[] arguments, string named)
    {
        var (exitCode, output) = await Cli.RunAsync(arguments);

        exitCode.Should().Be(2, output);
        output.Should().Contain(named).And.NotContain("Probing");
    }

    [Theory]
    [InlineData(new[] { "probe", "--origin", "https://app.example.com" }, "Required argument 'url' missing for command: 'probe'")]
    [InlineData(new[] { "probe", Url }, "Option '--origin' is required")]
    [InlineData(new[] { "probe", Url, "--origin" }, "--origin")]
    [InlineData(new[] { "check" }, "Required argument 'appsettings.json' missing for command: 'check'")]
    [InlineData(new[] { "--origin", "https://app.example.com" }, "Required command was not provided")]
    public async Task A_missing_argument_option_or_command_is_a_usage_error(string[] arguments, string message)
    {
        var (exitCode, output) = await Cli.RunAsync(arguments);

        exitCode.Should().Be(2, output);
        output.Should().Contain(message).And.NotContain("Probing");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("3601")]
    public async Task A_timeout_out_of_range_is_a_usage_error(string seconds)
    {
        var (exitCode, output) = await Cli.RunAsync("probe", Url, "--origin", "https://app.example.com", "--timeout", seconds);

        exitCode.Should().Be(2, output);
        output.Should().Contain($"error: --timeout {seconds}: give a number of seconds greater than 0 and at most 3600.").And.NotContain("Probing");
    }

    [Fact]
    public async Task Help_is_not_an_error()
    {
        var (exitCode, output) = await Cli.RunAsync("probe", "--help");

        exitCode.Should().Be(0, output);
        output.Should().Contain("--timeout");
    }
}
