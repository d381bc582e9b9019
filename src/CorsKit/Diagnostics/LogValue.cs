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
}
