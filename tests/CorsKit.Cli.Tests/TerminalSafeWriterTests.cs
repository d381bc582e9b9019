namespace CorsKit.Cli.Tests;

/// <summary>What the probe prints cannot act on a terminal or start a line: every such character is escaped visibly.</summary>
public sealed class TerminalSafeWriterTests
{
    [Theory]
    [InlineData("plain text, caf\u00e9, \U0001F600", "plain text, caf\u00e9, \U0001F600")]
    [InlineData("a\u001b[2Jb", @"a\x1b[2Jb")]
    [InlineData("line\r\nResult: READABLE\tx", @"line\r\nResult: READABLE\tx")]
    [InlineData("\u0000\u0007\u000b\u000c\u007f", @"\x00\x07\x0b\x0c\x7f")]
    [InlineData("\u0085NEL \u009b2J", @"\x85NEL \x9b2J")]
    [InlineData("\u2028\u2029\u202eabc\u2066", @"\u2028\u2029\u202eabc\u2066")]
    public void Characters_that_act_on_a_terminal_are_escaped_and_others_kept(string text, string printed) =>
        TerminalSafeWriter.Escape(text).Should().Be(printed);

    [Fact]
    public void A_lone_surrogate_is_escaped_and_a_pair_kept()
    {
        // Not theory data: attribute arguments are stored as UTF-8, which cannot hold a lone surrogate.
        var text = string.Concat("lone ", "\ud800", " and ", "\udc00", ", pair \ud83d\ude00");

        TerminalSafeWriter.Escape(text).Should().Be(@"lone \ud800 and \udc00, pair " + "\U0001F600");
    }

    [Fact]
    public void Only_WriteLine_ends_a_line_and_a_long_line_is_cut()
    {
        using var inner = new StringWriter();
        using var writer = new TerminalSafeWriter(inner);

        writer.WriteLine("a\nb");
        writer.Write('\r');
        writer.WriteLine(new string('x', TerminalSafeWriter.MaxLineLength + 10));

        inner.ToString().Should().Be($@"a\nb{Environment.NewLine}\r{new string('x', TerminalSafeWriter.MaxLineLength)}… (10 more characters not shown){Environment.NewLine}");
    }
}
