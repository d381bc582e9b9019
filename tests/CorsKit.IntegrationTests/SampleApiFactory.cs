using CorsKit.Samples.Api;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CorsKit.IntegrationTests;

/// <summary>
/// The sample API in memory, reached over https://localhost so its Secure cookie is kept, in the
/// Production environment: denials carry no explanation body there.
/// </summary>
public class SampleApiFactory : WebApplicationFactory<Program>
{
    protected virtual string Environment => "Production";

    protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.UseEnvironment(Environment);

    public ItemStore Items => Services.GetRequiredService<ItemStore>();

    public HttpClient CreateHttpsClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
}

/// <summary>The sample in the Development environment, where denials are explained.</summary>
public sealed class DevelopmentSampleApiFactory : SampleApiFactory
{
    protected override string Environment => "Development";
}
