using CorsKit.Origins;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Tests.Origins;

public class OriginMatcherTests
{
    private static OriginMatcher Matcher(params string[] entries)
    {
        var patterns = new List<OriginPattern>();
        var exact = new List<string>();
        foreach (var entry in entries)
        {
            if (OriginPattern.TryParse(entry, out var pattern))
            {
                patterns.Add(pattern!);
            }
            else
            {
                exact.Add(entry);
            }
        }

        return new OriginMatcher(exact, patterns, allowsAnyOrigin: false);
    }

    [Theory]
    [InlineData("https://app.example.com", nameof(OriginVerdict.Allowed))]
    [InlineData("https://app.example.co", nameof(OriginVerdict.NotAllowed))]
    [InlineData("https://other.example.com", nameof(OriginVerdict.NotAllowed))]
    [InlineData("http://app.example.com", nameof(OriginVerdict.NotAllowed))]
    [InlineData("https://app.example.com:8443", nameof(OriginVerdict.NotAllowed))]
    [InlineData("https://APP.example.com", nameof(OriginVerdict.Malformed))]
    [InlineData("null", nameof(OriginVerdict.Null))]
    public void Exact_origins_match_byte_for_byte(string origin, string expected) =>
        Matcher("https://app.example.com").Match(origin).ToString().Should().Be(expected);

    [Theory]
    [InlineData("https://api.example.com", nameof(OriginVerdict.Allowed))]
    [InlineData("https://a.b.example.com", nameof(OriginVerdict.Allowed))]
    [InlineData("https://x-y.example.com", nameof(OriginVerdict.Allowed))]
    [InlineData("https://example.com", nameof(OriginVerdict.NotAllowed))] // never the apex
    [InlineData("https://evil-example.com", nameof(OriginVerdict.NotAllowed))]
    [InlineData("https://evilexample.com", nameof(OriginVerdict.NotAllowed))]
    [InlineData("https://example.com.evil.com", nameof(OriginVerdict.NotAllowed))]
    [InlineData("https://api.example.com.evil.com", nameof(OriginVerdict.NotAllowed))]
    [InlineData("http://api.example.com", nameof(OriginVerdict.NotAllowed))] // same scheme only
    [InlineData("https://api.example.com:8443", nameof(OriginVerdict.NotAllowed))] // same port only
    [InlineData("https://.example.com", nameof(OriginVerdict.Malformed))]
    [InlineData("https://API.example.com", nameof(OriginVerdict.Malformed))]
    public void Subdomain_patterns_match_one_or_more_labels_under_the_domain(string origin, string expected) =>
        Matcher("https://*.example.com").Match(origin).ToString().Should().Be(expected);

    [Theory]
    [InlineData("http://app.localhost:5173", nameof(OriginVerdict.Allowed))]
    [InlineData("http://a.b.localhost:5173", nameof(OriginVerdict.Allowed))]
    [InlineData("http://localhost:5173", nameof(OriginVerdict.NotAllowed))]
    [InlineData("http://app.localhost", nameof(OriginVerdict.NotAllowed))]
    [InlineData("http://app.localhost:5174", nameof(OriginVerdict.NotAllowed))]
    public void Patterns_with_a_port_match_that_port_only(string origin, string expected) =>
        Matcher("http://*.localhost:5173").Match(origin).ToString().Should().Be(expected);

    [Fact]
    public void Several_schemes_and_overlapping_patterns_are_all_honoured()
    {
        var matcher = Matcher("https://*.example.com", "http://*.example.com:8080", "https://*.a.example.org");
        matcher.Match("https://x.example.com").Should().Be(OriginVerdict.Allowed);
        matcher.Match("http://x.example.com:8080").Should().Be(OriginVerdict.Allowed);
        matcher.Match("http://x.example.com").Should().Be(OriginVerdict.NotAllowed);
        matcher.Match("https://b.a.example.org").Should().Be(OriginVerdict.Allowed);
        matcher.Match("https://a.example.org").Should().Be(OriginVerdict.NotAllowed);
        matcher.Match("https://b.example.org").Should().Be(OriginVerdict.NotAllowed);
    }

    [Fact]
    public void Any_origin_allows_every_canonical_origin_but_never_null_or_malformed_ones()
    {
        var matcher = new OriginMatcher([], [], allowsAnyOrigin: true);
        matcher.Match("https://anything.example").Should().Be(OriginVerdict.Allowed);
        matcher.Match("http://[::1]:8080").Should().Be(OriginVerdict.Allowed);
        matcher.Match("null").Should().Be(OriginVerdict.Null);
        matcher.Match("https://anything.example/").Should().Be(OriginVerdict.Malformed);
    }

    [Theory]
    [InlineData("file://example.com")] // file: pages send Origin: null
    [InlineData("ftp://example.com")] // no browser loads ftp: pages any more
    [InlineData("ws://example.com")] // a WebSocket URL is never a page's origin
    [InlineData("wss://example.com")]
    [InlineData("https://xn--.example.com")] // not Punycode: the URL parser refuses the host
    [InlineData("https://xn--f.example.com")]
    [InlineData("https://xn--abc-.example.com")] // decodes to ASCII only
    [InlineData("https://xn--a.example.com")]
    [InlineData("http://xn--f")]
    public void Origins_no_browser_sends_are_malformed_under_any_origin_and_under_patterns(string origin)
    {
        new OriginMatcher([], [], allowsAnyOrigin: true).Match(origin).Should().Be(OriginVerdict.Malformed);
        Matcher("https://*.example.com", "http://*.example.com").Match(origin).Should().Be(OriginVerdict.Malformed);
    }

    [Theory]
    [InlineData("https://xn--bcher-kva.example.com")] // bücher
    [InlineData("https://a.xn--p1ai.example.com")] // рф
    [InlineData("https://xn--ls8h.example.com")] // an emoji, outside the BMP
    public void Valid_punycode_labels_match_patterns(string origin) =>
        Matcher("https://*.example.com").Match(origin).Should().Be(OriginVerdict.Allowed);

    [Fact]
    public void More_than_one_Origin_header_is_refused_even_when_each_is_allowed()
    {
        var matcher = Matcher("https://app.example.com");
        matcher.Match(new StringValues(["https://app.example.com", "https://app.example.com"])).Should().Be(OriginVerdict.Multiple);
    }

    [Fact]
    public void Ten_thousand_exact_origins_are_all_found_and_near_misses_are_not()
    {
        var origins = Enumerable.Range(0, 10_000).Select(i => $"https://app{i}.example.com").ToArray();
        var matcher = Matcher(origins);
        origins.Should().OnlyContain(o => matcher.Match(o) == OriginVerdict.Allowed);
        matcher.Match("https://app10000.example.com").Should().Be(OriginVerdict.NotAllowed);
        matcher.Match("https://app1.example.com.evil.com").Should().Be(OriginVerdict.NotAllowed);
    }

    [Fact]
    public void Origins_longer_than_the_limit_are_denied_before_any_lookup_even_when_a_pattern_would_match()
    {
        var pattern = OriginPattern.TryParse("https://*.example.com", out var p) ? p! : throw new InvalidOperationException();
        var matcher = new OriginMatcher([], [pattern], allowsAnyOrigin: false, maxOriginLength: 40);

        matcher.Match("https://" + new string('a', 19) + ".example.com").Should().Be(OriginVerdict.Allowed); // 39 characters
        matcher.Match("https://" + new string('a', 21) + ".example.com").Should().Be(OriginVerdict.Malformed); // 41 characters
    }
}
