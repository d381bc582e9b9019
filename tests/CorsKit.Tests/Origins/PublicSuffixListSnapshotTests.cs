using System.Security.Cryptography;
using System.Text;
using CorsKit.Origins;

namespace CorsKit.Tests.Origins;

public class PublicSuffixListSnapshotTests
{
    private static readonly string AnySha256 = new('a', 64);

    private static PublicSuffixListSnapshot Parse(string text) => PublicSuffixListSnapshot.Parse(new StringReader(text));

    // Pinned on purpose: after tools/refresh-public-suffix-list.sh, update these two values.
    [Fact]
    public void The_embedded_snapshot_is_Debian_publicsuffix_20261007_dated_by_its_version()
    {
        var snapshot = PublicSuffixListSnapshot.Current;

        snapshot.DebianVersion.Should().Be("20261007.0728-1");
        snapshot.Date.Should().Be(new DateOnly(2026, 10, 7));
    }

    [Fact]
    public void The_embedded_snapshot_describes_the_embedded_list() =>
        PublicSuffixListSnapshot.Current.Sha256.Should().Be(
            PublicSuffixListSnapshot.HashOf(PublicSuffixList.ReadResource(PublicSuffixList.ResourceName)));

    [Fact]
    public void A_snapshot_file_recording_another_list_is_refused()
    {
        var file = $"debian-version: 20261007.0728-1\nsha256: {AnySha256}\n";
        var list = "com\n"u8.ToArray();

        var read = () => PublicSuffixListSnapshot.Verified(new StringReader(file), list);

        read.Should().Throw<InvalidOperationException>().WithMessage(
            $"public_suffix_list.snapshot describes another list (sha256 {AnySha256}; the list's is {PublicSuffixListSnapshot.HashOf(list)}). "
            + "Refresh both with the repository's refresh-public-suffix-list.sh instead of editing either file by hand.");
    }

    [Fact]
    public void A_snapshot_file_recording_its_list_is_read_with_comments_and_blank_lines()
    {
        var list = "com\n"u8.ToArray();
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(list));

        var snapshot = PublicSuffixListSnapshot.Verified(
            new StringReader($"// written by the script\n\ndebian-version: 20230209.2326-1\r\nsha256: {sha256}\n"), list);

        snapshot.DebianVersion.Should().Be("20230209.2326-1");
        snapshot.Date.Should().Be(new DateOnly(2023, 2, 9));
        snapshot.Sha256.Should().Be(sha256);
    }

    [Fact]
    public void The_hash_reads_CRLF_as_LF_so_a_Windows_checkout_matches() =>
        PublicSuffixListSnapshot.HashOf(Encoding.UTF8.GetBytes("// c\r\ncom\r\n\r\nco.uk\n"))
            .Should().Be(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("// c\ncom\n\nco.uk\n"))));

    [Fact]
    public void A_lone_CR_is_hashed_as_written() =>
        PublicSuffixListSnapshot.HashOf("a\rb"u8)
            .Should().Be(Convert.ToHexStringLower(SHA256.HashData("a\rb"u8)));

    [Theory]
    [InlineData("sha256: {0}\n", "The Public Suffix List snapshot needs 'debian-version: YYYYMMDD.HHMM-N'; found ''.")]
    [InlineData("debian-version: 2026-10-07\nsha256: {0}\n", "The Public Suffix List snapshot needs 'debian-version: YYYYMMDD.HHMM-N'; found '2026-10-07'.")]
    [InlineData("debian-version: 20261307.0728-1\nsha256: {0}\n", "The Public Suffix List snapshot needs 'debian-version: YYYYMMDD.HHMM-N'; found '20261307.0728-1'.")]
    [InlineData("debian-version: 20261007.0728\nsha256: {0}\n", "The Public Suffix List snapshot needs 'debian-version: YYYYMMDD.HHMM-N'; found '20261007.0728'.")]
    [InlineData("debian-version: 20261007.0728-1\n", "The Public Suffix List snapshot needs 'sha256:' and 64 lowercase hex digits; found ''.")]
    [InlineData("debian-version: 20261007.0728-1\nsha256: ABC\n", "The Public Suffix List snapshot needs 'sha256:' and 64 lowercase hex digits; found 'ABC'.")]
    [InlineData("debian-version: 20261007.0728-1\nsha256: {0}\ndate: 2026-10-07\n", "Unknown line in the Public Suffix List snapshot: 'date: 2026-10-07'.")]
    public void Malformed_snapshot_files_are_refused(string text, string message)
    {
        var parse = () => Parse(text.Replace("{0}", AnySha256, StringComparison.Ordinal));

        parse.Should().Throw<FormatException>().WithMessage(message);
    }
}
