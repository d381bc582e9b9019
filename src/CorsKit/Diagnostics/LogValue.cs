using System.Globalization;
using System.Text;

namespace CorsKit.Diagnostics;

/// <summary>
/// Makes attacker-controlled header text safe to log: at most <see cref="MaxLength"/> characters,
/// and every control or non-ASCII character escaped so a value cannot forge log lines.
/// </summary>
internal static class LogValue
{
    public const int MaxLength = 100;

    public static string Sanitize(ReadOnlySpan<char> value)
    {
        var shown = value.Length > MaxLength ? value[..MaxLength] : value;
        var builder = new StringBuilder(shown.Length + 16);
        foreach (var c in shown)
        {
            if (c is >= ' ' and <= '~' and not '\\')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append(c == '\\' ? @"\\" : string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"));
            }
        }

        if (value.Length > MaxLength)
        {
            builder.Append(CultureInfo.InvariantCulture, $"…(+{value.Length - MaxLength} chars)");
        }

        return builder.ToString();
    }

    /// <summary>
    /// Escapes, in a message of CorsKit's that quotes untrusted text whole (an origin store's entry
    /// in its validation message), every character that could break or disguise a log line: control
    /// characters, line and paragraph separators, invisible format characters (bidirectional
    /// overrides, zero-width spaces), and the backslash, so that an escape cannot be forged. The
    /// caller bounds the length; other characters are kept, so CorsKit's own words read as written.
    /// </summary>
    public static string EscapeControls(string text)
    {
        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (c == '\\')
            {
                builder.Append(@"\\");
            }
            else if (char.IsControl(c) || char.IsSurrogate(c)
                || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
