using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace CorsKit.Origins;

/// <summary>
/// Which Public Suffix List snapshot is embedded: the Debian <c>publicsuffix</c> package version
/// it was copied from and the list's date, read from the embedded
/// <c>public_suffix_list.snapshot</c> that <c>tools/refresh-public-suffix-list.sh</c> writes next
/// to the list. The list itself carries no date; the snapshot file names the list's SHA-256, and
/// is refused if it describes another list, so the two cannot drift apart.
/// </summary>
internal sealed partial class PublicSuffixListSnapshot
{
    /// <summary>A snapshot older than this many days is warned about: suffixes registered since are missing.</summary>
    public const int MaxAgeDays = 180;

    private const string ResourceName = "CorsKit.public_suffix_list.snapshot";

    private static readonly Lazy<PublicSuffixListSnapshot> Embedded = new(LoadEmbedded);

    private PublicSuffixListSnapshot(string debianVersion, DateOnly date, string sha256)
    {
        DebianVersion = debianVersion;
        Date = date;
        Sha256 = sha256;
    }

    /// <summary>The snapshot of the list embedded in this assembly.</summary>
    public static PublicSuffixListSnapshot Current => Embedded.Value;

    /// <summary>The Debian package version, e.g. <c>20261007.0728-1</c>.</summary>
    public string DebianVersion { get; }

    /// <summary>The list's date: the upstream commit date that leads the Debian version.</summary>
    public DateOnly Date { get; }

    /// <summary>The SHA-256 (lowercase hex) of the list's text with LF line endings.</summary>
    public string Sha256 { get; }

    /// <summary>
    /// The warning to give on <paramref name="today"/> when the snapshot is more than
    /// <see cref="MaxAgeDays"/> days old, or null.
    /// </summary>
    public string? StalenessWarning(DateOnly today)
    {
        var age = today.DayNumber - Date.DayNumber;
        return age <= MaxAgeDays
            ? null
            : $"the embedded Public Suffix List is {age} days old ({Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}), so wildcards directly under "
              + "suffixes added since then are not refused. Update the CorsKit package (a CorsKit built from its source: run its refresh-public-suffix-list.sh and rebuild).";
    }

    /// <summary>
    /// Reads a snapshot file: <c>//</c> comments, <c>debian-version: YYYYMMDD.HHMM-N</c> and
    /// <c>sha256: HEX</c>. Throws <see cref="FormatException"/> when either is missing or malformed.
    /// </summary>
    public static PublicSuffixListSnapshot Parse(TextReader reader)
    {
        string? version = null;
        string? sha256 = null;
        while (reader.ReadLine() is { } line)
        {
            var text = line.Trim();
            if (text.Length == 0 || text.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            var colon = text.IndexOf(':', StringComparison.Ordinal);
            var key = colon < 0 ? text : text[..colon];
            var value = colon < 0 ? "" : text[(colon + 1)..].Trim();
            switch (key)
            {
                case "debian-version":
                    version = value;
                    break;
                case "sha256":
                    sha256 = value;
                    break;
                default:
                    throw new FormatException($"Unknown line in the Public Suffix List snapshot: '{text}'.");
            }
        }

        if (version is null || DebianVersionSyntax().Match(version) is not { Success: true } match
            || !DateOnly.TryParseExact(match.Groups["date"].Value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw new FormatException($"The Public Suffix List snapshot needs 'debian-version: YYYYMMDD.HHMM-N'; found '{version}'.");
        }

        if (sha256 is null || !Sha256Syntax().IsMatch(sha256))
        {
            throw new FormatException($"The Public Suffix List snapshot needs 'sha256:' and 64 lowercase hex digits; found '{sha256}'.");
        }

        return new PublicSuffixListSnapshot(version, date, sha256);
    }

    /// <summary>
    /// The SHA-256 the snapshot file records for <paramref name="list"/>: over its bytes with
    /// every CR LF read as LF, so that a checkout with Windows line endings hashes the same.
    /// </summary>
    public static string HashOf(ReadOnlySpan<byte> list)
    {
        var normalized = new byte[list.Length];
        var length = 0;
        for (var i = 0; i < list.Length; i++)
        {
            if (!(list[i] == (byte)'\r' && i + 1 < list.Length && list[i + 1] == (byte)'\n'))
            {
                normalized[length++] = list[i];
            }
        }

        return Convert.ToHexStringLower(SHA256.HashData(normalized.AsSpan(0, length)));
    }

    /// <summary>
    /// Reads a snapshot file and checks that it describes <paramref name="list"/>; throws
    /// <see cref="InvalidOperationException"/> when it records another list's hash.
    /// </summary>
    public static PublicSuffixListSnapshot Verified(TextReader snapshotFile, ReadOnlySpan<byte> list)
    {
        var snapshot = Parse(snapshotFile);
        var actual = HashOf(list);
        if (actual != snapshot.Sha256)
        {
            throw new InvalidOperationException(
                $"public_suffix_list.snapshot describes another list (sha256 {snapshot.Sha256}; the list's is {actual}). "
                + "Refresh both with the repository's refresh-public-suffix-list.sh instead of editing either file by hand.");
        }

        return snapshot;
    }

    private static PublicSuffixListSnapshot LoadEmbedded()
    {
        using var snapshotFile = new StreamReader(new MemoryStream(PublicSuffixList.ReadResource(ResourceName)));
        return Verified(snapshotFile, PublicSuffixList.ReadResource(PublicSuffixList.ResourceName));
    }

    [GeneratedRegex(@"^(?<date>[0-9]{8})\.[0-9]{4}-[0-9A-Za-z.+~]+$", RegexOptions.CultureInvariant)]
    private static partial Regex DebianVersionSyntax();

    [GeneratedRegex("^[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256Syntax();
}
