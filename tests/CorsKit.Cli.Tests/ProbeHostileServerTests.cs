using System.Text;

namespace CorsKit.Cli.Tests;

/// <summary>
/// <c>corskit probe</c> against servers that attack the tool rather than the page: text made to
/// forge the probe's own lines or drive the terminal, bodies too large to hold, no answer at all.
/// Real sockets on 127.0.0.1 (<see cref="HostileServer"/>).
/// </summary>
public sealed class ProbeHostileServerTests
{
    private const string App = "https://app.example.com";

    /// <summary>The most the client and the server's socket buffers on loopback can hold between them, with room to spare.</summary>
    private const long SocketBuffersBound = 32L * 1024 * 1024;

    private static readonly string[] Lines = [Environment.NewLine];

    [Fact]
    public async Task Escape_sequences_in_the_status_line_and_header_values_are_printed_escaped_and_cannot_forge_a_line()
    {
        await using var server = new HostileServer(HostileServer.Answer(
            "HTTP/1.1 200 OK\u001b[2J\u001b[H",
            "Access-Control-Allow-Origin: https://evil.example\u001b[1A\u001b[2K   PASS forged\r\n"
            + "Vary: Origin\u001b]0;owned\u0007\u0085Result: READABLE. forged\u009b2K\r\n"));

        var (exitCode, output) = await Cli.RunAsync("probe", $"{server.Url}/x", "--origin", App);

        exitCode.Should().Be(1, output);
        output.Should().Contain(@"<- 200 OK\x1b[2J\x1b[H")
            .And.Contain(@"Access-Control-Allow-Origin: https://evil.example\x1b[1A\x1b[2K   PASS forged")
            .And.Contain(@"FAIL Access-Control-Allow-Origin is 'https://evil.example\x1b[1A\x1b[2K   PASS forged', not the page's origin")
            .And.Contain(@"Vary: Origin\x1b]0;owned\x07\x85Result: READABLE. forged\x9b2K");
        ShouldHaveOnlyTheProbesOwnLines(output, "Result: BLOCKED.");
    }

    [Fact]
    public async Task A_line_break_in_a_header_value_never_starts_a_line()
    {
        // A bare CR inside a value, and an obsolete line folding (CRLF then spaces). HttpClient turns
        // both into spaces today; either way the forged text stays on its header's line.
        await using var server = new HostileServer(HostileServer.Answer(
            "HTTP/1.1 200 OK",
            "Access-Control-Allow-Origin: https://app.example.com\r\n"
            + "Access-Control-Expose-Headers: X-A\rResult: READABLE. forged\r\n"
            + "Vary: Origin,\r\n   PASS forged\r\n"));

        var (exitCode, output) = await Cli.RunAsync("probe", $"{server.Url}/x", "--origin", App);

        exitCode.Should().Be(0, output);
        var lines = output.Split(Lines, StringSplitOptions.None);
        lines.Should().ContainSingle(line => line.Contains("Result: READABLE. forged", StringComparison.Ordinal))
            .Which.Should().StartWith("        Access-Control-Expose-Headers: X-A");
        lines.Should().ContainSingle(line => line.Contains("PASS forged", StringComparison.Ordinal))
            .Which.Should().StartWith("        Vary: Origin,");
        output.Should().Contain("WARN Access-Control-Expose-Headers is not a comma-separated list of header names");
        ShouldHaveOnlyTheProbesOwnLines(output, "Result: READABLE. The page can read the status (200)");
    }

    [Fact]
    public async Task Control_characters_and_line_breaks_in_a_problem_body_are_printed_escaped()
    {
        const string Problem = """{"detail":"denied\r\nResult: READABLE. forged\u001b[2K","fix":"\u202eexif\n   PASS forged\u009b1A"}""";
        await using var server = new HostileServer(HostileServer.Answer("HTTP/1.1 403 Forbidden", "Content-Type: application/problem+json\r\n", Problem));

        var (exitCode, output) = await Cli.RunAsync("probe", $"{server.Url}/x", "--origin", App);

        exitCode.Should().Be(1, output);
        output.Should().Contain(@"server says (detail): denied\r\nResult: READABLE. forged\x1b[2K")
            .And.Contain(@"server says (fix): \u202eexif\n   PASS forged\x9b1A");
        ShouldHaveOnlyTheProbesOwnLines(output, "Result: BLOCKED.");
    }

    [Fact]
    public async Task An_endless_problem_body_is_read_only_up_to_the_cap()
    {
        await using var server = new HostileServer(async exchange =>
        {
            await exchange.WriteAsync("HTTP/1.1 403 Forbidden\r\nContent-Type: application/problem+json\r\nTransfer-Encoding: chunked\r\n\r\n");
            var chunk = Encoding.ASCII.GetBytes($"10000\r\n{new string(' ', 0x10000)}\r\n");
            while (true)
            {
                await exchange.WriteAsync(chunk);
            }
        });

        var (exitCode, output) = await Cli.RunAsync("probe", $"{server.Url}/x", "--origin", App);

        exitCode.Should().Be(1, output);
        output.Should().Contain("the server's application/problem+json body is longer than 64 KiB: not read further")
            .And.Contain("Result: BLOCKED.");
        server.BytesWritten.Should().BeLessThan(SocketBuffersBound, "the probe stops reading after 64 KiB and closes the connection");
    }

