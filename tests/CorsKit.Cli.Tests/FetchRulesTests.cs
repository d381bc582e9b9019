namespace CorsKit.Cli.Tests;

/// <summary>The Fetch standard's request rules the probe applies before it sends anything.</summary>
public sealed class FetchRulesTests
{
    [Theory]
    [InlineData("bytes=0-", true)]
    [InlineData("bytes=0-499", true)]
    [InlineData("bytes=500-500", true)]
    [InlineData("bytes=500-499", false)]
    [InlineData("bytes=-500", false)]
    [InlineData("bytes=0-499,600-", false)]
    [InlineData("bytes=99999999999999999999-", false)]
    [InlineData("bytes=0-99999999999999999999", false)]
    [InlineData("bytes=+1-2", false)]
    [InlineData("items=0-1", false)]
    public void Only_a_single_range_with_a_start_that_fits_is_safelisted(string value, bool safelisted) =>
        FetchRules.IsSafelistedRequestHeader("Range", value).Should().Be(safelisted);

    [Theory]
    [InlineData("Accept-Charset")]
    [InlineData("accept-encoding")]
    [InlineData("Access-Control-Request-Headers")]
    [InlineData("Access-Control-Request-Method")]
    [InlineData("Connection")]
    [InlineData("Content-Length")]
    [InlineData("Cookie")]
    [InlineData("Cookie2")]
    [InlineData("Date")]
    [InlineData("DNT")]
    [InlineData("Expect")]
    [InlineData("Host")]
    [InlineData("Keep-Alive")]
    [InlineData("Origin")]
    [InlineData("Referer")]
    [InlineData("Set-Cookie")]
    [InlineData("TE")]
    [InlineData("Trailer")]
    [InlineData("Transfer-Encoding")]
    [InlineData("UPGRADE")]
    [InlineData("Via")]
    public void Every_forbidden_request_header_name_of_the_standard_is_forbidden_in_any_case(string name) =>
        FetchRules.IsForbiddenRequestHeader(name, "x").Should().BeTrue();

    [Theory]
    [InlineData("X-HTTP-Method", "CONNECT", true)]
    [InlineData("x-method-override", "GET, track", true)]
    [InlineData("X-HTTP-Method-Override", "DELETE", false)]
    [InlineData("Proxy-Connection", "x", true)]
    [InlineData("sec-ch-ua", "x", true)]
    [InlineData("Secret", "x", false)]
    [InlineData("Authorization", "x", false)]
    public void Forbidden_request_headers_follow_the_standard(string name, string value, bool forbidden) =>
        FetchRules.IsForbiddenRequestHeader(name, value).Should().Be(forbidden);

    [Theory]
    [InlineData("PUT, DELETE", true, "PUT,DELETE")]
    [InlineData("PUT,,DELETE ", true, "PUT,DELETE")]
    [InlineData("", true, "")]
    [InlineData("PUT, DE LETE", false, "PUT,DE LETE")]
    [InlineData("X-A, \"X-B\"", false, "X-A,\"X-B\"")]
    public void A_token_list_fails_on_any_item_that_is_not_a_token(string value, bool valid, string items)
    {
        FetchRules.TryTokenList([value], out var list).Should().Be(valid);
        string.Join(',', list).Should().Be(items);
    }

    [Fact]
    public void Unsafe_header_names_are_lowercased_and_sorted_and_safelisted_ones_left_out() =>
        FetchRules.UnsafeHeaderNames([("X-B", "1"), ("Accept", "text/html"), ("X-A", "1"), ("Content-Type", "application/json")])
            .Should().Equal("content-type", "x-a", "x-b");
}
