using CorsKit.Engine;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Tests.Engine;

public class CrossOriginGuardTests
{
    private static GuardRequest Request(
        string method = "POST",
        string origin = "https://evil.example",
        StringValues secFetchSite = default,
        string scheme = "https",
        string host = "api.example.com",
        string contentType = "text/plain") =>
        new(method, origin, secFetchSite, scheme, host, contentType);

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    [InlineData("PROPFIND")]
    [InlineData("get")] // not GET: browsers normalize get to GET, so this did not come from one
    [InlineData("options")]
    public void Unsafe_cross_origin_requests_are_blocked(string method) =>
        CrossOriginGuard.Blocks(Request(method, secFetchSite: "cross-site"), acceptsCrossOriginFormPosts: false).Should().BeTrue();

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    [InlineData("OPTIONS")]
    public void Safe_methods_are_never_blocked(string method) =>
        CrossOriginGuard.Blocks(Request(method, secFetchSite: "cross-site"), acceptsCrossOriginFormPosts: false).Should().BeFalse();

    [Theory]
    [InlineData("same-origin", false)]
    [InlineData("none", false)]
    [InlineData("same-site", true)]
    [InlineData("cross-site", true)]
    [InlineData("garbage", true)]
    public void Fetch_metadata_decides_same_origin_when_present(string secFetchSite, bool blocked) =>
        CrossOriginGuard.Blocks(Request(origin: "https://api.example.com", secFetchSite: secFetchSite), false).Should().Be(blocked);

    [Fact]
    public void Several_Sec_Fetch_Site_headers_are_not_trusted() =>
        CrossOriginGuard.Blocks(Request(secFetchSite: new StringValues(["same-origin", "same-origin"])), false).Should().BeTrue();

    [Theory]
    [InlineData("https://api.example.com", "https", "api.example.com", false)]
    [InlineData("https://api.example.com", "https", "API.Example.com", false)] // Host names are case-insensitive
    [InlineData("https://api.example.com", "https", "api.example.com:443", false)]
    [InlineData("http://localhost:5000", "http", "localhost:5000", false)]
    [InlineData("http://[::1]:5000", "http", "[::1]:5000", false)]
    [InlineData("https://api.example.com", "HTTPS", "api.example.com", false)]
    [InlineData("https://api.example.com", "http", "api.example.com", true)]
    [InlineData("https://api.example.com", "https", "api.example.com:8443", true)]
    [InlineData("https://api.example.com:8443", "https", "api.example.com", true)]
    [InlineData("https://evil.example", "https", "api.example.com", true)]
    [InlineData("https://api.example.com.evil.example", "https", "api.example.com", true)]
    [InlineData("https://api.example.com", "https", "api.example.com.", true)]
    [InlineData("https://api.example.com", "https", "api.example.com:x", true)]
    [InlineData("https://api.example.com", "https", "", true)]
    [InlineData("null", "https", "api.example.com", true)]
    [InlineData("https://API.example.com", "https", "api.example.com", true)] // not canonical
    public void Without_fetch_metadata_same_origin_is_Origin_equal_to_the_own_origin(string origin, string scheme, string host, bool blocked) =>
        CrossOriginGuard.Blocks(Request(origin: origin, scheme: scheme, host: host), false).Should().Be(blocked);

    [Theory]
    [InlineData("POST", "application/x-www-form-urlencoded", false)]
    [InlineData("POST", "application/x-www-form-urlencoded; charset=UTF-8", false)]
    [InlineData("POST", "Multipart/Form-Data; boundary=x", false)]
    [InlineData("POST", "text/plain", true)]
    [InlineData("POST", "application/json", true)]
    [InlineData("PUT", "application/x-www-form-urlencoded", true)]
    [InlineData("DELETE", "", true)]
    public void The_form_post_opt_out_lets_through_only_form_posts(string method, string contentType, bool blocked) =>
        CrossOriginGuard.Blocks(Request(method, secFetchSite: "cross-site", contentType: contentType), acceptsCrossOriginFormPosts: true).Should().Be(blocked);
}
