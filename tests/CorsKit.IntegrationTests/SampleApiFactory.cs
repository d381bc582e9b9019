using CorsKit.Samples.Api;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CorsKit.IntegrationTests;

/// <summary>The sample API in memory, reached over https://localhost so its Secure cookie is kept.</summary>
public sealed class SampleApiFactory : WebApplicationFactory<Program>
{
    public ItemStore Items => Services.GetRequiredService<ItemStore>();

    public HttpClient CreateHttpsClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
}
