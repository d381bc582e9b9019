using System.Globalization;
using CorsKit.Testing;
using CsCheck;

namespace CorsKit.Tests.Properties;

/// <summary>CsCheck generators for canonical origins, their hostile variants, policies and header lists.</summary>
internal static class Generators
{
    /// <summary>
    /// A host label. A random one never starts with "xn--": that prefix promises Punycode, which
    /// random characters almost never are, and browsers refuse such a host (one in about two
    /// million labels drew it, failing a run: seed "dlZrndZ-fv31" of the origin property test).
    /// Real Punycode labels come from the list.
    /// </summary>
    public static readonly Gen<string> Label = Gen.Frequency(
        (9, Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-_"].Array[1, 12].Select(chars => new string(chars)).Where(l => !l.StartsWith("xn--", StringComparison.Ordinal))),
        (1, Gen.OneOf("xn--bcher-kva", "xn--p1ai", "xn--ls8h", "xn--nxasmm1c", "xn--mnchen-3ya"))); // bücher, рф, 💩, βόλος, münchen

    public static readonly Gen<string> Domain = Gen.Select(
        Label, Label.Array[0, 2], Gen.OneOf("com", "org", "net", "io", "example", "test", "localhost"),
        (first, middle, tld) => string.Join('.', [first, .. middle, tld]));

    public static readonly Gen<string> IPv4 = Gen.Int[0, 255].Array[4].Select(parts => string.Join('.', parts));

    public static readonly Gen<string> IPv6 =
        Gen.Frequency((3, Gen.Const(0)), (2, Gen.Int[0, 0xffff])).Array[8].Select(pieces => $"[{ReferenceModel.FormatIPv6(pieces)}]");

    public static readonly Gen<string> Scheme = Gen.OneOf("http", "https", "chrome-extension", "capacitor");

    public static readonly Gen<int> Port = Gen.Frequency((3, Gen.Const(-1)), (1, Gen.Int[1, 65535]));

    /// <summary>Origins exactly as a browser serializes them.</summary>
    public static readonly Gen<string> CanonicalOrigin = Gen.Select(
        Scheme, Gen.Frequency((6, Domain), (1, IPv4), (1, IPv6)), Port,
        (scheme, host, port) =>
        {
            var isDefault = port == (scheme switch { "http" => 80, "https" => 443, _ => -1 });
            return port < 0 || isDefault ? $"{scheme}://{host}" : $"{scheme}://{host}:{port.ToString(CultureInfo.InvariantCulture)}";
        });

    /// <summary>Canonical origins, hostile corpus entries, and one to three random mutations of either.</summary>
    public static readonly Gen<string> HostileOrigin = Gen.Select(
        Gen.Frequency((3, CanonicalOrigin), (1, Gen.OneOf(HostileInputs.Origins))), Gen.Int, Gen.Int[0, 3],
        (seed, randomSeed, rounds) =>
        {
            var random = new Random(randomSeed);
            var text = seed;
            for (var i = 0; i < rounds; i++)
            {
                text = HostileInputs.Mutate(text, random);
            }

            return text;
        });

    /// <summary>Any string at all, control characters and unpaired surrogates included.</summary>
    public static readonly Gen<string> AnyText = Gen.Char.Array[0, 80].Select(chars => new string(chars));

    /// <summary>A pattern (scheme, domain, port) under a registrable-looking domain.</summary>
    public static readonly Gen<(string Scheme, string Domain, int Port)> Pattern = Gen.Select(
        Gen.OneOf("http", "https"), Gen.Select(Label, Gen.OneOf("com", "org", "example")).Select((l, t) => $"{l}.{t}"),
        Gen.Frequency((3, Gen.Const(-1)), (1, Gen.Int[1000, 9000])),
        (scheme, domain, port) => (scheme, domain, port));

    public static readonly Gen<string> HeaderName = Gen.Frequency(
        (4, Gen.OneOf("content-type", "authorization", "x-requested-with", "X-Custom", "x-api-key", "accept")),
        (1, Gen.Char["abcxyzABC-_0123 ,\t;\u00e9\u0000"].Array[0, 10].Select(chars => new string(chars))));

    /// <summary>Access-Control-Request-Headers values: comma-joined names with odd spacing and empty elements.</summary>
    public static readonly Gen<string> HeaderList = Gen.Select(HeaderName.Array[0, 6], Gen.OneOf(",", ", ", " ,", ",,"), (names, separator) => string.Join(separator, names));
}
