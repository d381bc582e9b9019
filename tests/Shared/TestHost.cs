using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CorsKit.Testing;

/// <summary>Builders for in-memory test apps: TestServer, one reloadable configuration source, collected logs.</summary>
public static class TestHost
{
    /// <summary>
    /// A WebApplication builder on TestServer whose only configuration is <paramref name="json"/>
    /// (replace it through <paramref name="configuration"/> to trigger a reload) and whose logs,
    /// Debug included, are collected by the fake logger. <paramref name="environment"/>: the
    /// environment's name, Production by default.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string json, out MutableConfigurationSource configuration, string? environment = null)
    {
        configuration = new MutableConfigurationSource();
        configuration.Set(json);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseTestServer();
        builder.Configuration.Sources.Clear();
        ((IConfigurationBuilder)builder.Configuration).Add(configuration);
        builder.Logging.ClearProviders().AddFakeLogging().SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSingleton<TimeProvider>(PinnedClock());
        return builder;
    }

    /// <summary>
    /// A WebApplication builder on TestServer with the host's own configuration sources for
    /// <paramref name="environment"/>: <c>appsettings.json</c> and
    /// <c>appsettings.{environment}.json</c> read from <paramref name="contentRoot"/> and
    /// reloaded when they change (then environment variables and the command line), as a deployed
    /// app layers them. Logs, Debug included, are collected by the fake logger.
    /// </summary>
    public static WebApplicationBuilder CreateBuilderInFolder(string contentRoot, string environment = "Production")
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = environment, ContentRootPath = contentRoot, Args = [] });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders().AddFakeLogging().SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSingleton<TimeProvider>(PinnedClock());
        return builder;
    }

    /// <summary>
    /// A clock pinned at noon UTC on the day of the Public Suffix List snapshot embedded when this
    /// was written (2026-10-07). Any later snapshot is younger than that day, so the list's age
    /// never adds a startup warning to tests that count warnings, however long ago CorsKit was built.
    /// </summary>
    private static FakeTimeProvider PinnedClock() => new(new DateTimeOffset(2026, 10, 7, 12, 0, 0, TimeSpan.Zero));
}
