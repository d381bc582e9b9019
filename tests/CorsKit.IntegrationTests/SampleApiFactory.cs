using CorsKit.Samples.Api;
using CorsKit.Samples.Api.Tenants;
using CorsKit.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace CorsKit.IntegrationTests;

/// <summary>
/// The sample API in memory, reached over https://localhost so its Secure cookie is kept, in the
/// Production environment: denials carry no explanation body there. Each factory has a tenants
/// database of its own, a real SQLite file in a temporary folder deleted with the factory, so
/// test classes and parallel runs never share one; its log is collected.
/// </summary>
public class SampleApiFactory : WebApplicationFactory<Program>
{
    /// <summary>The admin key the factory configures (Tenants:AdminKey), unless <see cref="ConfiguredAdminKey"/> says otherwise.</summary>
    public const string AdminKey = "integration-tests-admin-key-5f0c9a7e41d2b38c";

    private readonly string _folder = Directory.CreateTempSubdirectory("corskit-sample-").FullName;

    protected virtual string Environment => "Production";

    /// <summary>What Tenants:AdminKey is set to; null leaves it unset.</summary>
    protected virtual string? ConfiguredAdminKey => AdminKey;

    public string DatabasePath => Path.Combine(_folder, "tenants.db");

    public ItemStore Items => Services.GetRequiredService<ItemStore>();

    public TenantDatabase Tenants => Services.GetRequiredService<TenantDatabase>();

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        builder.UseSetting("Tenants:Database", DatabasePath);
        if (ConfiguredAdminKey is { } key)
        {
            builder.UseSetting(TenantAdminKey.Setting, key);
        }

        builder.ConfigureServices(services => services.AddFakeLogging());
    }

    public HttpClient CreateHttpsClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });

    /// <summary>Stops the host, then closes the pooled connections to the tenants' file and deletes its folder.</summary>
    protected override void Dispose(bool disposing)
    {
        try
        {
            base.Dispose(disposing);
        }
        finally
        {
            new TenantDatabase(DatabasePath).CloseConnections();
            ProgramProcess.DeleteFolder(_folder);
        }
    }
}

/// <summary>The sample in the Development environment, where denials are explained and, without a configured admin key, one is made per run.</summary>
public sealed class DevelopmentSampleApiFactory : SampleApiFactory
{
    protected override string Environment => "Development";

    protected override string? ConfiguredAdminKey => null;
}
