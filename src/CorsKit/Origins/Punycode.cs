namespace CorsKit.Origins;

/// <summary>
/// Checks the Punycode (RFC 3492) part of an <c>xn--</c> host label without allocating. The WHATWG
/// URL parser refuses a host whose <c>xn--</c> label does not decode, or decodes to ASCII only
/// (UTS #46), so no browser sends an Origin with such a label. This is the structural check, cheap
/// enough for requests; configuration additionally runs the full IDNA check.
/// </summary>
internal static class Punycode
{
    /// <summary>The ACE prefix that marks a Punycode label.</summary>
    public const string AcePrefix = "xn--";

    private const int Base = 36;
    private const int TMin = 1;
    private const int TMax = 26;
    private const int Skew = 38;
    private const int Damp = 700;
    private const int InitialBias = 72;
    private const int InitialN = 0x80;

    /// <summary>
    /// Whether <paramref name="encoded"/> (a label without its <c>xn--</c> prefix, lowercase)
    /// decodes to a label with at least one non-ASCII code point, none of them a control
    /// character or a surrogate.
    /// </summary>
    public static bool IsValidLabel(ReadOnlySpan<char> encoded)
    {
        // Code points are only counted: where each is inserted does not change validity.
        var delimiter = encoded.LastIndexOf('-');
        var count = delimiter > 0 ? delimiter : 0;
        var position = delimiter > 0 ? delimiter + 1 : 0; // a leading '-' is not a delimiter but a bad digit
        if (position >= encoded.Length)
        {
            return false; // nothing but basic code points, or nothing at all
        }

        var n = InitialN;
        var i = 0;
        var bias = InitialBias;
        while (position < encoded.Length)
        {
            var oldI = i;
            var w = 1;
            for (var k = Base; ; k += Base)
            {
                if (position >= encoded.Length || Digit(encoded[position++]) is not (>= 0 and var digit)
                    || digit > (int.MaxValue - i) / w)
                {
                    return false;
                }

                i += digit * w;
                var t = k <= bias ? TMin : k >= bias + TMax ? TMax : k - bias;
                if (digit < t)
                {
                    break;
                }

                if (w > int.MaxValue / (Base - t))
                {
                    return false;
                }

                w *= Base - t;
            }

            count++;
            bias = Adapt(i - oldI, count, oldI == 0);
            if (i / count > int.MaxValue - n)
            {
                return false;
            }

            n += i / count;
            i %= count;
            i++;
            if (n is < 0xA0 or (>= 0xD800 and <= 0xDFFF) or > 0x10FFFF)
            {
                return false; // C1 controls, surrogates, beyond Unicode
            }
        }

        return true;
    }

    private static int Digit(char c) => c switch
    {
        >= 'a' and <= 'z' => c - 'a',
        >= '0' and <= '9' => c - '0' + 26,
        _ => -1,
    };

    private static int Adapt(int delta, int count, bool first)
    {
        delta = first ? delta / Damp : delta / 2;
        delta += delta / count;
        var k = 0;
        while (delta > ((Base - TMin) * TMax) / 2)
        {
            delta /= Base - TMin;
            k += Base;
        }

        return k + (((Base - TMin + 1) * delta) / (delta + Skew));
    }
}
