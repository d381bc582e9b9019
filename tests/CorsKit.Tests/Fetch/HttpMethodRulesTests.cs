using CorsKit.Fetch;

namespace CorsKit.Tests.Fetch;

/// <summary>How fetch() writes a method on the wire, shared by the configuration check and the probe.</summary>
public sealed class HttpMethodRulesTests
{
    [Theory]
    [InlineData("get", "GET")]
    [InlineData("Delete", "DELETE")]
    [InlineData("options", "OPTIONS")]
    [InlineData("patch", "patch")]
    [InlineData("PATCH", "PATCH")]
    [InlineData("purge", "purge")]
    public void Only_the_six_standard_methods_are_uppercased(string method, string sent) =>
        HttpMethodRules.Normalize(method).Should().Be(sent);
}
