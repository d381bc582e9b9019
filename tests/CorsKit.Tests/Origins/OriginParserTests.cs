using CorsKit.Origins;

namespace CorsKit.Tests.Origins;

public class OriginParserTests
{
    [Theory]
    [InlineData("https://example.com", "https", "example.com", -1)]
    [InlineData("http://localhost:3000", "http", "localhost", 3000)]
    [InlineData("https://a.b.example.com", "https", "a.b.example.com", -1)]
    [InlineData("https://xn--bcher-kva.example", "https", "xn--bcher-kva.example", -1)]
    [InlineData("http://127.0.0.1:8080", "http", "127.0.0.1", 8080)]
    [InlineData("http://[::1]:3000", "http", "[::1]", 3000)]
    [InlineData("https://[2001:db8::1]", "https", "[2001:db8::1]", -1)]
    [InlineData("http://my_host.example.com", "http", "my_host.example.com", -1)]
    [InlineData("chrome-extension://abcdefghijklmnopabcdefghijklmnop", "chrome-extension", "abcdefghijklmnopabcdefghijklmnop", -1)]
    [InlineData("https://example.com:8443", "https", "example.com", 8443)]
    [InlineData("http://localhost:65535", "http", "localhost", 65535)]
    [InlineData("https://example.com:80", "https", "example.com", 80)]
    [InlineData("http://example.com:443", "http", "example.com", 443)]
    [InlineData("http://1a.example", "http", "1a.example", -1)]
    public void Canonical_origins_are_parsed_into_their_parts(string origin, string scheme, string host, int port)
    {
        OriginParser.TryParse(origin, out var parts).Should().BeTrue();
        parts.Scheme(origin).ToString().Should().Be(scheme);
        parts.Host(origin).ToString().Should().Be(host);
        parts.Port.Should().Be(port);
    }

    [Theory]
    [InlineData("http://[::]")]
    [InlineData("http://[::1]")]
    [InlineData("http://[1::]")]
    [InlineData("http://[2001:db8::1:0:0:1]")] // the first of two equal zero runs is compressed
    [InlineData("http://[1:0:1:1:1:1:1:1]")] // a single zero piece is never compressed
    [InlineData("http://[2001:db8:85a3::8a2e:370:7334]")]
    [InlineData("http://[::ffff:102:304]")] // IPv4-mapped, serialized in hex as browsers do
    public void Canonical_IPv6_hosts_are_accepted(string origin) =>
        OriginParser.TryParse(origin, out _).Should().BeTrue();

    [Theory]
    [InlineData("http://[0::1]")]
    [InlineData("http://[::0:1]")]
    [InlineData("http://[2001:DB8::1]")]
    [InlineData("http://[2001:db8:0:0:0:0:0:1]")]
    [InlineData("http://[2001:db8::0001]")]
    [InlineData("http://[::ffff:1.2.3.4]")]
    [InlineData("http://[2001:db8:0:0:1::1]")] // compresses the second run instead of the first
    [InlineData("http://[1::1:1:1:1:1:1]")] // "::" standing for a single zero piece
    [InlineData("http://[1:2:3:4:5:6:7:8:9]")]
    [InlineData("http://[1::2::3]")]
    [InlineData("http://[::1")]
    [InlineData("http://::1")]
    [InlineData("http://[]")]
    [InlineData("http://[fe80::1%25eth0]")]
    public void Non_canonical_IPv6_hosts_are_refused(string origin) =>
        OriginParser.TryParse(origin, out _).Should().BeFalse();

    [Theory]
    [InlineData("http://127.1")]
    [InlineData("http://0x7f.0.0.1")]
    [InlineData("http://127.000.0.1")]
    [InlineData("http://0127.0.0.1")]
    [InlineData("http://256.1.1.1")]
    [InlineData("http://1.2.3.4.5")]
    [InlineData("http://example.123")]
    [InlineData("http://example.0x1f")]
    [InlineData("http://2130706433")]
    public void Hosts_that_browsers_would_rewrite_as_IPv4_are_refused(string origin) =>
        OriginParser.TryParse(origin, out _).Should().BeFalse();

    [Theory]
    [InlineData("https://example.com:0")]
    [InlineData("https://example.com:080")]
    [InlineData("https://example.com:65536")]
    [InlineData("https://example.com:443")]
    [InlineData("http://example.com:80")]
    [InlineData("ws://example.com:80")]
    [InlineData("wss://example.com:443")]
    [InlineData("ftp://example.com:21")]
    [InlineData("https://example.com:")]
    [InlineData("https://example.com:+80")]
    [InlineData("https://example.com:8a")]
    public void Ports_that_are_default_or_not_canonical_decimals_are_refused(string origin) =>
        OriginParser.TryParse(origin, out _).Should().BeFalse();

    [Fact]
    public void Labels_longer_than_63_characters_and_hosts_longer_than_253_are_refused()
    {
        OriginParser.TryParse($"https://{new string('a', 63)}.example.com", out _).Should().BeTrue();
        OriginParser.TryParse($"https://{new string('a', 64)}.example.com", out _).Should().BeFalse();
        var longHost = string.Join('.', Enumerable.Repeat(new string('a', 50), 5)) + ".com"; // 258 characters
        OriginParser.TryParse($"https://{longHost}", out _).Should().BeFalse();
    }

    [Theory]
    [InlineData("http", 80)]
    [InlineData("https", 443)]
    [InlineData("chrome-extension", -1)]
    [InlineData("capacitor", -1)]
    public void Default_ports_follow_the_URL_standard(string scheme, int port) =>
        OriginParser.DefaultPort(scheme).Should().Be(port);
}
