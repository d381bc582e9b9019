using CorsKit.Origins;

namespace CorsKit.Tests.Origins;

public class PublicSuffixListTests
{
    private static readonly PublicSuffixList List = PublicSuffixList.Instance;

    [Fact]
    public void The_embedded_snapshot_is_loaded_whole() =>
        List.RuleCount.Should().BeGreaterThan(9000);

    [Theory]
    [InlineData("com")]
    [InlineData("uk")]
    [InlineData("co.uk")]
    [InlineData("github.io")]
    [InlineData("herokuapp.com")]
    [InlineData("bar.ck")] // under the wildcard rule *.ck
    [InlineData("xn--p1ai")] // рф, written in the list in unicode
    [InlineData("localhost")] // every single label is a public suffix by the implicit "*" rule
    public void Public_suffixes_are_recognised(string domain) =>
        List.IsPublicSuffix(domain).Should().BeTrue();

    [Theory]
    [InlineData("ngrok-free.app")]
    [InlineData("azure-api.net")]
    [InlineData("replit.app")]
    [InlineData("lovable.app")]
    public void Suffixes_added_since_2023_are_recognised(string domain) =>
        List.IsPublicSuffix(domain).Should().BeTrue();

    [Theory]
    [InlineData("example.com")]
    [InlineData("example.co.uk")]
    [InlineData("me.github.io")]
    [InlineData("www.ck")] // the exception rule !www.ck
    [InlineData("foo.bar.ck")]
    public void Registrable_domains_are_not_public_suffixes(string domain) =>
        List.IsPublicSuffix(domain).Should().BeFalse();

    [Fact]
    public void Rules_are_read_from_any_reader_in_the_list_format()
    {
        var list = new PublicSuffixList(new StringReader("// comment\n\nexample\n*.wild.example\n!ok.wild.example\n"));
        list.IsPublicSuffix("example").Should().BeTrue();
        list.IsPublicSuffix("x.wild.example").Should().BeTrue();
        list.IsPublicSuffix("ok.wild.example").Should().BeFalse();
        list.IsPublicSuffix("a.example").Should().BeFalse();
    }
}
