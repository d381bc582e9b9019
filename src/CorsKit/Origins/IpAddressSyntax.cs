using System.Buffers;
using System.Globalization;

namespace CorsKit.Origins;

/// <summary>
/// The IP address forms the URL standard serializes: IPv4 as a dotted quad of plain decimals,
/// IPv6 as lowercase hex pieces without leading zeros, with the first longest run of two or more
/// zero pieces compressed to <c>::</c> and never an embedded dotted IPv4 part.
/// </summary>
internal static class IpAddressSyntax
{
    /// <summary>Longest canonical IPv6 text: eight four-digit pieces and seven colons.</summary>
    public const int MaxIPv6Length = 39;

    /// <summary>The only hex digits a canonical address uses.</summary>
    public static readonly SearchValues<char> LowerHexDigits = SearchValues.Create("0123456789abcdef");

    /// <summary>
    /// Decimal digits. (A cached SearchValues rather than ContainsAnyExceptInRange, which was
    /// measured allocating 96 bytes per call on .NET 10.)
    /// </summary>
    public static readonly SearchValues<char> Digits = SearchValues.Create("0123456789");

    public static bool IsCanonicalIPv4(ReadOnlySpan<char> host)
    {
        var parts = 0;
        foreach (var range in host.Split('.'))
        {
            var part = host[range];
            if (++parts > 4 || part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0')
                || part.ContainsAnyExcept(Digits) || int.Parse(part, CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }
        }

        return parts == 4;
    }

    /// <summary>Whether <paramref name="text"/> (without brackets) is an IPv6 address in canonical form.</summary>
    public static bool IsCanonicalIPv6(ReadOnlySpan<char> text)
    {
        if (text.Length is < 2 or > MaxIPv6Length)
        {
            return false;
        }

        Span<ushort> pieces = stackalloc ushort[8];
        if (!TryParseIPv6(text, pieces))
        {
            return false;
        }

        Span<char> canonical = stackalloc char[MaxIPv6Length];
        var length = FormatIPv6(pieces, canonical);
        return text.SequenceEqual(canonical[..length]);
    }

    /// <summary>
    /// Parses IPv6 text made of hex pieces and at most one <c>::</c>. Only lowercase hex is read:
    /// other spellings are never canonical, so there is no need to understand them here.
    /// </summary>
    private static bool TryParseIPv6(ReadOnlySpan<char> text, Span<ushort> pieces)
    {
        pieces.Clear();
        var compress = text.IndexOf("::", StringComparison.Ordinal);
        if (compress < 0)
        {
            return ParsePieces(text, pieces) == 8;
        }

        var head = text[..compress];
        var tail = text[(compress + 2)..];
        Span<ushort> tailPieces = stackalloc ushort[8];
        var headCount = head.Length == 0 ? 0 : ParsePieces(head, pieces);
        var tailCount = tail.Length == 0 ? 0 : ParsePieces(tail, tailPieces);
        if (headCount < 0 || tailCount < 0 || headCount + tailCount > 7)
        {
            return false;
        }

        tailPieces[..tailCount].CopyTo(pieces[(8 - tailCount)..]);
        return true;
    }

    /// <summary>Parses colon-separated hex pieces into <paramref name="pieces"/>; returns the count, or -1.</summary>
    private static int ParsePieces(ReadOnlySpan<char> text, Span<ushort> pieces)
    {
        var count = 0;
        foreach (var range in text.Split(':'))
        {
            var piece = text[range];
            if (count == 8 || piece.Length is 0 or > 4 || piece.ContainsAnyExcept(LowerHexDigits))
            {
                return -1;
            }

            pieces[count++] = ushort.Parse(piece, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        }

        return count;
    }

    /// <summary>Writes the URL standard's serialization of an IPv6 address; returns its length.</summary>
    public static int FormatIPv6(ReadOnlySpan<ushort> pieces, Span<char> destination)
    {
        var (runStart, runLength) = LongestZeroRun(pieces);
        var written = 0;
        for (var i = 0; i < 8; i++)
        {
            if (i == runStart)
            {
                destination[written++] = ':';
                if (i == 0)
                {
                    destination[written++] = ':';
                }

                i += runLength - 1;
                continue;
            }

            pieces[i].TryFormat(destination[written..], out var digits, "x", CultureInfo.InvariantCulture);
            written += digits;
            if (i < 7)
            {
                destination[written++] = ':';
            }
        }

        return written;
    }

    /// <summary>The first longest run of at least two zero pieces, or (-1, 0).</summary>
    private static (int Start, int Length) LongestZeroRun(ReadOnlySpan<ushort> pieces)
    {
        var bestStart = -1;
        var bestLength = 1;
        for (var i = 0; i < 8;)
        {
            if (pieces[i] != 0)
            {
                i++;
                continue;
            }

            var start = i;
            while (i < 8 && pieces[i] == 0)
            {
                i++;
            }

            if (i - start > bestLength)
            {
                bestStart = start;
                bestLength = i - start;
            }
        }

        return bestStart < 0 ? (-1, 0) : (bestStart, bestLength);
    }
}
