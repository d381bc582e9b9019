using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace CorsKit.Testing;

/// <summary>Builders for in-memory test apps: TestServer, one reloadable configuration source, collected logs.</summary>
internal static class TestHost
{
    /// <summary>
    /// A WebApplication builder on TestServer whose only configuration is <paramref name="json"/>
    /// (replace it through <paramref name="configuration"/> to trigger a reload) and whose logs,
    /// Debug included, are collected by the fake logger.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string json, out MutableConfigurationSource configuration)
    {
        configuration = new MutableConfigurationSource();
        configuration.Set(json);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.Sources.Clear();
        ((IConfigurationBuilder)builder.Configuration).Add(configuration);
        builder.Logging.ClearProviders().AddFakeLogging().SetMinimumLevel(LogLevel.Debug);
        return builder;
    }
}
