using System.Globalization;
using System.Text;

namespace CorsKit.Cli;

/// <summary>
/// Writes the probe's lines to a terminal or a CI log, where most of the text comes from a server
/// its user does not control (header values, the reason phrase, a problem body). Every character
/// that could act on the terminal or start a line is escaped visibly: C0 and C1 controls and DEL
/// (<c>\x1b</c>, <c>\r</c>, <c>\n</c>, <c>\t</c>, <c>\x9b</c>…), Unicode line and paragraph separators,
/// format characters such as bidirectional overrides (<c>\u202e</c>), and lone surrogates. So a
/// server cannot move the cursor, recolour or clear the screen, or print a line that looks like one
/// of the probe's own (<c>PASS</c>, <c>Result: READABLE</c>): only <see cref="WriteLine()"/> ends a
/// line. A line longer than <see cref="MaxLineLength"/> characters is cut, saying how much was left out.
/// </summary>
internal sealed class TerminalSafeWriter(TextWriter inner) : TextWriter
{
    /// <summary>The longest line written; only server text makes a line this long.</summary>
    public const int MaxLineLength = 4096;

    public override Encoding Encoding => inner.Encoding;

    public override IFormatProvider FormatProvider => CultureInfo.InvariantCulture;

    /// <summary>Escapes every character of <paramref name="text"/> that is not plain printable text.</summary>
    public static string Escape(string text)
    {
        StringBuilder? escaped = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            if (pair)
            {
                escaped?.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }

            if (!NeedsEscape(c))
            {
                escaped?.Append(c);
                continue;
            }

            escaped ??= new StringBuilder(text.Length + 16).Append(text, 0, i);
            escaped.Append(c switch
            {
                '\t' => @"\t",
                '\n' => @"\n",
                '\r' => @"\r",
                <= '\xFF' => $@"\x{(int)c:x2}",
                _ => $@"\u{(int)c:x4}",
            });
        }

        return escaped?.ToString() ?? text;
    }

    public override void Write(char value) => inner.Write(Escape(new string(value, 1)));

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Write(string? value) => inner.Write(Cut(Escape(value ?? string.Empty)));

    public override void WriteLine() => inner.WriteLine();

    public override void WriteLine(string? value)
    {
        Write(value);
        inner.WriteLine();
    }

    public override void Flush() => inner.Flush();

    private static bool NeedsEscape(char c) =>
        char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    private static string Cut(string line) =>
        line.Length <= MaxLineLength
            ? line
            : string.Create(CultureInfo.InvariantCulture, $"{line.AsSpan(0, MaxLineLength)}… ({line.Length - MaxLineLength} more characters not shown)");
}
