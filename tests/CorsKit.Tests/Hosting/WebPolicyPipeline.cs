namespace CorsKit.Tests.Hosting;

/// <summary>
/// The app the request-semantics tests run against (README's "What CorsKit answers" through a
/// real pipeline, each test asserting the whole response contract): a credentialed "web" policy,
/// started before each test and disposed after it.
/// </summary>
public abstract class WebPolicyPipeline : IAsyncLifetime
{
    public const string WebPolicy = """
        {
          "Cors": {
            "DefaultPolicy": "web",
            "Policies": {
              "web": {
                "Origins": [ "https://app.example.com", "https://*.example.com" ],
                "Methods": [ "PUT", "DELETE" ],
                "Headers": [ "Content-Type", "Authorization" ],
                "ExposedHeaders": [ "X-Request-Id" ],
                "AllowCredentials": true,
                "MaxAgeSeconds": 600
              }
            }
          }
        }
        """;

    private protected const string Allowed = "https://app.example.com";
    private protected const string Disallowed = "https://evil.example";

    private protected CorsTestApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await CorsTestApp.StartAsync(WebPolicy);

    public async Task DisposeAsync() => await App.DisposeAsync();
}
