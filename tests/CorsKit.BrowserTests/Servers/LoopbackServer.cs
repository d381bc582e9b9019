using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace CorsKit.BrowserTests.Servers;

/// <summary>A real Kestrel server on 127.0.0.1 with a port chosen by the OS.</summary>
public abstract class LoopbackServer : IAsyncDisposable
{
    private WebApplication? _app;

    public int Port { get; private set; }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        Configure(builder);
        _app = builder.Build();
        Map(_app);
        await _app.StartAsync();
        Port = new Uri(_app.Urls.Single()).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_app is not null)
            {
                await _app.DisposeAsync();
            }
        }
        finally
        {
            await StoppedAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Cleans up after the server stopped (or never started): what it kept on disk.</summary>
    protected virtual ValueTask StoppedAsync() => ValueTask.CompletedTask;

    protected virtual void Configure(WebApplicationBuilder builder)
    {
    }

    protected abstract void Map(WebApplication app);
}
