using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CorsKit.EcosystemTests.Support;

/// <summary>The hosts the recipes run on: Kestrel on 127.0.0.1 (a port the system picks), or TestServer.</summary>
public static class LoopbackHost
{
    /// <summary>
    /// A WebApplication builder whose only configuration is <paramref name="json"/> (the app's
    /// appsettings.json), whose logs, Debug included, the fake logger collects, in
    /// <paramref name="environment"/> (Production unless said). On Kestrel at
    /// <c>http://127.0.0.1:0</c> speaking <paramref name="protocols"/>, or on TestServer when
    /// <paramref name="kestrel"/> is false.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string json, bool kestrel = true, HttpProtocols protocols = HttpProtocols.Http1, string? environment = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment ?? Environments.Production, Args = [] });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        builder.Logging.ClearProviders().AddFakeLogging().SetMinimumLevel(LogLevel.Debug);
        if (kestrel)
        {
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = protocols));
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        return builder;
    }

    /// <summary>The base address of a started Kestrel app: <c>http://127.0.0.1:PORT</c>.</summary>
    public static Uri BaseAddress(this WebApplication app) => new(app.Urls.Single());
}
