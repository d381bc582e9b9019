using System.Diagnostics;

namespace CorsKit.IntegrationTests.Fleet;

/// <summary>
/// An instance process whose environment overrides one list entry of the ConfigMap's policy
/// (<c>Cors__Policies__web__Origins__0</c>): the variable wins over the file, and, as the
/// configuration system merges lists by index, the file's second entry stays in force.
/// </summary>
[Collection(Fleet.Collection)]
public sealed class EnvironmentOverrideTests
{
    private const string Policy = """
        { "Cors": { "DefaultPolicy": "web", "Policies": { "web": {
          "Origins": [ "https://a.example.com", "https://b.example.com" ]
        } } } }
        """;

    [Fact]
    public async Task An_environment_variable_replaces_one_origin_of_the_file_and_leaves_the_others_in_place()
    {
        using var configMap = new ConfigMapDirectory(Policy);
        var clock = Stopwatch.StartNew();
        await using var instance = await FleetInstance.StartAsync(
            "env", configMap.Path, clock, new Dictionary<string, string> { ["Cors__Policies__web__Origins__0"] = "https://c.example.com" });
        using var client = Fleet.DirectClient();

        (await PreflightAsync(client, instance, "https://c.example.com")).Should().Be(
            "204 https://c.example.com", "the variable sets Origins:0");
        (await PreflightAsync(client, instance, "https://a.example.com")).Should().Be(
            "403 ", "the file's Origins:0 is replaced, not kept next to the variable");
        (await PreflightAsync(client, instance, "https://b.example.com")).Should().Be(
            "204 https://b.example.com", "lists merge by index: the file's Origins:1 survives an override of Origins:0");
    }

    /// <summary>The status and Access-Control-Allow-Origin of a preflight from <paramref name="origin"/>.</summary>
    private static async Task<string> PreflightAsync(HttpClient client, FleetInstance instance, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, new Uri(instance.BaseAddress, "/api/data"));
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        using var response = await client.SendAsync(request);
        var allowed = response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? string.Join(",", values) : string.Empty;
        return $"{(int)response.StatusCode} {allowed}";
    }
}