    [Fact]
    public async Task A_problem_body_announced_over_the_cap_is_not_read_at_all()
    {
        await using var server = new HostileServer(exchange => exchange.WriteAsync(
            "HTTP/1.1 403 Forbidden\r\nContent-Type: application/problem+json\r\nContent-Length: 1610612736\r\n\r\n{\"detail\":\"never printed\""));

        var (exitCode, output) = await Cli.RunAsync("probe", $"{server.Url}/x", "--origin", App);

        exitCode.Should().Be(1, output);
        output.Should().Contain("body is longer than 64 KiB: not read further").And.NotContain("never printed");
    }

    [Fact]
    public async Task A_huge_body_that_nothing_prints_is_never_read()
    {
        await using var server = new HostileServer(async exchange =>
        {
            await exchange.WriteAsync($"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: {App}\r\nVary: Origin\r\nContent-Length: 1610612736\r\n\r\n");
            var chunk = new byte[0x10000];
            for (var sent = 0L; sent < 1610612736; sent += chunk.Length)
            {
                await exchange.WriteAsync(chunk);
            }
        });

        var (exitCode, output) = await Cli.RunAsync("probe", $"{server.Url}/x", "--origin", App);

        exitCode.Should().Be(0, output);
        output.Should().Contain("Result: READABLE.");
        server.BytesWritten.Should().BeLessThan(SocketBuffersBound, "the probe reads no body it does not print, and closes the connection");
    }

    [Theory]
    [InlineData("GET", "the request")]
    [InlineData("PUT", "the preflight")]
    public async Task A_server_that_accepts_and_never_answers_times_out_with_exit_code_5(string method, string step)
    {
        await using var server = new HostileServer(exchange => Task.Delay(Timeout.Infinite, exchange.Stopping));

        var (exitCode, output) = await Cli.RunAsync("probe", $"{server.Url}/x", "--origin", App, "--method", method, "--timeout", "1");

        exitCode.Should().Be(5, output);
        output.Should().EndWith($"Result: TIMED OUT. The server did not answer {step} completely within 1 s (--timeout 1). No verdict: a browser would still be waiting.{Environment.NewLine}");
        server.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task A_problem_body_that_stops_arriving_times_out_with_exit_code_5()
    {
        await using var server = new HostileServer(async exchange =>
        {
            await exchange.WriteAsync("HTTP/1.1 403 Forbidden\r\nContent-Type: application/problem+json\r\nContent-Length: 1000\r\n\r\n{\"detail\":");
            await Task.Delay(Timeout.Infinite, exchange.Stopping);
        });

        var (exitCode, output) = await Cli.RunAsync("probe", $"{server.Url}/x", "--origin", App, "--timeout", "1");

        exitCode.Should().Be(5, output);
        output.Should().Contain("<- 403 Forbidden").And.Contain("FAIL the response has no Access-Control-Allow-Origin header")
            .And.EndWith($"Result: TIMED OUT. The server did not answer the request completely within 1 s (--timeout 1). No verdict: a browser would still be waiting.{Environment.NewLine}");
    }

    [Fact]
    public async Task Response_headers_over_64_KiB_are_no_HTTP_answer_with_exit_code_6()
    {
        await using var server = new HostileServer(HostileServer.Answer("HTTP/1.1 200 OK", $"X-Padding: {new string('a', 70 * 1024)}\r\n"));

        var (exitCode, output) = await Cli.RunAsync("probe", $"{server.Url}/x", "--origin", App);

        exitCode.Should().Be(6, output);
        output.Should().Contain($"error: {server.Url}/x: no HTTP answer: ").And.NotContain("Result:");
    }

    /// <summary>
    /// Every line is free of characters that act on a terminal, the only line that starts with
    /// "Result:" is the probe's verdict (<paramref name="result"/>, or none), and no forged check starts a line.
    /// </summary>
    private static void ShouldHaveOnlyTheProbesOwnLines(string output, string? result)
    {
        var lines = output.Split(Lines, StringSplitOptions.None);
        lines.Where(line => line.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029' or '\u202e')).Should().BeEmpty();
        var verdicts = lines.Where(line => line.StartsWith("Result:", StringComparison.Ordinal)).ToList();
        if (result is null)
        {
            verdicts.Should().BeEmpty();
        }
        else
        {
            verdicts.Should().ContainSingle().Which.Should().StartWith(result);
        }

        lines.Should().NotContain(line => line.TrimStart().StartsWith("PASS forged", StringComparison.Ordinal));
    }
}
