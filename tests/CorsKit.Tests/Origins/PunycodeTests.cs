using System.Globalization;
using CorsKit.Origins;
using CorsKit.Testing;
using CsCheck;

namespace CorsKit.Tests.Origins;

public class PunycodeTests
{
    [Theory]
    [InlineData("bcher-kva")] // bücher
    [InlineData("p1ai")] // рф
    [InlineData("ls8h")] // 💩, beyond the BMP
    [InlineData("nxasmm1c")] // βόλος
    [InlineData("mnchen-3ya")] // münchen
    [InlineData("zca")] // ß
    [InlineData("80ak6aa92e")] // аррӏе, a look-alike: valid Punycode, so browsers send it
    public void Labels_that_decode_to_a_name_are_valid_as_the_IDNA_library_says(string encoded)
    {
        Punycode.IsValidLabel(encoded).Should().BeTrue();
        IdnaAccepts("xn--" + encoded).Should().BeTrue("the system's IDNA implementation agrees");
    }

    [Theory]
    [InlineData("")] // xn-- alone
    [InlineData("f")] // ends inside a number
    [InlineData("a")] // decodes to U+0080, a C1 control
    [InlineData("abc-")] // only ASCII: UTS #46 refuses it
    [InlineData("-abc")] // a leading '-' is not a delimiter
    [InlineData("bcher-kva-")] // a trailing delimiter leaves nothing to decode
    [InlineData("99999999999")] // overflows
    [InlineData("ab_c")] // not a Punycode digit
    public void Labels_that_do_not_decode_to_a_non_ASCII_name_are_invalid_as_the_IDNA_library_says(string encoded)
    {
        Punycode.IsValidLabel(encoded).Should().BeFalse();
        IdnaAccepts("xn--" + encoded).Should().BeFalse("the system's IDNA implementation agrees");
    }

    [Fact]
    public void The_decoder_agrees_with_the_reference_decoder_on_any_label() =>
        Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-"].Array[0, 20].Select(chars => new string(chars))
            .Sample(label => Punycode.IsValidLabel(label).Should().Be(ReferenceModel.IsPunycodeOfNonAsciiLabel(label), label), iter: 20_000);

    [Fact]
    public void Every_label_the_IDNA_library_accepts_is_valid() =>
        Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-"].Array[1, 12].Select(chars => new string(chars))
            .Where(label => IdnaAccepts("xn--" + label))
            .Sample(label => Punycode.IsValidLabel(label).Should().BeTrue(label), iter: 2_000);

    private static bool IdnaAccepts(string label)
    {
        try
        {
            var idn = new IdnMapping();
            return idn.GetAscii(idn.GetUnicode(label)) == label;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
